import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { tooManyRequests } from './rate-limit';

/** Wrong or missing keys one address may present in a minute before it is told to wait. */
export const FAILED_AUTH_PER_MINUTE = 60;

const WINDOW_MS = 60_000;

export interface FailedAuthLimit {
  /** Mounted before authentication: an address over the limit is refused before its key costs a lookup. */
  guard: RequestHandler;
  /** authenticate() calls this as it answers 401: only a failure that happened is counted. */
  recordFailure: (req: Request) => void;
}

/**
 * Failed authentications per client address, in fixed one-minute windows.
 *
 * Counting when the 401 is produced, not when the request starts, is the
 * point: express-rate-limit's `skipSuccessfulRequests` counts every request
 * on arrival and takes it back when it ends well, so a burst of slow valid
 * requests was refused as "too many failed authentications". The price is
 * that wrong keys sent all at once are each looked up before the first one
 * counts; the bound still holds from the next request on.
 *
 * Counters live in this process (each API replica allows the limit). IPv6
 * addresses count per /56, as express-rate-limit groups them, so one host
 * cannot get a fresh budget per address. Behind a proxy, set TRUST_PROXY so
 * the address is the client's.
 */
export function failedAuthLimit(options: { perMinute?: number; now?: () => number } = {}): FailedAuthLimit {
  const limit = options.perMinute ?? FAILED_AUTH_PER_MINUTE;
  const windows = new FixedWindows(WINDOW_MS, options.now ?? Date.now);
  const addressOf = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');
  const problem = {
    type: 'too-many-failed-authentications',
    title: 'Too many failed authentications',
    detail: (seconds: number) =>
      `More than ${String(limit)} requests with a wrong or missing API key from this address in a minute; retry after ${String(seconds)} s.`,
  };
  return {
    guard: (req, res, next) => {
      const window = windows.current(addressOf(req));
      if (window !== undefined && window.count >= limit) {
        throw tooManyRequests(res, window.resetAt - windows.now(), problem);
      }
      next();
    },
    recordFailure: (req) => {
      windows.increment(addressOf(req));
    },
  };
}

interface Window {
  count: number;
  resetAt: number;
}

/**
 * Counters that expire a window after their first hit. Two generations, as
 * express-rate-limit's MemoryStore keeps them: every window the older one is
 * dropped whole, so memory holds only the addresses seen in the last two
 * windows and nothing scans the map or needs a timer.
 */
class FixedWindows {
  private previous = new Map<string, Window>();
  private latest = new Map<string, Window>();
  private rotateAt: number;

  constructor(
    private readonly windowMs: number,
    readonly now: () => number,
  ) {
    this.rotateAt = now() + windowMs;
  }

  current(key: string): Window | undefined {
    this.rotate();
    const window = this.latest.get(key) ?? this.previous.get(key);
    return window === undefined || window.resetAt <= this.now() ? undefined : window;
  }

  increment(key: string): Window {
    const window = this.current(key) ?? { count: 0, resetAt: this.now() + this.windowMs };
    window.count += 1;
    this.previous.delete(key);
    this.latest.set(key, window);
    return window;
  }

  private rotate(): void {
    const now = this.now();
    if (now < this.rotateAt) return;
    // Two windows without a rotation: everything held is expired.
    this.previous = now < this.rotateAt + this.windowMs ? this.latest : new Map<string, Window>();
    this.latest = new Map<string, Window>();
    this.rotateAt = now + this.windowMs;
  }
}
