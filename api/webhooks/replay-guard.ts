/**
 * Binds a signed token to what it was first accepted with, for schemes whose
 * signature does not cover the body (Mailgun signs timestamp + token only):
 * the same token coming back with the same content is a provider redelivery
 * after a lost answer, harmless because the inbox stores an event id once;
 * the same token with other content is a captured signature on a forged
 * payload. Entries only need to live until the token goes stale: after that
 * the freshness check refuses the request anyway.
 *
 * Schemes that sign the body itself (SendGrid, Calendly) need no guard: a
 * request carrying a valid signature is either the provider's or a
 * byte-identical copy of it, and a copy applies nothing the inbox has not
 * already recorded.
 */
export type TokenUse =
  /** Not seen before (or expired): now remembered with this content. */
  | 'first'
  /** Seen with the same content: a redelivery. */
  | 'same-content'
  /** Seen with other content: refuse. */
  | 'other-content';

export interface ReplayGuard {
  /** Remembers (key, contentSha256) until expiresAt (epoch ms) and says how this use relates to earlier ones. */
  use: (key: string, contentSha256: string, expiresAt: number) => Promise<TokenUse>;
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
  const entries = new Map<string, { expiresAt: number; contentSha256: string }>();

  function dropExpired(at: number): void {
    for (const [key, entry] of entries) {
      if (entry.expiresAt <= at) entries.delete(key);
    }
  }

  function dropSoonestToExpire(): void {
    let soonestKey: string | undefined;
    let soonest = Number.POSITIVE_INFINITY;
    for (const [key, entry] of entries) {
      if (entry.expiresAt < soonest) {
        soonest = entry.expiresAt;
        soonestKey = key;
      }
    }
    if (soonestKey !== undefined) entries.delete(soonestKey);
  }

  return {
    use(key, contentSha256, expiresAt) {
      const at = now();
      const known = entries.get(key);
      if (known !== undefined && known.expiresAt > at) {
        return Promise.resolve(known.contentSha256 === contentSha256 ? 'same-content' : 'other-content');
      }
      if (entries.size >= maxEntries) dropExpired(at);
      if (entries.size >= maxEntries) dropSoonestToExpire();
      entries.set(key, { expiresAt, contentSha256 });
      return Promise.resolve('first');
    },
  };
}
