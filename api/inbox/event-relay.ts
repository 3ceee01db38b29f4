import type { Client } from '@temporalio/client';
import type { Logger } from '../../config/logger';
import type { PrismaClient } from '../../prisma/generated/client';
import { signalRecorded } from './event-inbox';

/** Events younger than this are left to the request that recorded them. */
const GRACE_MS = 5_000;
const BATCH = 100;

/**
 * Signals recorded events that were never signalled (the process died between
 * recording and signalling, or Temporal was unreachable). Runs in every API
 * process; a double signal is harmless because the workflow drops event ids it
 * has applied.
 */
export function startEventRelay(
  deps: { prisma: PrismaClient; temporal: Client; logger: Logger },
  intervalMs = 5_000,
): {
  stop: () => Promise<void>;
  runOnce: () => Promise<number>;
} {
  let running: Promise<number> | null = null;
  async function runOnce(): Promise<number> {
    const pending = await deps.prisma.event.findMany({
      where: { signaledAt: null, receivedAt: { lt: new Date(Date.now() - GRACE_MS) } },
      orderBy: { receivedAt: 'asc' },
      take: BATCH,
      select: { source: true, externalId: true },
    });
    for (const key of pending) {
      // One event that keeps failing must not hold up the others.
      await signalRecorded(deps.prisma, deps.temporal, key).catch((error: unknown) => {
        deps.logger.warn(
          { err: error, source: key.source, externalId: key.externalId },
          'relay could not signal an event',
        );
      });
    }
    return pending.length;
  }
  const timer = setInterval(() => {
    if (running !== null) return;
    running = runOnce()
      .catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'event relay pass failed; will retry');
        return 0;
      })
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
