import type { RequestHandler } from 'express';
import type { OpenApiDocument } from './openapi/openapi-document';
import { ProblemError } from './problem';

const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface KnownPath {
  pattern: RegExp;
  /** Literal segments first: /v1/leads/bulk wins over /v1/leads/{id}. */
  parameters: number;
  allow: string;
}

/**
 * 405 with `Allow` (RFC 9110 §15.5.6) for a method a known path does not
 * serve, instead of the 404 "no route" that would say the resource does not
 * exist. Mounted after every router and before the 404; the document lists
 * every route (a test holds it to the routers), so it is the list of paths.
 * Express answers HEAD wherever it serves GET, and OPTIONS itself.
 */
export function methodNotAllowed(document: OpenApiDocument): RequestHandler {
  const known: KnownPath[] = Object.entries(document.paths ?? {})
    .map(([path, item]) => {
      const methods = OPERATION_METHODS.filter((method) => item[method] !== undefined);
      const allowed = methods.includes('get') ? [...methods, 'head'] : methods;
      const source = path
        .split('/')
        .map((segment) =>
          /^\{[^}]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
        )
        .join('/');
      return {
        // Express routes are case-insensitive and ignore one trailing slash.
        pattern: new RegExp(`^${source}/?$`, 'i'),
        parameters: (path.match(/\{/g) ?? []).length,
        allow: [...allowed, 'options'].map((m) => m.toUpperCase()).join(', '),
      };
    })
    .sort((a, b) => a.parameters - b.parameters);

  return (req, res, next) => {
    const match = known.find((path) => path.pattern.test(req.path));
    if (match === undefined) {
      next();
      return;
    }
    res.setHeader('allow', match.allow);
    throw new ProblemError(
      405,
      'method-not-allowed',
      'Method not allowed',
      `${req.method} is not served here; see the Allow header.`,
    );
  };
}
