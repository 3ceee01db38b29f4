import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { defaultPayloadConverter } from '@temporalio/common';
import { z } from 'zod';
import { leadEventSignal } from '../../workflows/definitions';

const signalledEventSchema = z.object({ id: z.string() });

/** Bounds the walk along a chain of continue-as-new runs. */
const MAX_RUNS = 100;

/**
 * How many times an event reached a nurture (lead-event signals with that id
 * in the histories of its runs, followed across continue-as-new), and whether
 * a workflow task completed after the last one, i.e. the worker has handled
 * it and a query now reflects it. The history is the witness here, not the
 * workflow's own id window: that window is the second guard, tested apart.
 */
export async function leadEventSignals(
  client: Client,
  nurture: { workflowId: string; firstExecutionRunId: string },
  eventId: string,
): Promise<{ count: number; handled: boolean }> {
  let count = 0;
  let handled = true;
  let runId: string | undefined = nurture.firstExecutionRunId;
  for (let run = 0; runId !== undefined && run < MAX_RUNS; run += 1) {
    const history = await client.workflow.getHandle(nurture.workflowId, runId).fetchHistory();
    const events: temporal.api.history.v1.IHistoryEvent[] = history.events ?? [];
    let last = -1;
    events.forEach((event, index) => {
      const signalled = event.workflowExecutionSignaledEventAttributes;
      const payload = signalled?.input?.payloads?.[0];
      if (signalled?.signalName !== leadEventSignal.name || payload === undefined) return;
      if (signalledEventSchema.parse(defaultPayloadConverter.fromPayload(payload)).id !== eventId) return;
      count += 1;
      last = index;
    });
    if (last !== -1) {
      handled = events.slice(last + 1).some((event) => event.workflowTaskCompletedEventAttributes != null);
    }
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return { count, handled: count > 0 && handled };
}
