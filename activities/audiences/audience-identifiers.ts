import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';

/**
 * The identifiers an ad platform matches audience members on, normalised the
 * way the platforms normalise their own users' data before hashing: a hash of
 * "John@Example.com " never matches the hash of "john@example.com".
 *
 * - Email (Meta "Hashing and normalizing data", LinkedIn SHA256_EMAIL): trim
 *   surrounding whitespace and lowercase, nothing more. Neither platform asks
 *   for provider-specific rewriting (Gmail dots, "+tags"); doing it anyway
 *   would hash an address the person never registered with and lose the match.
 * - Phone (Meta PHONE): digits only, with the country code, no "+", no leading
 *   zeros (an international "00" prefix is the country code's "+"). A national
 *   number without a country code is ambiguous: it is left out rather than
 *   guessed. LinkedIn's DMP user ids take no phone at all.
 *
 * Hashes are lowercase hex SHA-256 of the UTF-8 bytes, as both APIs expect.
 */

/** A member as the platforms receive it: hashed identifiers only. */
export interface HashedIdentifiers {
  emailSha256: string;
  phoneSha256: string | null;
}

/** The stored form (audience_changes / audience_syncs `hashed_identifiers`). */
export const hashedIdentifiersSchema = z.strictObject({
  emailSha256: z.string().regex(/^[0-9a-f]{64}$/),
  phoneSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
});

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Trimmed and lower-cased; null when it cannot be an address (no single "@" between two parts, inner spaces). */
export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  const at = email.indexOf('@');
  if (at <= 0 || at !== email.lastIndexOf('@') || at === email.length - 1) return null;
  if (/\s/.test(email)) return null;
  return email;
}

// What a stored number may look like before parsing; letters (vanity numbers, "ext") are not a number.
const PHONE_CHARACTERS = /^\+?[\d\s().-]+$/;

/**
 * E.164 digits without the "+" ("14155550123"), or null when the number has
 * no country code or cannot be a phone number. Leads are stored in E.164
 * already; the other notations are accepted because CRMs hold them.
 */
export function normalizePhone(raw: string): string | null {
  const input = raw.trim();
  if (!PHONE_CHARACTERS.test(input)) return null;
  // "0044 20…" is how much of the world dials "+44 20…": the leading zeros are the "+".
  const international = input.startsWith('00') ? `+${input.slice(2)}` : input;
  if (!international.startsWith('+')) return null;
  const parsed = parsePhoneNumberFromString(international);
  if (parsed?.isPossible() !== true) return null;
  return parsed.number.slice(1);
}

export function hashEmail(raw: string): string | null {
  const email = normalizeEmail(raw);
  return email === null ? null : sha256Hex(email);
}

export function hashPhone(raw: string): string | null {
  const phone = normalizePhone(raw);
  return phone === null ? null : sha256Hex(phone);
}

/** Why a lead cannot be sent to a platform, in words for the sync row. */
export type IdentifierProblem = 'lead erased' | 'lead has no email' | 'lead email is not an address';

/**
 * The hashed identifiers of a lead, or why it has none usable. Email is
 * required: it is the one identifier both platforms match on (LinkedIn takes
 * nothing else); a phone that does not normalise is simply left out.
 */
export function identifiersOf(lead: {
  email: string | null;
  phone: string | null;
  erasedAt: Date | null;
}): { ok: true; identifiers: HashedIdentifiers } | { ok: false; problem: IdentifierProblem } {
  if (lead.erasedAt !== null) return { ok: false, problem: 'lead erased' };
  if (lead.email === null) return { ok: false, problem: 'lead has no email' };
  const emailSha256 = hashEmail(lead.email);
  if (emailSha256 === null) return { ok: false, problem: 'lead email is not an address' };
  return {
    ok: true,
    identifiers: { emailSha256, phoneSha256: lead.phone === null ? null : hashPhone(lead.phone) },
  };
}
