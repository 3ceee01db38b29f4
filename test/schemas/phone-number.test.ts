import fc from 'fast-check';
import { getCountries, getExampleNumber, type CountryCode } from 'libphonenumber-js/max';
import mobileExamples from 'libphonenumber-js/mobile/examples';
import { z } from 'zod';
import {
  checkPhone,
  normalizePhone,
  PHONE_CHARACTERS,
  PHONE_PROBLEM_MESSAGES,
  phoneCountrySchema,
  phoneNumberSchema,
  phoneNumberSchemaFor,
  type PhoneProblem,
} from '../../api/schemas/phone-number';
import { UNPROCESSABLE } from '../../schemas/unprocessable';

const E164 = /^\+[1-9]\d{1,14}$/;

describe('accepted numbers become E.164', () => {
  test.each<[string, CountryCode | undefined, string]>([
    ['+44 20 7946 0958', undefined, '+442079460958'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['0044 20 7946 0958', 'GB', '+442079460958'],
    ['+1 (201) 555-0123', undefined, '+12015550123'],
    ['201-555-0123', 'US', '+12015550123'],
    ['201.555.0123', 'US', '+12015550123'],
    ['(415) 555 2671', 'US', '+14155552671'],
    ['  +1 415-555-2671  ', undefined, '+14155552671'],
    ['+49 30 12345678', undefined, '+493012345678'],
    ['030 12345678', 'DE', '+493012345678'],
    ['+49 1512 3456789', undefined, '+4915123456789'],
    ['+91 98765 43210', undefined, '+919876543210'],
    ['098765-43210', 'IN', '+919876543210'],
    ['9876543210', 'IN', '+919876543210'],
    // A leading + keeps its own country, whatever the default.
    ['+1 201 555 0123', 'GB', '+12015550123'],
  ])('%j (default %s) -> %s', (raw, country, e164) => {
    expect(normalizePhone(raw, country)).toBe(e164);
    expect(phoneNumberSchemaFor(country).parse(raw)).toBe(e164);
  });
});

describe('refused numbers say why, without echoing the number', () => {
  test.each<[string, CountryCode | undefined, PhoneProblem]>([
    ['2015550123', undefined, 'country'],
    ['020 7946 0958', undefined, 'country'],
    ['+1 555 0100', undefined, 'too_short'],
    ['12', 'US', 'too_short'],
    ['', 'US', 'too_short'],
    ['+1234567890123456', undefined, 'too_long'],
    ['+44 20 7946 09581234', undefined, 'too_long'],
    ['+44 20 7946 0958 0958 0958 0958 0958 0958 0958', undefined, 'too_long'],
    // Right length, but no such area code / a range never assigned: what `min` metadata would let through.
    ['+1 999 555 0123', undefined, 'invalid'],
    ['+44 7700 900123', undefined, 'invalid'],
    ['+1 800 FLOWERS', undefined, 'characters'],
    ['call me on +44 20 7946 0958', undefined, 'characters'],
    ['+1 201 555 0123 ext. 5', undefined, 'characters'],
    ['+1 201 555 0123 #5', undefined, 'characters'],
    ['+44 20 7946 0958 / 07700 900 123', undefined, 'characters'],
    ['2O1-555-0123', 'US', 'characters'],
  ])('%j (default %s): %s', (raw, country, problem) => {
    expect(checkPhone(raw, country)).toEqual({ ok: false, problem });
    expect(normalizePhone(raw, country)).toBeNull();

    const result = phoneNumberSchemaFor(country).safeParse(raw);
    expect(result.success).toBe(false);
    // Characters are the schema's own pattern (a 400 at the API); the rest needs libphonenumber (a 422).
    expect(result.error?.issues).toEqual([
      problem === 'characters'
        ? expect.objectContaining({
            code: 'invalid_format',
            path: [],
            message: PHONE_PROBLEM_MESSAGES[problem],
          })
        : expect.objectContaining({
            code: 'custom',
            path: [],
            message: PHONE_PROBLEM_MESSAGES[problem],
            params: UNPROCESSABLE,
          }),
    ]);
    const digits = raw.replace(/\D/g, '');
    const reported = JSON.stringify(result.error);
    if (raw.trim() !== '') expect(reported).not.toContain(raw.trim());
    if (digits.length >= 4) expect(reported).not.toContain(digits);
  });

  test('a non-string is refused by type, and the message does not carry the value', () => {
    const result = phoneNumberSchema.safeParse(14155552671);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error)).not.toContain('14155552671');
  });
});

describe('inside a request schema', () => {
  test('the field comes out as E.164 and its issue is reported at its path', () => {
    const schema = z.strictObject({ phone: phoneNumberSchemaFor('GB').optional() });

    expect(schema.parse({ phone: '020 7946 0958' })).toEqual({ phone: '+442079460958' });
    expect(schema.parse({})).toEqual({});
    const result = schema.safeParse({ phone: '020' });
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([['phone']]);
  });

  test('the configured default country is checked', () => {
    expect(phoneCountrySchema.parse('GB')).toBe('GB');
    expect(phoneCountrySchema.safeParse('XX').success).toBe(false);
    expect(phoneCountrySchema.safeParse('United Kingdom').success).toBe(false);
  });
});

describe('properties', () => {
  // Every country libphonenumber has a mobile example for: real numbers, in every region.
  const examples = getCountries().flatMap((country) => {
    const example = getExampleNumber(country, mobileExamples);
    return example === undefined ? [] : [{ country, example }];
  });
  const separators = fc.constantFrom(' ', '-', '.', '', '  ');

  /** A formatted example with its separators swapped, written nationally (with the country) or internationally. */
  const writtenNumber = fc
    .record({
      entry: fc.constantFrom(...examples),
      national: fc.boolean(),
      separator: separators,
    })
    .map(({ entry, national, separator }) => {
      const formatted = national ? entry.example.formatNational() : entry.example.formatInternational();
      return {
        raw: formatted.replace(/[\s-]+/g, separator),
        country: national ? entry.country : undefined,
        e164: entry.example.number,
      };
    });

  test('a real number, however it is written, becomes its E.164 form', () => {
    expect(examples.length).toBeGreaterThan(200);
    fc.assert(
      fc.property(writtenNumber, ({ raw, country, e164 }) => {
        expect(normalizePhone(raw, country)).toBe(e164);
      }),
      { numRuns: 500 },
    );
  });

  /** Digit strings near real numbers (an example with its tail rewritten), sometimes with noise after. */
  const candidate = fc
    .record({
      entry: fc.constantFrom(...examples),
      cut: fc.integer({ min: 0, max: 6 }),
      lengthChange: fc.constantFrom(0, 0, 0, -1, 1),
      digits: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 }),
      noise: fc.oneof(
        { arbitrary: fc.constant(''), weight: 4 },
        {
          arbitrary: fc.string({ unit: fc.constantFrom(...Array.from('0123456789 +-().')), maxLength: 4 }),
          weight: 1,
        },
      ),
      defaultCountry: fc.option(fc.constantFrom(...examples.map((e) => e.country)), { nil: undefined }),
    })
    .map(({ entry, cut, lengthChange, digits, noise, defaultCountry }) => {
      const e164 = entry.example.number;
      const tail = digits.slice(0, Math.max(0, cut + lengthChange)).join('');
      return { raw: `${e164.slice(0, Math.max(2, e164.length - cut))}${tail}${noise}`, defaultCountry };
    });

  test('every accepted number is E.164, and normalising it again changes nothing', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        candidate,
        fc.constantFrom<CountryCode | undefined>(undefined, 'US', 'GB', 'DE', 'IN'),
        ({ raw, defaultCountry }, otherCountry) => {
          const e164 = normalizePhone(raw, defaultCountry);
          if (e164 === null) return;
          accepted += 1;
          expect(e164).toMatch(E164);
          expect(normalizePhone(e164)).toBe(e164);
          expect(normalizePhone(e164, otherCountry)).toBe(e164);
          expect(phoneNumberSchema.parse(e164)).toBe(e164);
        },
      ),
      { numRuns: 1000 },
    );
    // The property is not vacuous: a good share of the candidates are valid numbers.
    expect(accepted).toBeGreaterThan(200);
  });
});

describe('the pattern the OpenAPI document states', () => {
  test("never refuses a number libphonenumber accepts: every country's example, in every notation", () => {
    let accepted = 0;
    for (const country of getCountries()) {
      const example = getExampleNumber(country, mobileExamples);
      if (example === undefined) continue;
      for (const raw of [
        example.number,
        example.formatInternational(),
        example.formatNational(),
        ` ${example.formatInternational()}\u00a0`,
      ]) {
        if (!checkPhone(raw, country).ok) continue;
        accepted += 1;
        expect({ raw, matches: PHONE_CHARACTERS.test(raw) }).toEqual({ raw, matches: true });
      }
    }
    expect(accepted).toBeGreaterThan(500);
  });
});
