import type { Plan } from '../../plans/plan-schema';
import type { LeadEvent } from '../lead-event';

/**
 * The live state of one nurture. Plain JSON only: it is carried through
 * continue-as-new, where a Map or Date would come back as `{}` or a string.
 */
export type NurtureStatus = 'new' | 'engaged' | 'converted' | 'completed';

/** Statuses in which the nurture still acts. */
export function isActive(state: { status: NurtureStatus }): boolean {
  return state.status === 'new' || state.status === 'engaged';
}

/** Opens that make a new lead engaged (product brief, rule 3). */
export const ENGAGED_AFTER_OPENS = 2;

export type NurturePhase =
  /** The next email step goes out at `dueAt`. */
  | 'scheduled'
  /** An email went out; waiting for `email.opened` until `dueAt`. */
  | 'awaiting-open'
  /** Nothing more to do. */
  | 'finished';

export interface NurtureState {
  leadId: string;
  workflowId: string;
  plan: Plan;
  status: NurtureStatus;
  phase: NurturePhase;
  stepIndex: number;
  /** Epoch milliseconds at which the current wait ends, or null when none. */
  dueAt: number | null;
  opens: number;
  lastTouchKey: string | null;
  /** Recently applied event ids, bounded, so a redelivered event is not applied twice. */
  seenEventIds: string[];
  decisionCount: number;
}

export interface NurtureStart {
  leadId: string;
  workflowId: string;
  plan: Plan;
}

export type NurtureInput =
  | { kind: 'start' }
  | { kind: 'timer' }
  | { kind: 'event'; event: LeadEvent }
  | { kind: 'touch-result'; touchKey: string; outcome: 'sent' | 'failed'; reason?: string };

export interface DecisionRecord {
  rule: string;
  outcome: string;
  reason: string;
  data?: Record<string, string | number | boolean | null>;
}

export type NurtureCommand =
  | {
      type: 'send-email';
      touchKey: string;
      step: string;
      variant: string;
      subject: string;
      body: string;
    }
  | { type: 'record-decision'; decision: DecisionRecord };

export interface Decision {
  state: NurtureState;
  commands: NurtureCommand[];
}

/** How many applied event ids a nurture remembers for de-duplication. */
export const SEEN_EVENT_IDS_LIMIT = 500;
