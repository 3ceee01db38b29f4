import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RecordedLeadEvent } from './lead-event';
import type { HandoffContext } from './engine/commands';
import type { NurturePhase, NurtureState, RulesVersion } from './engine/state';
import type { NurtureStatus } from './engine/status';

/*
 * Wire names live in workflow histories and in ops' runbooks: never rename them.
 * From the Temporal CLI, for example:
 *   temporal workflow signal --workflow-id nurture-crm-1 --name suppress --input '{"reason":"asked by phone","source":"ops"}'
 *   temporal workflow update execute --workflow-id nurture-crm-1 --name sales --input '{"action":"resume","by":"ops"}'
 *   temporal workflow query --workflow-id nurture-crm-1 --type nurtureState
 */

/**
 * A canonical lead event (opened, clicked, booked…), de-duplicated by its id.
 * Its data is checked at the API (lead-event.ts); the engine still reads it
 * defensively, since histories and the CLI carry payloads from before that.
 */
export const leadEventSignal = defineSignal<[RecordedLeadEvent]>('leadEvent');

/** Sent by enrollment's signal-with-start; carries nothing and changes nothing. */
export const enrollSignal = defineSignal('enroll');

/** Stops every channel at once (rule 4): from the API, ops, or the CLI. */
export const suppressSignal = defineSignal<[{ reason: string; source: string }]>('suppress');

/** A colleague at the same account booked or replied: pause automated touches. */
export const accountPauseSignal = defineSignal<[{ byLeadId: string; reason: string }]>('accountPause');

export type SalesRequest =
  | { action: 'handoff'; by: string; note?: string | null }
  | { action: 'ack'; by: string }
  | { action: 'resume'; by: string }
  | { action: 'close'; by: string; reason: string };

export interface SalesResult {
  status: NurtureStatus;
  handoff: HandoffContext | null;
}

/**
 * Sales actions; the answer comes after the engine applied the action and its
 * effects wrote the records (an ack marks the hand-off row acknowledged), so
 * `temporal workflow update execute --name sales --input '{"action":"ack","by":"rep-7"}'`
 * does what `POST /v1/leads/:id/handoff/ack` does.
 */
export const salesUpdate = defineUpdate<SalesResult, [SalesRequest]>('sales');

export interface NurtureView {
  leadId: string;
  status: NurtureStatus;
  phase: NurturePhase;
  planId: string;
  planVersion: number;
  currentStep: string | null;
  /** What the nurture is waiting for, in words: "email.opened", "time to send …", "sales"… */
  waitingFor: string | null;
  /** ISO time of the next thing the nurture will do by itself, or null. */
  waitUntil: string | null;
  opens: number;
  score: number;
  lastTouchKey: string | null;
  pause: NurtureState['pause'];
  handoff: NurtureState['handoff'];
  pendingSms: NurtureState['pendingSms'];
  audience: string | null;
}

/** The readable state; the Web UI's Queries tab opens on it (registered first). */
export const nurtureStateQuery = defineQuery<NurtureView>('nurtureState');

/** The full engine state, plan text included: for debugging, not for reading a lead. */
export const debugFullStateQuery = defineQuery<NurtureState>('debugFullState');

/**
 * The old name of `debugFullState`, still answered for runbooks and scripts
 * written before the rename (queries are not in history: adding a name is safe).
 * New code asks for `debugFullStateQuery`.
 */
export const legacyFullStateQuery = defineQuery<NurtureState>('fullState');

/**
 * The rules revisions (engine/state.ts, RulesVersion), newest first, each with
 * the `patched()` id that marks a history recorded after it. Patch ids live in
 * histories: never rename or reuse one.
 */
export const RULES_REVISIONS: readonly { version: RulesVersion; patch: string }[] = [
  { version: 3, patch: 'carrier-opt-out-at-the-edge' },
  { version: 2, patch: 'auto-reply-not-scored' },
];
