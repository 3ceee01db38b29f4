import type { Request, RequestHandler, Response } from 'express';
import type { PrismaClient } from '../../prisma/generated/client';
import { ProblemError } from '../problem';
import { verifyApiKey, type AuthenticatedKey } from './api-key-store';
import { grants, type Scope } from './scopes';

/**
 * Every /v1 request carries an API key, as `Authorization: Bearer dn_…` or
 * `X-API-Key: dn_…`. Health checks and provider webhooks (which carry
 * signatures) are mounted outside /v1 and need none. `onFailure` hears of
 * every 401 as it is answered (the failed-authentication limit counts them).
 */
export function authenticate(
  prisma: PrismaClient,
  options: { onFailure?: (req: Request) => void } = {},
): RequestHandler {
  const onFailure = options.onFailure ?? (() => undefined);
  return async (req, res, next) => {
    const token = presentedToken(req.get('authorization'), req.get('x-api-key'));
    if (token === null) {
      onFailure(req);
      res.setHeader('www-authenticate', 'Bearer realm="durable-nurture"');
      throw new ProblemError(
        401,
        'unauthenticated',
        'API key required',
        'Send an API key as "Authorization: Bearer <key>" or "X-API-Key: <key>".',
      );
    }
    const key = await verifyApiKey(prisma, token);
    if (key === null) {
      onFailure(req);
      res.setHeader('www-authenticate', 'Bearer realm="durable-nurture", error="invalid_token"');
      throw new ProblemError(401, 'invalid-api-key', 'Invalid API key', 'The key is unknown or revoked.');
    }
    res.locals.apiKey = key;
    next();
  };
}

function presentedToken(authorization: string | undefined, apiKeyHeader: string | undefined): string | null {
  if (apiKeyHeader !== undefined && apiKeyHeader.trim() !== '') return apiKeyHeader.trim();
  const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1] ?? null;
}

export function authenticatedKey(res: Response): AuthenticatedKey | undefined {
  return res.locals.apiKey as AuthenticatedKey | undefined;
}

/** 403 unless the request's key holds one of `scopes` (or admin). */
export function requireScope(...scopes: [Scope, ...Scope[]]): RequestHandler {
  return (_req, res, next) => {
    const key = authenticatedKey(res);
    if (key === undefined || !scopes.some((scope) => grants(key.scopes, scope))) {
      throw new ProblemError(
        403,
        'insufficient-scope',
        'Insufficient scope',
        `This request needs an API key with the ${scopes.map((s) => `"${s}"`).join(' or ')} scope.`,
      );
    }
    next();
  };
}
