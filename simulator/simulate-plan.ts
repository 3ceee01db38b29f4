import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Plan } from '../plans/plan-schema';
import { testServerPath } from '../scripts/temporal-tools';
import { leadEventSignal, nurtureStateQuery } from '../workflows/definitions';
import type { NurtureWorkflowInput } from '../workflows/nurture-workflow';
import { WORKFLOWS_PATH } from '../worker/create-worker';
import { registerSearchAttributes } from '../worker/register-search-attributes';
import { createInMemoryActivities, type SimulationRecord } from './in-memory-activities';
import { readReplyData } from '../replies/read-reply';
import { instantOf, type SimulationScript } from './simulation-script';

export class SimulationError extends Error {
  override readonly name = 'SimulationError';
}

export interface SimulationResult {
  planId: string;
  planVersion: number;
  start: string;
  end: string;
  finalStatus: string;
  touches: SimulationRecord['touches'];
  timeline: { at: string; rule: string; outcome: string; channel: string | null; reason: string }[];
  effects: SimulationRecord['effects'];
  wallClockMs: number;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * Runs the real workflow code on Temporal's time-skipping test server against
 * a scripted lead and event stream, with in-memory activities: 90 days in
 * seconds, nothing sent, nothing written. The server's clock starts at the
 * real now and can only move forward, so a start in the future is reached by
 * skipping time; a start in the past is refused.
 */
export async function simulatePlan(plan: Plan, script: SimulationScript): Promise<SimulationResult> {
  const executable = testServerPath();
  if (executable === undefined) {
    throw new SimulationError(
      'the time-skipping test server is not installed: run `npm run setup -- --for-tests`',
    );
  }
  const began = performance.now();
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silent });
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: executable } },
  });
  try {
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
    const serverNow = await env.currentTimeMs();
    const start = script.start === undefined ? serverNow : Date.parse(script.start);
    if (start < serverNow - 60_000)
      throw new SimulationError('start is in the past: the simulator can only move time forward');
    const end = start + script.days * 86_400_000;
    const events = script.events
      .map((e, i) => ({ ...e, instant: instantOf(e.at, start), id: `sim-${String(i)}` }))
      .sort((a, b) => a.instant - b.instant);
    const outOfRange = events.find((e) => e.instant < start || e.instant > end);
    if (outOfRange !== undefined)
      throw new SimulationError(`event at ${outOfRange.at} is outside the simulated period`);

    const record: SimulationRecord = { decisions: [], touches: [], effects: [] };
    const taskQueue = `simulation-${String(process.pid)}-${String(Date.now())}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundle,
      activities: createInMemoryActivities(record),
    });
    const input: NurtureWorkflowInput = {
      inputVersion: 2,
      leadId: 'simulated-lead',
      plan,
      profile: {
        timezone: script.lead.timezone,
        ownerId: script.lead.ownerId,
        hasPhone: script.lead.hasPhone,
        persona: script.lead.persona,
        industry: script.lead.industry,
        stage: script.lead.stage,
        preferredChannel: script.lead.preferredChannel,
      },
      consent: Object.fromEntries(
        Object.entries(script.lead.consent).map(([channel, granted]) => [
          channel,
          { granted, source: 'simulation script', at: start },
        ]),
      ),
    };
    const finalStatus = await worker.runUntil(async () => {
      if (start > serverNow) await env.sleep(start - serverNow);
      const handle = await env.client.workflow.start('nurtureWorkflow', {
        taskQueue,
        workflowId: `simulation-${taskQueue}`,
        args: [input],
      });
      let now = start;
      for (const event of events) {
        await env.sleep(Math.max(0, event.instant - now));
        now = event.instant;
        await handle.signal(leadEventSignal, {
          id: event.id,
          type: event.type,
          occurredAt: new Date(now).toISOString(),
          // Read as the inbox reads a reply, so a script's out-of-office postpones as a real one does.
          data: readReplyData(event.type, event.data, {
            receivedAt: new Date(now),
            timeZone: script.lead.timezone,
          }),
        });
      }
      await env.sleep(Math.max(0, end - now));
      const state = await handle.query(nurtureStateQuery);
      await handle.terminate('simulation finished').catch(() => undefined);
      return state.status;
    });
    return {
      planId: plan.id,
      planVersion: plan.version,
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      finalStatus,
      touches: record.touches,
      timeline: record.decisions.map((d) => ({
        at: d.decidedAt,
        rule: d.rule,
        outcome: d.outcome,
        channel: d.channel,
        reason: d.reason,
      })),
      effects: record.effects,
      wallClockMs: Math.round(performance.now() - began),
    };
  } finally {
    await env.teardown();
  }
}

/** Worker state changes at INFO would drown the timeline; warnings still show. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // A runtime exists already (the API process runs a worker): keep its logger.
  }
}

const noop = (): void => undefined;
const silent = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };
