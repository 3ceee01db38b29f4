import type { Request, RequestHandler } from 'express';
import { rateLimit, type RateLimitInfo, type Options } from 'express-rate-limit';
import { ProblemError } from '../problem';
import { authenticatedKey } from './authenticate';

/**
 * One-minute fixed windows that answer a 429 problem with `Retry-After`.
 * Counters live in this process: with several API replicas each one allows
 * the limit (say so when sizing; a shared store is a drop-in later).
 */
function perMinute(
  options: {
    limit: number;
    now?: () => number;
    problem: { type: string; title: string; detail: (seconds: number) => string };
  } & Partial<Pick<Options, 'keyGenerator' | 'skipSuccessfulRequests' | 'requestWasSuccessful' | 'validate'>>,
): RequestHandler {
  const { limit, problem, ...rest } = options;
  const now = options.now ?? Date.now;
  return rateLimit({
    ...rest,
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => {
      const info = (req as Request & { rateLimit?: RateLimitInfo }).rateLimit;
      const reset = info?.resetTime?.getTime() ?? now() + 60_000;
      const seconds = Math.max(1, Math.ceil((reset - now()) / 1000));
      res.setHeader('retry-after', String(seconds));
      throw new ProblemError(429, problem.type, problem.title, problem.detail(seconds));
    },
  });
}

/** A window per API key, so one noisy integration cannot starve the others. */
export function rateLimitPerKey(options: { perMinute: number; now?: () => number }): RequestHandler {
  return perMinute({
    limit: options.perMinute,
    ...(options.now === undefined ? {} : { now: options.now }),
    // Runs after authenticate(): the key id is always there.
    keyGenerator: (_req, res) => authenticatedKey(res)?.id ?? 'anonymous',
    problem: {
      type: 'rate-limited',
      title: 'Too many requests',
      detail: (seconds) =>
        `This API key made more than ${String(options.perMinute)} requests in a minute; retry after ${String(seconds)} s.`,
    },
  });
}

/** Wrong or missing keys one address may present in a minute before it is told to wait. */
export const FAILED_AUTH_PER_MINUTE = 60;

/**
 * Counts only 401s, per client address: guessing keys costs a database
 * lookup each, and a per-key limit cannot apply before a key is known.
 * Behind a proxy, set TRUST_PROXY so the address is the client's.
 */
export function failedAuthLimit(options: { perMinute?: number; now?: () => number } = {}): RequestHandler {
  const limit = options.perMinute ?? FAILED_AUTH_PER_MINUTE;
  return perMinute({
    limit,
    ...(options.now === undefined ? {} : { now: options.now }),
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    validate: { xForwardedForHeader: false },
    problem: {
      type: 'too-many-failed-authentications',
      title: 'Too many failed authentications',
      detail: (seconds) =>
        `More than ${String(limit)} requests with a wrong or missing API key from this address in a minute; retry after ${String(seconds)} s.`,
    },
  });
}
