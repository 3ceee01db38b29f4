import {
  isSupportedCountry,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type CountryCode,
} from 'libphonenumber-js/max';
import { z } from 'zod';
import { UNPROCESSABLE } from '../../schemas/unprocessable';

/**
 * Phone numbers at the edge: whatever a CRM or a form holds ("(415) 555-2671",
 * "+44 20 7946 0958", "0044…") becomes E.164, the only form Twilio accepts and
 * the form inbound webhooks report, so a number entered once matches the
 * opt-outs and replies that come back for it.
 *
 * The `max` metadata, not the default `min`: `min` checks only the number's
 * length, so it accepts numbers no operator can have assigned (a US area code
 * 999, the UK's reserved drama ranges). Each of those would become an SMS touch
 * that Twilio refuses (21211) or a carrier drops, long after the lead was
 * enrolled; refusing it at enrolment tells the caller while they still have the
 * record in front of them. The cost is ~145 kB more metadata, loaded once by
 * the API process. The number's type is deliberately not checked: whether a
 * landline lead is worth enrolling (calls, email) is the plan's business, and
 * Twilio reports a non-mobile recipient itself (21614).
 *
 * No message here echoes the number: it is personal data, and validation
 * messages end up in problem bodies and logs.
 */

export type PhoneProblem = 'characters' | 'country' | 'too_short' | 'too_long' | 'invalid';

export type PhoneCheck = { ok: true; e164: string } | { ok: false; problem: PhoneProblem };

export const PHONE_PROBLEM_MESSAGES: Readonly<Record<PhoneProblem, string>> = {
  characters: 'may contain only digits, spaces, dashes, dots, parentheses and a leading +',
  // A national number with no default country is ambiguous rather than wrong: say what fixes it.
  country: 'must start with + and the country code, such as +14155550123',
  too_short: 'is too short to be a phone number',
  too_long: 'is too long to be a phone number',
  invalid: 'is not a valid phone number',
};

// E.164 allows 15 digits; the rest is room for separators. Longer input is refused before parsing.
const MAX_INPUT_LENGTH = 40;

// libphonenumber would otherwise pull a number out of free text ("call +44… after 6") and accept
// vanity letters and extensions: none of them can receive an SMS as written.
const ALLOWED_CHARACTERS = /^\+?[\d\s().-]+$/;

/** Why a raw number is refused, or its E.164 form. */
export function checkPhone(raw: string, defaultCountry?: CountryCode): PhoneCheck {
  const input = raw.trim();
  if (input === '') return { ok: false, problem: 'too_short' };
  if (input.length > MAX_INPUT_LENGTH) return { ok: false, problem: 'too_long' };
  if (!ALLOWED_CHARACTERS.test(input)) return { ok: false, problem: 'characters' };
  const options = { defaultCountry, extract: false } as const;
  switch (validatePhoneNumberLength(input, options)) {
    case 'INVALID_COUNTRY':
      return { ok: false, problem: 'country' };
    case 'TOO_SHORT':
      return { ok: false, problem: 'too_short' };
    case 'TOO_LONG':
      return { ok: false, problem: 'too_long' };
    case 'NOT_A_NUMBER':
    case 'INVALID_LENGTH':
      return { ok: false, problem: 'invalid' };
    case undefined:
      break;
  }
  const parsed = parsePhoneNumberFromString(input, options);
  if (parsed?.isValid() !== true || parsed.ext !== undefined) return { ok: false, problem: 'invalid' };
  return { ok: true, e164: parsed.number };
}

/**
 * The E.164 form of a number, or null when it is not a valid phone number.
 * `defaultCountry` reads national formats ("020 7946 0958" with GB); a number
 * that starts with + keeps its own country whatever the default.
 */
export function normalizePhone(raw: string, defaultCountry?: CountryCode): string | null {
  const result = checkPhone(raw, defaultCountry);
  return result.ok ? result.e164 : null;
}

// JavaScript's \s (what trim() removes), spelled out: the OpenAPI document carries this pattern, and
// other regex dialects (Python's, which Schemathesis generates from) give \s and \d wider meanings.
const SPACE = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

/** What a schema can say about a number: the characters it may hold (spaces around it allowed). */
export const PHONE_CHARACTERS = new RegExp(`^[${SPACE}]*\\+?[0-9${SPACE}().-]*$`);

/**
 * A zod schema that accepts a phone number in any common notation and outputs
 * E.164. Characters outside the pattern break the schema (400); a number made
 * of the right characters that libphonenumber refuses is unprocessable (422).
 */
export function phoneNumberSchemaFor(defaultCountry?: CountryCode) {
  return z
    .string()
    .regex(PHONE_CHARACTERS, PHONE_PROBLEM_MESSAGES.characters)
    .transform((raw, ctx) => {
      const result = checkPhone(raw, defaultCountry);
      if (result.ok) return result.e164;
      ctx.addIssue({
        code: 'custom',
        message: PHONE_PROBLEM_MESSAGES[result.problem],
        params: UNPROCESSABLE,
      });
      return z.NEVER;
    });
}

/** International numbers only (a leading + and the country code): the safe default for an API. */
export const phoneNumberSchema = phoneNumberSchemaFor();

/** An ISO 3166-1 alpha-2 code libphonenumber knows, for a configured default country. */
export const phoneCountrySchema = z.custom<CountryCode>(
  (value) => typeof value === 'string' && isSupportedCountry(value),
  'must be a two-letter country code such as US or GB',
);
