import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { SeededRandom } from '../../experiments/seeded-random';
import type { FaultRow } from '../fault-table';
import { addDamage, auditLeads, enroll, postClick, temporalClient, type Lead } from '../lead-population';
import type { ServiceClient } from '../service-client';
import type { ServiceProcess } from '../service-process';

const outboxSchema = z.object({ items: z.array(z.object({ touchKey: z.string() })) });

/**
 * SIGKILL to the whole of `npm start` (API, worker, Temporal dev server,
 * embedded database: one process group) at random moments while 50
 * demo-plan nurtures enroll, send and take events, then a restart, `kills`
 * times. Enrollments and events are retried by their senders until taken, as
 * a backend does. Afterwards every nurture must complete, the outbox must hold
 * exactly one message per sent touch and one touch per step, and every
 * accepted event must have been applied once.
 */
export async function wholeServiceKills(
  service: ServiceProcess,
  api: ServiceClient,
  random: SeededRandom,
  options: { leads: number; kills: number },
): Promise<FaultRow> {
  const deadline = Date.now() + 10 * 60_000;
  const ids = Array.from({ length: options.leads }, (_, i) => `kill-${String(i + 1).padStart(3, '0')}`);
  const leads: Lead[] = [];
  // Senders, in the background: each lead enrolled, then three clicks over its first 20 seconds.
  const senders = ids.map(async (id, i) => {
    await sleep((i % 10) * 300);
    const lead = await enroll(api, id, { planId: 'demo' }, deadline);
    leads.push(lead);
    for (let click = 1; click <= 3; click++) {
      await sleep(2_000 + (random.uint32() % 5_000));
      await postClick(api, lead, `${id}-click-${String(click)}`, deadline);
    }
  });

  const restarts: number[] = [];
  for (let kill = 0; kill < options.kills; kill++) {
    await sleep(1_000 + (random.uint32() % 6_000));
    await service.kill();
    const down = Date.now();
    await service.start();
    restarts.push(Date.now() - down);
  }
  await Promise.all(senders);

  const { client, close } = await temporalClient(service.temporalAddress);
  try {
    // The outbox's key is the touch key, so it cannot hold two copies of one; a step
    // sent twice under two keys, or a message no touch accounts for, still shows.
    const audit = await auditLeads(api, client, leads, {
      deadline: Date.now() + 4 * 60_000,
      copies: async (lead) => {
        const reply = await api.until2xx(
          'GET',
          `/v1/outbox?leadId=${lead.id}&limit=500`,
          undefined,
          deadline,
        );
        return new Map(outboxSchema.parse(reply?.body).items.map((m) => [m.touchKey, 1]));
      },
    });
    const damage = addDamage(audit.damage, { unfinished: ids.length - leads.length });
    const slowest = Math.max(...restarts);
    return {
      fault: 'SIGKILL of the whole service, then restart',
      injected: restarts.length,
      population: `${String(leads.length)} demo nurtures, ${String(audit.sent.length)} touches, ${String(audit.events)} events`,
      damage,
      notes: `restart to ready: median ${String(median(restarts))} ms, slowest ${String(slowest)} ms; events that reached their nurture only after it ended (crash delays, kept on the timeline): ${String(audit.lateEvents)}`,
    };
  } finally {
    await close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
