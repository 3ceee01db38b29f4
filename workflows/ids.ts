/**
 * Workflow ids, touch keys and decision keys are built here and nowhere else.
 * They are derived from business ids, never from run ids (a run id changes at
 * continue-as-new, which would make a retried touch look new).
 */
export const WORKFLOW_ID_PREFIX = 'nurture-';

export function workflowIdForLead(leadId: string): string {
  return `${WORKFLOW_ID_PREFIX}${leadId}`;
}

export interface TouchKeyParts {
  workflowId: string;
  planVersion: number;
  step: string;
  channel: string;
  variant: string;
}

export function touchKey(parts: TouchKeyParts): string {
  return [parts.workflowId, `v${parts.planVersion}`, parts.step, parts.channel, parts.variant].join(':');
}

export function decisionKey(workflowId: string, sequence: number): string {
  return `${workflowId}:decision:${String(sequence)}`;
}

/** Keys of the database effects of one engine step (consent rows, tasks, audience changes…). */
export function effectKey(workflowId: string, sequence: number): string {
  return `${workflowId}:effect:${String(sequence)}`;
}

/** A lead's one suppression row: whoever records it first (API, engine, erasure), it is recorded once. */
export function suppressionKey(workflowId: string): string {
  return `${workflowId}:suppression`;
}
