import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Signed one-click unsubscribe links (RFC 8058): `${PUBLIC_BASE_URL}/u/<token>`.
 *
 * The token is `<payload>.<signature>`, both base64url: the payload is a small
 * JSON object naming the lead and the touch the link came in, the signature an
 * HMAC-SHA256 over a purpose label and the payload. The link is the only
 * credential the unsubscribe endpoint asks for, so it must not be forgeable
 * (anyone could unsubscribe anyone) nor guessable from a lead id.
 *
 * Tokens never expire on purpose: the law (CAN-SPAM: at least 30 days; GDPR:
 * whenever asked) and mailbox providers expect an unsubscribe link in an old
 * email to keep working. Rotating the secret would break every link already
 * sent, so verification accepts a list of secrets: put the new one first and
 * keep the old ones until their emails are forgotten.
 */

export interface UnsubscribeClaims {
  leadId: string;
  touchKey: string;
}

/** Accepts one secret or, while rotating, several (the first one signs). */
export type UnsubscribeSecret = string | readonly string[];

// Domain separation: a signature made with this secret for anything else never verifies here.
const PURPOSE = 'durable-nurture/unsubscribe/v1\n';

/** Bounds a token before any decoding work: ours are a few hundred characters. */
export const MAX_TOKEN_LENGTH = 2048;
const SIGNATURE_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The shape of every token this service mints (the 32-byte signature is 43
 * base64url characters). A string of another shape is malformed; one of this
 * shape is a link that may or may not verify.
 */
export const UNSUBSCRIBE_TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;

const payloadSchema = z.strictObject({
  v: z.literal(1),
  l: z.string().min(1).max(500),
  t: z.string().min(1).max(500),
});

function sign(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(PURPOSE).update(payload).digest();
}

function secretsOf(secret: UnsubscribeSecret): readonly string[] {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  // An empty secret would make every token forgeable: refuse it rather than sign with it.
  if (secrets.length === 0 || secrets.some((s) => s.length === 0)) {
    throw new Error('UNSUBSCRIBE_SECRET must be a non-empty string');
  }
  return secrets;
}

/** Mints the token for one lead and touch; deterministic, so a resent email carries the same link. */
export function unsubscribeToken(secret: UnsubscribeSecret, claims: UnsubscribeClaims): string {
  const [current] = secretsOf(secret);
  if (current === undefined) throw new Error('UNSUBSCRIBE_SECRET must be a non-empty string');
  const payload = Buffer.from(JSON.stringify({ v: 1, l: claims.leadId, t: claims.touchKey })).toString(
    'base64url',
  );
  return `${payload}.${sign(current, payload).toString('base64url')}`;
}

/** The https link that goes in `List-Unsubscribe` and in the email's footer. */
export function unsubscribeUrl(
  publicBaseUrl: string,
  secret: UnsubscribeSecret,
  claims: UnsubscribeClaims,
): string {
  // A base URL may carry a path prefix (a reverse proxy mounting the service under /nurture).
  return `${publicBaseUrl.replace(/\/+$/, '')}/u/${unsubscribeToken(secret, claims)}`;
}

/**
 * The claims of a token signed with one of the secrets, or null for anything
 * else (malformed, forged, truncated). The signature is compared in constant
 * time, and before the payload is parsed.
 */
export function verifyUnsubscribeToken(secret: UnsubscribeSecret, token: string): UnsubscribeClaims | null {
  const secrets = secretsOf(secret);
  if (token.length > MAX_TOKEN_LENGTH) return null;
  const parts = token.split('.');
  if (parts.length !== 2) return null;
  const [payload, signature] = parts;
  if (payload === undefined || signature === undefined) return null;
  if (!BASE64URL.test(payload) || !BASE64URL.test(signature)) return null;
  const presented = Buffer.from(signature, 'base64url');
  if (presented.length !== SIGNATURE_BYTES) return null;
  // Every secret is tried (no early exit), so timing does not tell which one matched.
  let valid = false;
  for (const candidate of secrets) {
    if (timingSafeEqual(presented, sign(candidate, payload))) valid = true;
  }
  if (!valid) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    // Only reachable with a leaked secret; still no 500.
    return null;
  }
  const parsed = payloadSchema.safeParse(decoded);
  return parsed.success ? { leadId: parsed.data.l, touchKey: parsed.data.t } : null;
}

/**
 * The body with a visible unsubscribe line: the `List-Unsubscribe` header only
 * shows where a mailbox supports it, and the law asks for an opt-out in the
 * message itself.
 */
export function withUnsubscribeFooter(body: string, url: string): string {
  return `${body.replace(/\s+$/, '')}\n\n-- \nTo stop receiving these emails: ${url}\n`;
}
