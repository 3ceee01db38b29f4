import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Byte comparison in constant time. Lengths are not secret (digest sizes are
 * public), so a length mismatch returns early; timingSafeEqual requires equal
 * lengths anyway.
 */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Compares two strings of any length without revealing where they differ or how long the secret one is. */
export function constantTimeStringEqual(provided: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(provided), digest(expected));
}

export function hmacDigest(algorithm: 'sha1' | 'sha256', key: string, data: Buffer | string): Buffer {
  return createHmac(algorithm, key).update(data).digest();
}

/** A hex digest of exactly `bytes` bytes, or undefined (Buffer.from would silently skip bad digits). */
export function decodeHexDigest(text: string | undefined, bytes: number): Buffer | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  return new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(trimmed) ? Buffer.from(trimmed, 'hex') : undefined;
}

/** A signed UNIX timestamp in whole seconds, as epoch milliseconds, or undefined. */
export function signedTimestampMs(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,12}$/.test(text.trim())) return undefined;
  return Number(text.trim()) * 1000;
}

/**
 * Within the window either way: late deliveries are refused, and so are
 * timestamps from the future beyond ordinary clock skew.
 */
export function isFresh(signedAtMs: number, nowMs: number, maxAgeMs: number): boolean {
  return Math.abs(nowMs - signedAtMs) <= maxAgeMs;
}
