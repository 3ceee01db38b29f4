import type { Plan } from '../../plans/plan-schema';
import type { Channel, ConsentChannel } from '../rules/channels';
import type { SentRecord } from '../rules/frequency-caps';
import type { NurtureStatus } from './status';

/**
 * The live state of one nurture. Plain JSON only: it is carried through
 * continue-as-new, where a Map or Date would come back as `{}` or a string.
 * Times are epoch milliseconds.
 */
export interface NurtureState {
  leadId: string;
  workflowId: string;
  plan: Plan;
  profile: LeadProfile;
  status: NurtureStatus;
  phase: NurturePhase;
  stepIndex: number;
  /** When the current email phase ends (next send, or end of the open window). */
  dueAt: number | null;
  enrolledAt: number;
  opens: number;
  clicks: number;
  lastOpenAt: number | null;
  score: { score: number; at: number };
  /** Score at the previous step, to tell rising from fading engagement. */
  scoreAtLastStep: number;
  consent: Partial<Record<ConsentChannel, ConsentState>>;
  /** At least one nurture email delivered and not bounced (rule 2, do-not-cross). */
  emailRelationship: boolean;
  /** Why email may no longer be used, if so. */
  emailBlocked: 'bounced' | 'unsubscribed' | 'spam-reported' | null;
  /** Recent sends, pruned to what caps and cooldowns can still see. */
  sent: SentRecord[];
  pendingSms: PendingSms | null;
  smsCount: number;
  linkedinTaskKey: string | null;
  linkedinRequested: boolean;
  audience: string | null;
  handoff: Handoff | null;
  pause: Pause | null;
  /** The last touch handed to a provider: which, and whether it was delivered. */
  lastTouch: { channel: Channel; key: string; at: number; delivered: boolean } | null;
  /** Recently applied event ids, bounded, so a redelivered event is not applied twice. */
  seenEventIds: string[];
  decisionCount: number;
  /** The revision of the rules this nurture runs under (see RulesVersion). */
  rulesVersion: RulesVersion;
  /**
   * The lead's experiment arm, assigned at enrollment; absent for a plan
   * without arms (and in runs from before arms), which gets every channel.
   */
  arm?: LeadArm;
  /** What the held-out channels would have done so far ("ghost touches"); absent until the first. */
  ghost?: GhostState;
}

/**
 * An experiment arm as the engine enforces it: which channels the lead may
 * really be touched on. `experimentId` is null for the service-wide holdout.
 */
export interface LeadArm {
  id: string;
  experimentId: string | null;
  channels: Channel[];
}

/**
 * The held-out channels' own counterfactual state. Kept apart from the real
 * one so that a ghost touch never counts against caps, cooldowns or the
 * do-not-cross rule of a touch that really goes out.
 */
export interface GhostState {
  /** A held-out email "went out": a held-out SMS or LinkedIn task may follow it. */
  emailSent: boolean;
  /** The audience the lead would be in. */
  audience: string | null;
}

/**
 * Revisions of the rules. A fix that changes what a running nurture does
 * next raises it; the workflow chooses it with `patched()`, so a history
 * recorded before the fix replays under the rules it ran with.
 * - 1: as first released.
 * - 2: an auto-reply adds no score (it was scored as a reply, +10 points
 *   before the auto-reply check, which shortened the next wait).
 * - 3: the rules read no provider error codes: Twilio's 21610 arrives as
 *   `sms.opted_out` from the carrier, turned so at the edge; `sms.failed` is
 *   recorded only (tracks/legacy-carrier-opt-out.ts keeps the old rule for
 *   older runs).
 */
export type RulesVersion = 1 | 2 | 3;
export const CURRENT_RULES_VERSION: RulesVersion = 3;

export type NurturePhase =
  /** The next email step goes out at `dueAt`. */
  | 'scheduled'
  /** An email went out; waiting for `email.opened` until `dueAt`. */
  | 'awaiting-open'
  /** Nothing more to do. */
  | 'finished';

export interface ConsentState {
  granted: boolean;
  source: string;
  at: number;
}

/** What decisions need to know about the lead; no contact details (those stay in the database). */
export interface LeadProfile {
  timezone: string;
  ownerId: string | null;
  hasPhone: boolean;
  persona: string | null;
  industry: string | null;
  stage: string | null;
  preferredChannel: Channel | null;
}

export interface PendingSms {
  /** What made it relevant: "pricing page visit", "webinar attended"… */
  trigger: string;
  triggerEventId: string;
  /** When it may go out (window, caps, cooldowns). */
  dueAt: number;
  /** After this it is no longer relevant and is dropped. */
  expiresAt: number;
}

export interface Handoff {
  key: string;
  reason: string;
  status: 'open' | 'acknowledged' | 'escalated';
  openedAt: number;
  slaDueAt: number;
  ownerId: string | null;
}

export interface Pause {
  reason: 'handoff' | 'account' | 'auto-reply';
  detail: string;
  /** Resumes by itself at this time; null waits for sales. */
  until: number | null;
}

export interface NurtureStart {
  leadId: string;
  workflowId: string;
  plan: Plan;
  profile: LeadProfile;
  consent: Partial<Record<ConsentChannel, ConsentState>>;
  /** The current rules unless the workflow replays a run that started before a revision. */
  rulesVersion?: RulesVersion;
  arm?: LeadArm | undefined;
}

/** How many applied event ids a nurture remembers for de-duplication. */
export const SEEN_EVENT_IDS_LIMIT = 500;

export function initialState(start: NurtureStart, now: number): NurtureState {
  return {
    leadId: start.leadId,
    workflowId: start.workflowId,
    plan: start.plan,
    profile: start.profile,
    status: 'new',
    phase: 'scheduled',
    stepIndex: 0,
    dueAt: null,
    enrolledAt: now,
    opens: 0,
    clicks: 0,
    lastOpenAt: null,
    score: { score: 0, at: now },
    scoreAtLastStep: 0,
    consent: start.consent,
    emailRelationship: false,
    emailBlocked: null,
    sent: [],
    pendingSms: null,
    smsCount: 0,
    linkedinTaskKey: null,
    linkedinRequested: false,
    audience: null,
    handoff: null,
    pause: null,
    lastTouch: null,
    seenEventIds: [],
    decisionCount: 0,
    rulesVersion: start.rulesVersion ?? CURRENT_RULES_VERSION,
    // Only when there is one: a run without arms keeps the state it always had.
    ...(start.arm === undefined ? {} : { arm: start.arm }),
  };
}
