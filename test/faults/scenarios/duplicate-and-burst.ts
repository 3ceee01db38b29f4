import { z } from 'zod';
import { workflowEventId } from '../../../api/inbox/event-inbox';
import { leadEventSignals } from '../../support/signal-history';
import type { FaultRow } from '../fault-table';
import { enroll, NO_DAMAGE, postClick, temporalClient } from '../lead-population';
import { ServiceClient } from '../service-client';
import type { ServiceProcess } from '../service-process';
import { debugFullStateQuery } from '../../../workflows/definitions';

const NEWER_EVENTS = 600;
const BURST = 200;

const acceptedSchema = z.object({ duplicate: z.boolean() });

/** Runs `tasks` with at most `limit` in flight. */
async function inParallel(limit: number, tasks: (() => Promise<void>)[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const task = tasks[next++];
        await task?.();
      }
    }),
  );
}

/**
 * Defect 1 of issue 15: one click, then 600 newer events (past the
 * workflow's 500-id window), then the first click again, as a provider
 * redelivers a day later. It must be answered as a duplicate and never reach
 * the workflow a second time.
 */
export async function duplicateAfterNewerEvents(
  service: ServiceProcess,
  key: () => string,
): Promise<FaultRow> {
  const api = new ServiceClient(() => service.baseUrl, key);
  const deadline = Date.now() + 5 * 60_000;
  const failures: string[] = [];
  // The default plan waits days between steps: the nurture is still running at the end.
  const lead = await enroll(api, 'redelivered-1', { planId: 'default' }, deadline);
  const { client, close } = await temporalClient(service.temporalAddress);
  // The first run: 600 signals make the nurture continue as new, and the history walk starts here.
  const { runId: firstRunId } = await client.workflow.getHandle(lead.workflowId).describe();
  const first = `${lead.id}-click-first`;
  await postClick(api, lead, first, deadline);
  await inParallel(
    8,
    Array.from({ length: NEWER_EVENTS }, (_, i) => async () => {
      const reply = await api.until2xx(
        'POST',
        `/v1/leads/${lead.id}/events`,
        {
          id: `${lead.id}-visit-${String(i)}`,
          type: 'web.page_visited',
          occurredAt: new Date().toISOString(),
          data: { path: `/blog/post-${String(i)}` },
        },
        deadline,
      );
      if (reply === null) failures.push(`newer event ${String(i)} was never taken`);
    }),
  );
  const again = await api.request('POST', `/v1/leads/${lead.id}/events`, {
    id: first,
    type: 'email.clicked',
    occurredAt: new Date().toISOString(),
    data: {},
  });
  if (again.status !== 202 || !acceptedSchema.parse(again.body).duplicate) {
    failures.push(`the redelivery was answered ${String(again.status)} ${JSON.stringify(again.body)}`);
  }

  try {
    const handle = client.workflow.getHandle(lead.workflowId);
    // Wait until the worker has taken in all 601 events, so a late second signal would show.
    let state = await handle.query(debugFullStateQuery);
    for (let i = 0; i < 120 && state.seenEventIds.length < 500; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      state = await handle.query(debugFullStateQuery);
    }
    const { count } = await leadEventSignals(
      client,
      { workflowId: lead.workflowId, firstExecutionRunId: firstRunId },
      workflowEventId('api', first),
    );
    return {
      fault: `an event sent again after ${String(NEWER_EVENTS)} newer ones`,
      injected: 1,
      population: `1 default-plan nurture, ${String(NEWER_EVENTS + 2)} events`,
      damage: {
        ...NO_DAMAGE,
        lostEvents: count === 0 ? 1 : 0,
        eventsAppliedTwice: Math.max(0, count - 1) + Math.max(0, state.clicks - 1),
      },
      failures,
      notes: `signals of the first click in the history: ${String(count)}; clicks applied: ${String(state.clicks)}`,
    };
  } finally {
    await close();
  }
}

/**
 * Defect 2 of issue 15: 200 enrollments at once from one address with a
 * valid key. None may be refused as "too many failed authentications"
 * (429). Under the load the service may shed some with 503 and Retry-After
 * (backpressure, issue 12); those are sent again, as a backend does, and must
 * then be created. Any other answer fails.
 */
export async function concurrentBurst(service: ServiceProcess, key: () => string): Promise<FaultRow> {
  const api = new ServiceClient(() => service.baseUrl, key);
  const body = (i: number) => ({
    id: `burst-${String(i + 1)}`,
    email: `burst-${String(i + 1)}@burst-${String(i + 1)}.example.com`,
    consent: { email: true },
    planId: 'default',
  });
  const replies = await Promise.all(
    Array.from({ length: BURST }, (_, i) => api.request('POST', '/v1/leads', body(i))),
  );
  const answers = [...api.statuses].map(([status, n]) => `${String(status)}×${String(n)}`).join(', ');
  const failures: string[] = [];
  const shed = replies.flatMap((r, i) => (r.status === 503 ? [i] : []));
  const wrong = replies.filter((r) => r.status !== 201 && !(r.status === 503 && r.retryAfter !== null));
  if (wrong.length > 0)
    failures.push(`${String(wrong.length)} answers were neither 201 nor 503 with Retry-After`);
  const deadline = Date.now() + 60_000;
  const retried = await Promise.all(shed.map((i) => api.until2xx('POST', '/v1/leads', body(i), deadline)));
  const never = retried.filter((r) => r === null).length;
  if (never > 0) failures.push(`${String(never)} shed enrollments were never created`);
  return {
    fault: `${String(BURST)} concurrent enrollments, one address, a valid key`,
    injected: 1,
    population: `${String(BURST)} requests`,
    damage: NO_DAMAGE,
    failures,
    notes: `first answers: ${answers}; shed with 503 and created on retry: ${String(shed.length - never)}`,
  };
}
