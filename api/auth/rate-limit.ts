import type { Request, RequestHandler } from 'express';
import { rateLimit, type RateLimitInfo } from 'express-rate-limit';
import { ProblemError } from '../problem';
import { authenticatedKey } from './authenticate';

/**
 * A fixed window per API key, so one noisy integration cannot starve the
 * others. Counters live in this process: with several API replicas each one
 * allows the limit (say so when sizing; a shared store is a drop-in later).
 */
export function rateLimitPerKey(options: { perMinute: number; now?: () => number }): RequestHandler {
  const now = options.now ?? Date.now;
  return rateLimit({
    windowMs: 60_000,
    limit: options.perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Runs after authenticate(): the key id is always there.
    keyGenerator: (_req, res) => authenticatedKey(res)?.id ?? 'anonymous',
    handler: (req, res) => {
      const info = (req as Request & { rateLimit?: RateLimitInfo }).rateLimit;
      const reset = info?.resetTime?.getTime() ?? now() + 60_000;
      const seconds = Math.max(1, Math.ceil((reset - now()) / 1000));
      res.setHeader('retry-after', String(seconds));
      throw new ProblemError(
        429,
        'rate-limited',
        'Too many requests',
        `This API key made more than ${String(options.perMinute)} requests in a minute; retry after ${String(seconds)} s.`,
      );
    },
  });
}

/** Wrong or missing keys one address may present in a minute before it is told to wait. */
export const FAILED_AUTH_PER_MINUTE = 60;

/**
 * Counts only 401s, per client address: guessing keys costs a database
 * lookup each, and a per-key limit cannot apply before a key is known.
 * Behind a proxy, set Express's `trust proxy` so the address is the client's.
 */
export function failedAuthLimit(options: { perMinute?: number; now?: () => number } = {}): RequestHandler {
  const now = options.now ?? Date.now;
  const perMinute = options.perMinute ?? FAILED_AUTH_PER_MINUTE;
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    validate: { xForwardedForHeader: false },
    handler: (req, res) => {
      const info = (req as Request & { rateLimit?: RateLimitInfo }).rateLimit;
      const reset = info?.resetTime?.getTime() ?? now() + 60_000;
      const seconds = Math.max(1, Math.ceil((reset - now()) / 1000));
      res.setHeader('retry-after', String(seconds));
      throw new ProblemError(
        429,
        'too-many-failed-authentications',
        'Too many failed authentications',
        `More than ${String(perMinute)} requests with a wrong or missing API key from this address in a minute; retry after ${String(seconds)} s.`,
      );
    },
  });
}
