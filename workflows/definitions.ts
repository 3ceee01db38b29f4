import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { LeadEvent } from './lead-event';
import type { NurturePhase, NurtureStatus } from './rules/nurture-state';

/*
 * Wire names live in workflow histories: never rename them.
 */

/** A canonical lead event (opened, clicked, booked…), de-duplicated by its id. */
export const leadEventSignal = defineSignal<[LeadEvent]>('leadEvent');

/** Sent by enrollment's signal-with-start; carries nothing and changes nothing. */
export const enrollSignal = defineSignal('enroll');

export interface NurtureView {
  leadId: string;
  status: NurtureStatus;
  phase: NurturePhase;
  planId: string;
  planVersion: number;
  currentStep: string | null;
  /** What the nurture is waiting for, in words: "email.opened", "next step"… */
  waitingFor: string | null;
  /** ISO time at which the current wait ends, or null. */
  waitUntil: string | null;
  opens: number;
  lastTouchKey: string | null;
}

export const nurtureStateQuery = defineQuery<NurtureView>('nurtureState');
