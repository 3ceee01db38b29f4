/**
 * Remembers signatures (or tokens) already accepted, so a captured request
 * cannot be played again while its timestamp is still fresh. Entries only need
 * to live until the timestamp goes stale: after that the freshness check
 * refuses the request anyway.
 */
export interface ReplayGuard {
  /** Returns true if this (provider, token) was seen before; remembers it until expiresAt (epoch ms). */
  seen: (key: string, expiresAt: number) => Promise<boolean>;
}

export interface MemoryReplayGuardOptions {
  /** Upper bound on remembered keys. */
  maxEntries?: number;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
}

const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * A replay guard for one process. Bounded: expired entries are dropped first,
 * and at the bound the entry closest to expiry goes, which weakens protection
 * only under a flood of distinct valid signatures within one freshness window.
 * Several API processes need a shared store (a unique key in the database)
 * instead, or a replay could land on another process.
 */
export function createMemoryReplayGuard(options: MemoryReplayGuardOptions = {}): ReplayGuard {
  const maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
  const now = options.now ?? Date.now;
  const expiries = new Map<string, number>();

  function dropExpired(at: number): void {
    for (const [key, expiresAt] of expiries) {
      if (expiresAt <= at) expiries.delete(key);
    }
  }

  function dropSoonestToExpire(): void {
    let soonestKey: string | undefined;
    let soonest = Number.POSITIVE_INFINITY;
    for (const [key, expiresAt] of expiries) {
      if (expiresAt < soonest) {
        soonest = expiresAt;
        soonestKey = key;
      }
    }
    if (soonestKey !== undefined) expiries.delete(soonestKey);
  }

  return {
    seen(key, expiresAt) {
      const at = now();
      const known = expiries.get(key);
      if (known !== undefined && known > at) return Promise.resolve(true);
      if (expiries.size >= maxEntries) dropExpired(at);
      if (expiries.size >= maxEntries) dropSoonestToExpire();
      expiries.set(key, expiresAt);
      return Promise.resolve(false);
    },
  };
}
