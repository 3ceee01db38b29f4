import { createHash } from 'node:crypto';
import { constantTimeEqual, hmacDigest } from './signature-checks';

/**
 * How Twilio signs a webhook (twilio-node's webhooks.ts, "Secure webhooks"
 * and "Sign webhooks with shared keys" in Twilio's docs):
 * - the signed string is the full URL Twilio called followed by the name and
 *   value of every POST parameter, sorted by name;
 * - by default the key is the account's Auth Token and the hash HMAC-SHA1;
 * - when a Webhooks Rule matches the URL, Twilio signs with that Setting's
 *   SharedKey secret and algorithm instead (HMAC_SHA1 or HMAC_SHA256), and
 *   names both in X-Twilio-Webhooks-Signature-Settings: `key=<id>,algorithm=<name>`;
 * - a JSON body is not in the signed string: the URL carries its hex SHA-256
 *   as the bodySHA256 query parameter, and the signature covers the URL alone.
 * The signature itself is always base64, in X-Twilio-Signature.
 */
export const TWILIO_SIGNATURE_HEADER = 'X-Twilio-Signature';
export const TWILIO_SIGNATURE_SETTINGS_HEADER = 'X-Twilio-Webhooks-Signature-Settings';

export type TwilioHash = 'sha1' | 'sha256';

/** Form parameters in body order; a name may repeat. */
export type FormParams = [name: string, value: string][];

export function parseFormParams(rawBody: Buffer): FormParams {
  return [...new URLSearchParams(rawBody.toString('utf8'))];
}

/**
 * The hash a settings header asks for: none, or one without `algorithm=`,
 * means HMAC-SHA1 (as twilio-node's getSignatureAlgorithm reads it);
 * undefined for an algorithm the scheme does not define.
 */
export function hashOfSettings(settings: string | undefined): TwilioHash | undefined {
  let algorithm = 'HMAC_SHA1';
  for (const part of (settings ?? '').split(',')) {
    const separator = part.indexOf('=');
    if (separator === -1 || part.slice(0, separator).trim() !== 'algorithm') continue;
    const named = part.slice(separator + 1).trim();
    if (named === '') continue;
    algorithm = named;
    break;
  }
  switch (algorithm.toUpperCase()) {
    case 'HMAC_SHA1':
      return 'sha1';
    case 'HMAC_SHA256':
      return 'sha256';
    default:
      return undefined;
  }
}

/**
 * The string Twilio signs: the URL followed by name+value of every POST
 * parameter, sorted by name. Repeated names contribute each distinct value in
 * sorted order, as Twilio's own libraries do.
 */
function signedString(url: string, params: FormParams): string {
  const valuesByName = new Map<string, Set<string>>();
  for (const [name, value] of params) {
    const values = valuesByName.get(name) ?? new Set<string>();
    values.add(value);
    valuesByName.set(name, values);
  }
  let data = url;
  for (const name of [...valuesByName.keys()].sort()) {
    for (const value of [...(valuesByName.get(name) ?? [])].sort()) data += name + value;
  }
  return data;
}

export function computeTwilioSignature(
  key: string,
  url: string,
  params: FormParams,
  hash: TwilioHash = 'sha1',
): string {
  return hmacDigest(hash, key, Buffer.from(signedString(url, params), 'utf8')).toString('base64');
}

/**
 * The URLs Twilio may have signed for a request: Twilio is inconsistent about
 * an explicit default port (:443/:80), so its libraries accept either form.
 */
function urlVariants(publicBaseUrl: string, originalUrl: string): string[] {
  let url: URL;
  try {
    url = new URL(publicBaseUrl.replace(/\/+$/, '') + originalUrl);
  } catch {
    return [];
  }
  const withoutPort = new URL(url.href);
  withoutPort.port = '';
  const variants = new Set([url.href, withoutPort.href]);
  if (url.port === '') {
    const defaultPort = url.protocol === 'https:' ? '443' : '80';
    variants.add(`${url.protocol}//${url.host}:${defaultPort}${url.pathname}${url.search}`);
  }
  return [...variants];
}

/**
 * True when `signature` is Twilio's for this request under one of `keys`
 * (the Auth Token, or the SharedKey secrets during a rotation). Every key and
 * URL variant is checked, no early exit, so timing does not tell which matched.
 */
export function verifyTwilioSignature(
  keys: string | readonly string[],
  publicBaseUrl: string,
  originalUrl: string,
  params: FormParams,
  signature: string,
  hash: TwilioHash = 'sha1',
): boolean {
  const provided = Buffer.from(signature, 'utf8');
  let valid = false;
  for (const key of typeof keys === 'string' ? [keys] : keys) {
    for (const url of urlVariants(publicBaseUrl, originalUrl)) {
      const expected = Buffer.from(computeTwilioSignature(key, url, params, hash), 'utf8');
      valid = constantTimeEqual(provided, expected) || valid;
    }
  }
  return valid;
}

/** The bodySHA256 query parameter of the URL Twilio called, if any. */
export function bodySha256Of(originalUrl: string): string | undefined {
  const queryStart = originalUrl.indexOf('?');
  if (queryStart === -1) return undefined;
  return new URLSearchParams(originalUrl.slice(queryStart + 1)).get('bodySHA256') ?? undefined;
}

/** Whether the raw body is the one whose hex SHA-256 the signed URL carries. */
export function bodyMatchesSha256(rawBody: Buffer, expectedHex: string): boolean {
  const actual = Buffer.from(createHash('sha256').update(rawBody).digest('hex'), 'utf8');
  return constantTimeEqual(Buffer.from(expectedHex.toLowerCase(), 'utf8'), actual);
}
