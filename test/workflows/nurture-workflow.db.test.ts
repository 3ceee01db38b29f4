import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createOutboxEmailChannel } from '../../activities/outbox-email-channel';
import type { EmailChannel } from '../../activities/email-channel';
import { workflowIdForLead } from '../../workflows/ids';
import { leadEventSignal, nurtureStateQuery } from '../../workflows/definitions';
import type { NurtureWorkflowInput } from '../../workflows/nurture-workflow';
import { createNurtureWorker } from '../../worker/create-worker';
import { insertLead, shippedPlan, uniqueLeadId } from '../support/builders';
import { createTimeSkippingEnv, workflowBundle } from '../support/temporal-test-env';
import { eventually } from '../support/eventually';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

let taskQueue = '';
let queues = 0;
const HOUR = 3_600_000;

let env: TestWorkflowEnvironment;
let db: TestDatabase;
let sends: string[];

beforeAll(async () => {
  [env, db] = await Promise.all([createTimeSkippingEnv(), openTestDatabase()]);
});

afterAll(async () => {
  await env.teardown();
  await db.close();
});

beforeEach(() => {
  sends = [];
  queues += 1;
  taskQueue = `nurture-workflow-test-${String(queues)}`;
});

/** The outbox channel, counting every call that reaches the provider. */
function countingChannel(): EmailChannel {
  const outbox = createOutboxEmailChannel(db.prisma);
  return {
    provider: outbox.provider,
    send: (message) => {
      sends.push(message.touchKey);
      return outbox.send(message);
    },
  };
}

async function withWorker<T>(fn: (worker: Worker) => Promise<T>): Promise<T> {
  const worker = await createNurtureWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: { prisma: db.prisma, email: countingChannel() },
    bundle: await workflowBundle(),
  });
  return worker.runUntil(() => fn(worker));
}

async function startNurture(planId: 'default' | 'demo' = 'default') {
  const plan = shippedPlan(planId);
  const leadId = uniqueLeadId();
  await insertLead(db.prisma, leadId, plan);
  const input: NurtureWorkflowInput = { inputVersion: 1, leadId, ownerId: 'rep-1', plan };
  const handle = await env.client.workflow.start('nurtureWorkflow', {
    taskQueue,
    workflowId: workflowIdForLead(leadId),
    args: [input],
  });
  return { leadId, handle, plan };
}

async function decisionsOf(leadId: string) {
  return db.prisma.decision.findMany({ where: { leadId }, orderBy: { decidedAt: 'asc' } });
}

describe('nurture workflow (time-skipping server, real activities, real database)', () => {
  test('the first email is sent exactly once and waits 48h for an open', async () => {
    await withWorker(async () => {
      const { leadId, handle } = await startNurture();
      const state = await eventually(
        () => handle.query(nurtureStateQuery),
        (s) => s.phase !== 'scheduled',
      );
      expect(state).toMatchObject({
        status: 'new',
        phase: 'awaiting-open',
        currentStep: 'welcome',
        waitingFor: 'email.opened',
      });
      const touches = await db.prisma.touch.findMany({ where: { leadId } });
      expect(touches).toHaveLength(1);
      expect(touches[0]).toMatchObject({
        channel: 'email',
        step: 'welcome',
        status: 'sent',
        provider: 'outbox',
      });
      expect(sends).toEqual([touches[0]?.key]);
      const outbox = await db.prisma.outboxMessage.findMany({ where: { touchKey: touches[0]?.key } });
      expect(outbox).toHaveLength(1);
      expect(outbox[0]?.body).toContain('Hi Ada');
      // The wait is the plan's open window, measured from the send on the server's clock.
      const waitUntil = Date.parse(state.waitUntil ?? '');
      const now = await env.currentTimeMs();
      expect(waitUntil - now).toBeGreaterThan(47 * HOUR);
      expect(waitUntil - now).toBeLessThanOrEqual(48 * HOUR);
      await handle.terminate('test done');
    });
  });

  test('an open within the window is recorded and moves to the next step after its delay', async () => {
    await withWorker(async () => {
      const { leadId, handle } = await startNurture();
      await eventually(
        () => handle.query(nurtureStateQuery),
        (s) => s.phase === 'awaiting-open',
      );
      await env.sleep(5 * HOUR);
      await handle.signal(leadEventSignal, {
        id: 'open-1',
        type: 'email.opened',
        occurredAt: new Date().toISOString(),
        data: {},
      });
      // Redelivered: must not count twice.
      await handle.signal(leadEventSignal, {
        id: 'open-1',
        type: 'email.opened',
        occurredAt: new Date().toISOString(),
        data: {},
      });
      const state = await eventually(
        () => handle.query(nurtureStateQuery),
        (s) => s.opens > 0,
      );
      expect(state).toMatchObject({ opens: 1, phase: 'scheduled', currentStep: 'case-study' });
      const decisions = await decisionsOf(leadId);
      expect(decisions.map((d) => d.outcome)).toEqual(['started', 'email-sent', 'opened']);
      expect(decisions[2]?.reason).toBe('email "welcome" opened within the 48h open window');
      await env.sleep(3 * 24 * HOUR);
      const after = await eventually(
        () => handle.query(nurtureStateQuery),
        (s) => s.phase === 'awaiting-open',
      );
      expect(after).toMatchObject({ phase: 'awaiting-open', currentStep: 'case-study' });
      expect(sends).toHaveLength(2);
      await handle.terminate('test done');
    });
  });

  test('no open within the window is decided with its reason, then the plan runs to completion', async () => {
    await withWorker(async () => {
      const { leadId, handle } = await startNurture();
      const result = await handle.result();
      expect(result).toEqual({ status: 'completed' });
      const decisions = await decisionsOf(leadId);
      expect(decisions.filter((d) => d.outcome === 'no-open').map((d) => d.reason)).toEqual([
        'email "welcome" not opened within the 48h open window',
        'email "case-study" not opened within the 48h open window',
        'email "demo-offer" not opened within the 48h open window',
      ]);
      expect(decisions.at(-1)).toMatchObject({ rule: 'lifecycle', outcome: 'completed' });
      const touches = await db.prisma.touch.findMany({ where: { leadId } });
      expect(touches.map((t) => t.step).sort()).toEqual(['case-study', 'demo-offer', 'welcome']);
      expect(new Set(sends).size).toBe(3);
      expect(sends).toHaveLength(3);
    });
  });

  test('a booking stops the nurture at once: nothing is sent afterwards', async () => {
    await withWorker(async () => {
      const { leadId, handle } = await startNurture();
      await eventually(
        () => handle.query(nurtureStateQuery),
        (s) => s.phase === 'awaiting-open',
      );
      await handle.signal(leadEventSignal, {
        id: 'booked-1',
        type: 'meeting.booked',
        occurredAt: new Date().toISOString(),
        data: {},
      });
      expect(await handle.result()).toEqual({ status: 'converted' });
      const touches = await db.prisma.touch.findMany({ where: { leadId } });
      expect(touches.map((t) => t.step)).toEqual(['welcome']);
    });
  });

  test('a retried send finds its touch and does not call the provider again', async () => {
    const { leadId, plan } = { leadId: uniqueLeadId(), plan: shippedPlan('default') };
    await insertLead(db.prisma, leadId, plan);
    const { createSendEmailTouch } = await import('../../activities/send-touch');
    const send = createSendEmailTouch({ prisma: db.prisma, email: countingChannel() });
    const input = {
      touchKey: `${workflowIdForLead(leadId)}:v1:welcome:email:a`,
      leadId,
      workflowId: workflowIdForLead(leadId),
      planId: plan.id,
      planVersion: plan.version,
      step: 'welcome',
      variant: 'a',
      subject: 'Hello {{ firstName }}',
      body: 'Body',
    };
    const first = await send(input);
    const second = await send(input);
    expect(first).toEqual(second);
    expect(sends).toHaveLength(1);
  });
});
