/**
 * `npm run test:faults`: the fault suite of issue 15, against the real
 * service (`npm start` in a process group of its own, loopback only, every
 * wait bounded). Prints one row per fault: how often it was injected and
 * what was lost or done twice, which must all be zero; exits 1 otherwise.
 *
 * FAULT_SEED picks the kill moments (printed, so a failing run can be
 * repeated); FAULT_KILLS and FAULT_LEADS shrink the SIGKILL scenario for a
 * quick local try.
 */
import { seededRandom } from '../experiments/seeded-random';
import { faultTable, passed, type FaultRow } from './fault-table';
import { ProviderStandIn } from './provider-stand-in';
import { concurrentBurst, duplicateAfterNewerEvents } from './scenarios/duplicate-and-burst';
import { dependencyOutage } from './scenarios/dependency-outages';
import { providerStorms, TWILIO_ACCOUNT } from './scenarios/provider-storms';
import { wholeServiceKills } from './scenarios/whole-service-kills';
import { ServiceClient } from './service-client';
import { ServiceProcess } from './service-process';
import { SmtpSink } from './smtp-sink';

const seed = Number(process.env.FAULT_SEED ?? Date.now() % 2 ** 31);
const kills = Number(process.env.FAULT_KILLS ?? 10);
const leads = Number(process.env.FAULT_LEADS ?? 50);
/** `core` (one service: kills, outages, duplicates, burst) or `storms`; unset runs both. */
const only = process.env.FAULT_ONLY;

function log(message: string): void {
  process.stdout.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Runs one scenario; an exception is a failed row, not the end of the suite. */
async function attempt(fault: string, run: () => Promise<FaultRow>): Promise<FaultRow> {
  const started = Date.now();
  log(`${fault}: starting`);
  try {
    const row = await run();
    log(
      `${fault}: ${passed(row) ? 'ok' : 'FAILED'} in ${String(Math.round((Date.now() - started) / 1000))} s`,
    );
    return row;
  } catch (error) {
    log(`${fault}: threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return {
      fault,
      injected: 0,
      population: '-',
      damage: { unfinished: 0, lostTouches: 0, duplicateTouches: 0, lostEvents: 0, eventsAppliedTwice: 0 },
      failures: [`the scenario did not finish: ${error instanceof Error ? error.message : String(error)}`],
      notes: '',
    };
  }
}

/** Runs scenarios on one service; its state folder is kept only when one of them failed. */
async function withService(
  env: Record<string, string>,
  run: (service: ServiceProcess, key: () => string) => Promise<FaultRow[]>,
): Promise<FaultRow[]> {
  const service = await ServiceProcess.create(env);
  log(`service state and log in ${service.dataDir}`);
  let rows: FaultRow[];
  try {
    await service.start();
    const apiKey = service.apiKey();
    rows = await run(service, () => apiKey);
  } finally {
    await service.stop();
  }
  if (rows.every(passed)) service.remove();
  return rows;
}

/** The storms run on a service of their own, wired to the stand-ins. */
async function stormRows(): Promise<FaultRow[]> {
  const smtp = await SmtpSink.start();
  const http = await ProviderStandIn.start();
  try {
    const env = {
      SMTP_URL: smtp.url,
      EMAIL_FROM: 'Nurture Faults <faults@nurture.example.com>',
      PUBLIC_BASE_URL: 'http://127.0.0.1:1',
      TWILIO_ACCOUNT_SID: TWILIO_ACCOUNT,
      TWILIO_AUTH_TOKEN: 'fault-suite-auth-token',
      TWILIO_FROM: '+15005550006',
      TWILIO_API_BASE_URL: http.baseUrl,
    };
    return await withService(env, async (service, key) => [
      await attempt('provider storms', () => providerStorms(service, key, { smtp, http })),
    ]);
  } finally {
    await Promise.allSettled([smtp.close(), http.close()]);
  }
}

async function main(): Promise<void> {
  log(`seed ${String(seed)} (FAULT_SEED=${String(seed)} repeats the kill moments)`);
  const rows: FaultRow[] = [];
  const suiteStarted = Date.now();

  if (only !== 'storms') {
    rows.push(
      ...(await withService({}, async (service, key) => [
        await attempt('SIGKILL of the whole service', () =>
          wholeServiceKills(service, new ServiceClient(() => service.baseUrl, key), seededRandom(seed), {
            leads,
            kills,
          }),
        ),
        await attempt('Temporal dev server killed', () => dependencyOutage(service, key, 'temporal')),
        await attempt('database cut', () => dependencyOutage(service, key, 'database')),
        await attempt('duplicate after newer events', () => duplicateAfterNewerEvents(service, key)),
        await attempt('concurrent burst', () => concurrentBurst(service, key)),
      ])),
    );
  }

  if (only !== 'core') rows.push(...(await stormRows()));

  process.stdout.write(`\n${faultTable(rows)}\n\n`);
  const failed = rows.filter((row) => !passed(row));
  log(
    `${failed.length === 0 ? 'all faults passed' : `${String(failed.length)} of ${String(rows.length)} FAILED`} in ${String(Math.round((Date.now() - suiteStarted) / 1000))} s (seed ${String(seed)})`,
  );
  process.exitCode = failed.length === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `fault suite: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
