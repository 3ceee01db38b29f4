import type { Request, RequestHandler, Response } from 'express';
import { rateLimit, type RateLimitInfo } from 'express-rate-limit';
import { ProblemError } from '../problem';
import { authenticatedKey } from './authenticate';

interface TooManyProblem {
  type: string;
  title: string;
  detail: (seconds: number) => string;
}

/** The one shape of a 429: a problem, and `Retry-After` in whole seconds (at least 1). */
export function tooManyRequests(res: Response, retryAfterMs: number, problem: TooManyProblem): ProblemError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  res.setHeader('retry-after', String(seconds));
  return new ProblemError(429, problem.type, problem.title, problem.detail(seconds));
}

/**
 * A window per API key, so one noisy integration cannot starve the others.
 * One-minute fixed windows; counters live in this process: with several API
 * replicas each one allows the limit (say so when sizing; a shared store is
 * a drop-in later).
 */
export function rateLimitPerKey(options: { perMinute: number; now?: () => number }): RequestHandler {
  const now = options.now ?? Date.now;
  const problem: TooManyProblem = {
    type: 'rate-limited',
    title: 'Too many requests',
    detail: (seconds) =>
      `This API key made more than ${String(options.perMinute)} requests in a minute; retry after ${String(seconds)} s.`,
  };
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
      throw tooManyRequests(res, reset - now(), problem);
    },
  });
}
