import { z } from 'zod';
import { issuesOf, ProblemError } from '../problem';
import type { ProviderEvent } from './provider-event';
import { invalidPayload, malformedJson } from './webhook-problems';

/** What a provider handler sees of a request: never a parsed or re-serialised body. */
export interface WebhookRequest {
  /** The exact bytes received; every signature is checked over these. */
  rawBody: Buffer;
  /** A header value (case-insensitive name), or undefined. */
  header: (name: string) => string | undefined;
  /** Path and query exactly as received, including any mount prefix. */
  originalUrl: string;
}

export interface WebhookResult {
  /** Mapped events, handed to ingest before the provider gets its 2xx. */
  events: ProviderEvent[];
  /** One short reason per provider event that maps to no lead event. */
  ignored: string[];
}

export type WebhookHandler = (request: WebhookRequest) => Promise<WebhookResult>;

/** JSON.parse over the raw bytes; only ever called after, or as part of, authentication. */
export function parseJsonBody(rawBody: Buffer): unknown {
  try {
    const parsed: unknown = JSON.parse(rawBody.toString('utf8'));
    return parsed;
  } catch {
    throw malformedJson();
  }
}

/** Validates a provider payload; a failure is the app's 400 validation problem. */
export function parsePayload<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidPayload(result.error);
  return result.data;
}

/** As parsePayload, for one element of a batch: the issues point at it (['body', index, ...]). */
export function parsePayloadAt<S extends z.ZodType>(
  schema: S,
  value: unknown,
  path: (string | number)[],
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ProblemError(
      400,
      'validation-error',
      'Request validation failed',
      'The request body is invalid; see issues.',
      issuesOf(result.error, ['body', ...path]),
    );
  }
  return result.data;
}

// Seconds since the epoch, as a number or a numeric string (providers use both).
// Bounded so every accepted value converts to a valid Date.
export const unixSecondsSchema = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^\d{1,12}(\.\d{1,9})?$/)
      .transform(Number),
  ])
  .refine((seconds) => Number.isFinite(seconds) && seconds >= 0 && seconds < 1e11, {
    message: 'must be a UNIX timestamp in seconds',
  });

// A zone is required: without one Date.parse would read the server's local time.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** An ISO 8601 date-time with a zone, normalised to UTC milliseconds (providers send up to 7 fraction digits). */
export const isoInstantSchema = z.string().transform((text, ctx) => {
  const ms = ISO_INSTANT.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date-time' });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});

export function isoFromUnixSeconds(seconds: number): string {
  return new Date(Math.round(seconds * 1000)).toISOString();
}

/** Only the scheme, host and path of a clicked link: query strings often carry tokens or addresses. */
export function linkWithoutQuery(url: string): string | null {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return null;
  }
}
