import type { RequestHandler } from 'express';
import { ProblemError } from './problem';

/**
 * PostgreSQL cannot store U+0000 in text or jsonb: a NUL that reached a query
 * was a 500 (Schemathesis found it in a query parameter). Refused at the
 * edge instead, for the URL (path and query) and a parsed JSON body, with the
 * same 400 whatever the route. Mounted after the JSON parser; the webhooks,
 * which read raw bytes before it, validate their own payloads.
 */
export const refuseNul: RequestHandler = (req, _res, next) => {
  const where = /%00/i.test(req.originalUrl) ? 'url' : holdsNul(req.body) ? 'body' : null;
  if (where !== null) {
    throw new ProblemError(
      400,
      'nul-character',
      'NUL character refused',
      `The request ${where} contains U+0000 (NUL), which this service cannot store.`,
    );
  }
  next();
};

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([key, inner]) => key.includes('\u0000') || holdsNul(inner));
  }
  return false;
}
