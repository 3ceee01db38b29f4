import { createHash } from 'node:crypto';
import type { ReplayGuard } from './replay-guard';
import {
  constantTimeEqual,
  decodeHexDigest,
  hmacDigest,
  isFresh,
  signedTimestampMs,
} from './signature-checks';
import { invalidSignature, replayedSignature, staleSignature } from './webhook-problems';

/**
 * Mailgun's signature, shared by its event webhooks (a JSON `signature`
 * object) and its routes' forwards (form fields `timestamp`, `token`,
 * `signature`): hex HMAC-SHA256(signing key, timestamp + token). It covers
 * neither the event nor the message, hence the replay guard below.
 */
export interface MailgunSignature {
  timestamp: string;
  token: string;
  signature: string;
  /** Events of a subaccount's domain are also signed with the parent account's key. */
  parentSignature?: string | undefined;
}

export interface MailgunSignatureConfig {
  signingKey: string;
  maxAgeMs: number;
  replayGuard: ReplayGuard;
  now: () => number;
}

export function computeMailgunSignature(signingKey: string, timestamp: string, token: string): string {
  return hmacDigest('sha256', signingKey, `${timestamp}${token}`).toString('hex');
}

/** Throws the 401 problem unless the signature is Mailgun's and fresh; returns when it was signed (epoch ms). */
export function checkMailgunSignature(config: MailgunSignatureConfig, signed: MailgunSignature): number {
  const signedAtMs = signedTimestampMs(signed.timestamp);
  if (signedAtMs === undefined) throw invalidSignature('mailgun');
  const expected = hmacDigest('sha256', config.signingKey, `${signed.timestamp}${signed.token}`);
  let valid = false;
  for (const candidate of [signed.signature, signed.parentSignature]) {
    const provided = decodeHexDigest(candidate, 32);
    // Both candidates are always compared, so timing does not tell which one matched.
    valid = (provided !== undefined && constantTimeEqual(provided, expected)) || valid;
  }
  if (!valid) throw invalidSignature('mailgun');
  if (!isFresh(signedAtMs, config.now(), config.maxAgeMs)) throw staleSignature('mailgun', config.maxAgeMs);
  return signedAtMs;
}

/**
 * Binds the token to the body it came with: a redelivery (same token, same
 * bytes) goes to the inbox again, which stores nothing twice; the token on
 * any other body is a forgery (403).
 */
export async function guardMailgunToken(
  config: MailgunSignatureConfig,
  token: string,
  signedAtMs: number,
  rawBody: Buffer,
): Promise<void> {
  const content = createHash('sha256').update(rawBody).digest('hex');
  const use = await config.replayGuard.use(`mailgun:${token}`, content, signedAtMs + config.maxAgeMs);
  if (use === 'other-content') throw replayedSignature('mailgun');
}
