import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Security headers (helmet) on every answer: `nosniff`, `Referrer-Policy:
 * no-referrer`, HSTS (ignored by browsers over plain http), `X-Frame-Options`
 * and the cross-origin isolation headers. The API answers JSON, which no
 * browser should run or frame: its CSP allows nothing. `upgrade-insecure-
 * requests` is left out everywhere: `npm start` serves plain http on
 * 127.0.0.1, where upgrading would break the docs page.
 */
export const apiSecurityHeaders: RequestHandler = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
});

/**
 * `/docs` is Swagger UI: its scripts and stylesheet come from this origin
 * (swagger-ui-express serves them), its page has inline `<style>` blocks and
 * style attributes (hence `'unsafe-inline'` for styles, never for scripts),
 * its icons are data: URIs, and "Try it out" calls this same origin.
 */
export const docsSecurityHeaders: RequestHandler = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      connectSrc: ["'self'"],
      fontSrc: ["'self'", 'data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      imgSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
    },
  },
  frameguard: { action: 'deny' },
});
