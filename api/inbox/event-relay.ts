import type { Client } from '@temporalio/client';
import type { Logger } from '../../config/logger';
import type { PrismaClient } from '../../prisma/generated/client';
import { startPollLoop } from '../../background/poll-loop';
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
 * signalling one event twice. Passes run on the shared poll loop, never
 * overlapping; `runOnce` (for tests) may run beside it.
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
  async function relayPass(): Promise<{ tried: number; signalled: number }> {
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
    let signalled = 0;
    for (const key of pending) {
      tried += 1;
      const attempt = await deliverOrLeave(deps, key, now);
      if (attempt === 'signalled') signalled += 1;
      // One event that keeps failing must not hold up the others; Temporal being
      // down holds up all of them, so the pass ends there instead of waiting out
      // a deadline per event.
      if (attempt === 'temporal-unreachable') break;
    }
    return { tried, signalled };
  }
  const loop = startPollLoop({
    // A backlog (after an outage) drains pass after pass at once; events that
    // keep failing signal nothing, so they wait for the next interval.
    pass: async () => (await relayPass()).signalled,
    intervalMs: options.intervalMs ?? 5_000,
    logger: deps.logger,
    failure: 'event relay pass failed; will retry',
    // A process that starts after a crash delivers what the dead one left at once, not a
    // whole interval later: the fault suite's crash loops killed processes before their first pass.
    passAtStart: options.passAtStart ?? true,
  });
  return {
    runOnce: async () => (await relayPass()).tried,
    stop: loop.stop,
  };
}
