import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultRow } from '../fault-table';
import { auditLeads, enroll, postClick, temporalClient, type Lead } from '../lead-population';
import { ServiceClient } from '../service-client';
import type { ServiceProcess } from '../service-process';

const CUT_MS = 10_000;

/**
 * A dependency goes away under running nurtures while a backend keeps
 * posting events and enrolling, then comes back:
 * - `temporal`: SIGKILL to the Temporal dev server alone; `npm start`'s
 *   supervisor restarts it on the same SQLite file. Events are still taken
 *   into the inbox meanwhile and applied once it is back.
 * - `database`: the embedded database's port is closed for 10 s (the
 *   FAULT_HOOKS signal), cutting every connection.
 * The API may answer 503 with Retry-After meanwhile, never another 5xx;
 * /readyz must say it is not ready, and everything must recover.
 */
export async function dependencyOutage(
  service: ServiceProcess,
  key: () => string,
  which: 'temporal' | 'database',
): Promise<FaultRow> {
  // A client of its own: its status counts are this scenario's alone.
  const api = new ServiceClient(() => service.baseUrl, key);
  const deadline = Date.now() + 5 * 60_000;
  const failures: string[] = [];
  const leads = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      enroll(api, `${which}-out-${String(i + 1)}`, { planId: 'demo' }, deadline),
    ),
  );
  await sleep(3_000);

  const readiness = new Map<number, number>();
  let refusedWithoutRetryAfter = 0;
  let enrollRefusals = 0;
  const watch = { running: true };
  const watchReady = (async () => {
    while (watch.running) {
      const { status } = await service.readyz();
      readiness.set(status, (readiness.get(status) ?? 0) + 1);
      await sleep(100);
    }
  })();

  if (which === 'temporal') service.killTemporalDevServer();
  else service.toggleDatabase();
  const injectedAt = Date.now();

  // During the outage: two clicks per lead, and enrollments, retried until taken.
  const clicks = leads.flatMap((lead) =>
    [1, 2].map((n) => postClick(api, lead, `${lead.id}-outage-${String(n)}`, deadline)),
  );
  const enrollments = (async () => {
    const late: Lead[] = [];
    for (let i = 1; i <= 3; i++) {
      for (;;) {
        const reply = await api.request('POST', '/v1/leads', {
          id: `${which}-late-${String(i)}`,
          email: `late-${String(i)}@${which}-late.example.com`,
          consent: { email: true },
          planId: 'demo',
        });
        if (reply.status === 201 || reply.status === 200) break;
        if (reply.status === 503) {
          enrollRefusals += 1;
          if (reply.retryAfter === null) refusedWithoutRetryAfter += 1;
        }
        if (Date.now() > deadline) throw new Error('enrollment never recovered');
        await sleep(300);
      }
      late.push(await enroll(api, `${which}-late-${String(i)}`, { planId: 'demo' }, deadline));
    }
    return late;
  })();

  if (which === 'database') {
    await sleep(CUT_MS);
    service.toggleDatabase();
  }
  await service.waitReady(120_000);
  const outageMs = Date.now() - injectedAt;
  await Promise.all(clicks);
  const late = await enrollments;
  watch.running = false;
  await watchReady;

  // A dev server back within the probe's 2 s may never show as unready (the client waits for it);
  // a database cut of 10 s must.
  if (which === 'database' && (readiness.get(503) ?? 0) === 0) {
    failures.push('/readyz never answered 503 during the cut');
  }
  const unready = [...readiness].filter(([status]) => status !== 200);
  if (unready.some(([status]) => status !== 503))
    failures.push(`/readyz answered ${JSON.stringify(unready)}`);
  if (refusedWithoutRetryAfter > 0)
    failures.push(`${String(refusedWithoutRetryAfter)} 503s had no Retry-After`);
  const unexpected = api.unexpected5xx();
  if (unexpected > 0) failures.push(`${String(unexpected)} answers were a 5xx other than 503`);

  const all = [...leads, ...late];
  const { client, close } = await temporalClient(service.temporalAddress);
  try {
    const audit = await auditLeads(api, client, all, { deadline: Date.now() + 3 * 60_000 });
    const answers = [...api.statuses]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status === 0 ? 'no answer' : String(status)}×${String(n)}`)
      .join(', ');
    return {
      fault:
        which === 'temporal'
          ? 'SIGKILL of the Temporal dev server alone'
          : `embedded database port closed for ${String(CUT_MS / 1000)} s`,
      injected: 1,
      population: `${String(all.length)} demo nurtures, ${String(audit.events)} events posted during the outage`,
      damage: audit.damage,
      failures,
      notes: `back in ${String(outageMs)} ms; events after the nurture's end: ${String(audit.lateEvents)}; /readyz 503 ${String(readiness.get(503) ?? 0)}×; enrollments refused with 503 meanwhile: ${String(enrollRefusals)}; answers: ${answers}`,
    };
  } finally {
    await close();
  }
}
