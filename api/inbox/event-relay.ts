import type { Client } from '@temporalio/client';
import type { Logger } from '../../config/logger';
import type { PrismaClient } from '../../prisma/generated/client';
import { deliverOrLeave, SIGNAL_CLAIM_LEASE_MS } from './event-inbox';

/** Events younger than this are left to the request that recorded them. */
const GRACE_MS = 5_000;
const BATCH = 100;

export interface EventRelayOptions {
  intervalMs?: number;
  /** Run a pass as soon as the relay starts (default true). */
  passAtStart?: boolean;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
}

/**
 * Signals recorded events that were never signalled: the process died
 * between recording and signalling (its claim lapses after the lease), or
 * Temporal was unreachable. Runs in every API process; the claim in
 * deliverRecorded keeps two relays (or a relay and a request) from
 * signalling one event twice.
 */
export function startEventRelay(
  deps: { prisma: PrismaClient; temporal: Client; logger: Logger },
  options: EventRelayOptions = {},
): {
  stop: () => Promise<void>;
  /** One pass; resolves to how many pending events it tried. */
  runOnce: () => Promise<number>;
} {
  const now = options.now ?? Date.now;
  let running: Promise<number> | null = null;
  async function runOnce(): Promise<number> {
    const at = now();
    const pending = await deps.prisma.event.findMany({
      where: {
        signaledAt: null,
        receivedAt: { lt: new Date(at - GRACE_MS) },
        OR: [{ signalClaimedAt: null }, { signalClaimedAt: { lt: new Date(at - SIGNAL_CLAIM_LEASE_MS) } }],
      },
      orderBy: { receivedAt: 'asc' },
      take: BATCH,
      select: { source: true, externalId: true },
    });
    let tried = 0;
    for (const key of pending) {
      tried += 1;
      // One event that keeps failing must not hold up the others; Temporal being
      // down holds up all of them, so the pass ends there instead of waiting out
      // a deadline per event.
      if ((await deliverOrLeave(deps, key, now)) === 'temporal-unreachable') break;
    }
    return tried;
  }
  const pass = (): void => {
    if (running !== null) return;
    running = runOnce()
      .catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'event relay pass failed; will retry');
        return 0;
      })
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(pass, options.intervalMs ?? 5_000);
  timer.unref();
  // A process that starts after a crash delivers what the dead one left at once, not a
  // whole interval later: the fault suite's crash loops killed processes before their first pass.
  if (options.passAtStart ?? true) pass();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
