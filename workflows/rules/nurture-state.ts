import type { NurtureStatus, Plan } from '../../plans/plan-schema';
import type { LeadEvent } from '../lead-event';
import type { Channel, ConsentChannel } from './channels';
import type { SentRecord } from './frequency-caps';

/**
 * The live state of one nurture. Plain JSON only: it is carried through
 * continue-as-new, where a Map or Date would come back as `{}` or a string.
 * Times are epoch milliseconds.
 */
export type { NurtureStatus };

export const TERMINAL_STATUSES: readonly NurtureStatus[] = [
  'converted',
  'suppressed',
  'opted-out',
  'completed',
];

export function isActive(state: { status: NurtureStatus }): boolean {
  return !TERMINAL_STATUSES.includes(state.status);
}

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
}

export interface NurtureStart {
  leadId: string;
  workflowId: string;
  plan: Plan;
  profile: LeadProfile;
  consent: Partial<Record<ConsentChannel, ConsentState>>;
}

export type SalesAction =
  | { action: 'handoff'; by: string; note: string | null }
  | { action: 'ack'; by: string }
  | { action: 'resume'; by: string }
  | { action: 'close'; by: string; reason: string };

export type NurtureInput =
  | { kind: 'start' }
  | { kind: 'timer' }
  | { kind: 'event'; event: LeadEvent }
  | { kind: 'touch-result'; touchKey: string; channel: Channel; outcome: 'sent'; delivered: boolean }
  | { kind: 'touch-result'; touchKey: string; channel: Channel; outcome: 'failed'; reason: string }
  | { kind: 'sales'; sales: SalesAction }
  | { kind: 'suppress'; reason: string; source: string }
  | { kind: 'account-pause'; byLeadId: string; reason: string };

/** A decision as recorded: the rule, what happened, why in words, and its inputs. */
export interface DecisionRecord {
  rule: string;
  outcome: string;
  reason: string;
  channel?: Channel;
  /** Inputs the rule looked at (local time and zone, window, counters, consent source, status). */
  data?: Record<string, string | number | boolean | null>;
  /** When the touch becomes eligible again, if it was deferred or capped. */
  nextEligibleAt?: number | null;
}

export interface HandoffContext {
  leadId: string;
  status: NurtureStatus;
  score: number;
  ownerId: string | null;
  reason: string;
  lastTouchDelivered: { channel: Channel; key: string; at: string } | null;
  recommendedNextStep: string;
  slaDueAt: string;
}

export type NurtureCommand =
  | {
      type: 'send';
      channel: 'email' | 'sms';
      touchKey: string;
      step: string;
      variant: string;
      subject: string | null;
      body: string;
      /** Extra template variables (e.g. the intent that triggered an SMS). */
      vars: Record<string, string>;
      /** Epoch ms after which the provider must not be called (end of the SMS window); null = no limit. */
      notAfter: number | null;
    }
  | { type: 'create-linkedin-task'; taskKey: string; ownerId: string; note: string; step: string }
  | { type: 'cancel-linkedin-tasks'; reason: string }
  | { type: 'set-audience'; from: string | null; to: string | null }
  | { type: 'open-handoff'; context: HandoffContext; key: string }
  | { type: 'escalate-handoff'; key: string; backupOwner: string; context: HandoffContext }
  | { type: 'notify-crm'; kind: 'suppressed' | 'converted' | 'handoff' | 'opted-out'; reason: string }
  | { type: 'record-suppression'; reason: string; source: string }
  | { type: 'record-consent'; channel: ConsentChannel; granted: boolean; source: string; at: number }
  | { type: 'pause-account'; reason: string }
  | { type: 'record-decision'; decision: DecisionRecord };

export interface Decision {
  state: NurtureState;
  commands: NurtureCommand[];
}

/** How many applied event ids a nurture remembers for de-duplication. */
export const SEEN_EVENT_IDS_LIMIT = 500;
