import type { Channel, ConsentChannel } from '../rules/channels';
import type { NurtureState } from './state';
import type { NurtureStatus } from './status';

/**
 * What the engine answers: the next state and the commands the workflow
 * carries out, each decision recorded with its rule, outcome and reason.
 * Rule names and outcomes are closed lists: ops filter decisions by them, and
 * a typo would be a rule nobody can find.
 */
export const RULE_NAMES = [
  'enrollment',
  'lifecycle',
  'status',
  'scoring',
  /** Which channel carries which touch: email first, then LinkedIn, SMS on intent. */
  'coordination',
  'open-window',
  'cadence',
  'delivery',
  'consent',
  'do-not-cross',
  'status-matrix',
  'eligibility',
  'pause',
  'preference',
  'frequency-cap',
  'cooldown',
  /** The lead's local send window. */
  'timing',
  'replies',
  'suppression',
  'retargeting',
  'account-stop',
  /** The lead's experiment arm holds the channel out: the touch is recorded, never made. */
  'experiment',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

/** What a rule did. A status change records the new status as its outcome. */
export const DECISION_OUTCOMES = [
  'started',
  'ignored',
  'recorded',
  'skipped',
  'deferred',
  'dropped',
  'sending',
  'sent',
  'failed',
  'opened',
  'no-open',
  'linkedin-task',
  'shortened',
  'lengthened',
  'paused',
  'resumed',
  'postponed',
  'handoff',
  'acknowledged',
  'escalated',
  'granted',
  'withdrawn',
  'email-stopped',
  'joined',
  'moved',
  'left',
  /** A ghost touch: what a held-out channel would have done, and when; never a send. */
  'held-out',
] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number] | NurtureStatus;

/** Inputs a rule looked at (local time and zone, window, counters, consent source, status). */
export type DecisionData = Record<string, string | number | boolean | null>;

/** A decision as recorded: the rule, what happened, why in words, and its inputs. */
export interface DecisionRecord {
  rule: RuleName;
  outcome: DecisionOutcome;
  reason: string;
  channel?: Channel;
  data?: DecisionData;
  /** When the touch becomes eligible again, if it was deferred or capped. */
  nextEligibleAt?: number | null;
}

/** What sales sees with a hand-off: enough to act without opening the timeline. */
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
  /** Written by the effect, whoever sent the ack (the API or `temporal workflow update`). */
  | { type: 'acknowledge-handoff'; handoffKey: string; by: string }
  | { type: 'notify-crm'; kind: 'suppressed' | 'converted' | 'handoff' | 'opted-out'; reason: string }
  | { type: 'record-suppression'; reason: string; source: string }
  | { type: 'record-consent'; channel: ConsentChannel; granted: boolean; source: string; at: number }
  | { type: 'pause-account'; reason: string }
  | { type: 'record-decision'; decision: DecisionRecord };

/** Side effects that only touch the database; each carries a key minted in the workflow. */
export type Effect = { key: string } & Exclude<
  NurtureCommand,
  { type: 'send' | 'pause-account' | 'record-decision' }
>;

export interface Decision {
  state: NurtureState;
  commands: NurtureCommand[];
}
