import fc from 'fast-check';
import {
  hashEmail,
  hashPhone,
  identifiersOf,
  normalizeEmail,
  normalizePhone,
  sha256Hex,
} from '../../activities/audiences/audience-identifiers';

describe('SHA-256', () => {
  test.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ])('the FIPS 180-2 vector for %j', (input, digest) => {
    expect(sha256Hex(input)).toBe(digest);
  });
});

describe('email', () => {
  test.each([
    ['john.doe@example.com', 'john.doe@example.com'],
    ['  John.Doe@Example.COM\t', 'john.doe@example.com'],
    // Neither Meta nor LinkedIn rewrites provider addresses: dots and tags stay.
    ['John.Doe+news@Gmail.com', 'john.doe+news@gmail.com'],
  ])('%j normalises to %j', (raw, normalised) => {
    expect(normalizeEmail(raw)).toBe(normalised);
  });

  test.each(['', '   ', 'no-at-sign', '@example.com', 'john@', 'a@b@c', 'john doe@example.com'])(
    '%j is not an address',
    (raw) => {
      expect(normalizeEmail(raw)).toBeNull();
      expect(hashEmail(raw)).toBeNull();
    },
  );

  test('hashes the normalised address (digest computed independently: printf ... | sha256sum)', () => {
    expect(hashEmail(' John.Doe@EXAMPLE.com ')).toBe(
      '836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f',
    );
  });

  test('a Gmail address keeps its dots (they are a different hash)', () => {
    expect(hashEmail('John.Doe@gmail.com')).toBe(
      '375320dd9ae7ed408002f3768e16cb5f28c861062fd50dff9a3bff62e9dce4ef',
    );
    expect(hashEmail('John.Doe@gmail.com')).not.toBe(hashEmail('johndoe@gmail.com'));
  });

  const address = fc
    .tuple(
      fc.stringMatching(/^[A-Za-z0-9._%+-]{1,20}$/),
      fc.stringMatching(/^[A-Za-z0-9-]{1,15}\.[A-Za-z]{2,6}$/),
      fc.stringMatching(/^[ \t]{0,3}$/),
      fc.stringMatching(/^[ \t]{0,3}$/),
    )
    .map(([local, domain, before, after]) => `${before}${local}@${domain}${after}`);

  test('normalising is idempotent', () => {
    fc.assert(
      fc.property(address, (raw) => {
        const once = normalizeEmail(raw);
        expect(once).not.toBeNull();
        expect(normalizeEmail(once ?? '')).toBe(once);
      }),
    );
  });

  test('the hash ignores case and surrounding whitespace', () => {
    fc.assert(
      fc.property(address, (raw) => {
        expect(hashEmail(raw.toUpperCase())).toBe(hashEmail(raw.toLowerCase()));
        expect(hashEmail(` ${raw} `)).toBe(hashEmail(raw));
      }),
    );
  });

  test('a hash is 64 lowercase hex characters', () => {
    fc.assert(
      fc.property(address, (raw) => {
        expect(hashEmail(raw)).toMatch(/^[0-9a-f]{64}$/);
      }),
    );
  });
});

describe('phone', () => {
  test.each([
    ['+14155550123', '14155550123'],
    ['+1 (415) 555-0123', '14155550123'],
    ['+44 20 7946 0958', '442079460958'],
    // The international prefix 00 is the "+": Meta wants the leading zeros gone.
    ['0044 20 7946 0958', '442079460958'],
  ])('%j normalises to %j (E.164 digits, no +)', (raw, normalised) => {
    expect(normalizePhone(raw)).toBe(normalised);
  });

  test.each([
    ['(415) 555-0123', 'no country code: ambiguous'],
    ['+1 800 FLOWERS', 'letters'],
    ['+1 415', 'too short'],
    ['', 'empty'],
  ])('%j is left out (%s)', (raw) => {
    expect(normalizePhone(raw)).toBeNull();
    expect(hashPhone(raw)).toBeNull();
  });

  test('hashes the digits', () => {
    expect(hashPhone('+1 (415) 555-0123')).toBe(
      '413ba75461ab5f99d36820e561ea97e2bd80f9cb586f7ecea6cf4c496518950a',
    );
  });

  test('normalising is idempotent once a + is put back', () => {
    const e164 = fc
      .tuple(fc.constantFrom('1', '44', '49', '33', '61'), fc.stringMatching(/^[2-9]\d{8,9}$/))
      .map(([country, national]) => `+${country}${national}`);
    fc.assert(
      fc.property(e164, (raw) => {
        const once = normalizePhone(raw);
        if (once === null) return;
        expect(once).toMatch(/^[1-9]\d{6,14}$/);
        expect(normalizePhone(`+${once}`)).toBe(once);
      }),
    );
  });
});

describe('identifiers of a lead', () => {
  const lead = { email: 'Ada@Example.com', phone: '+14155550123', erasedAt: null };

  test('hashes email and phone', () => {
    expect(identifiersOf(lead)).toEqual({
      ok: true,
      identifiers: { emailSha256: sha256Hex('ada@example.com'), phoneSha256: sha256Hex('14155550123') },
    });
  });

  test('a phone that does not normalise is left out, the email still goes', () => {
    expect(identifiersOf({ ...lead, phone: '555-0123' })).toEqual({
      ok: true,
      identifiers: { emailSha256: sha256Hex('ada@example.com'), phoneSha256: null },
    });
  });

  test.each([
    { input: { ...lead, erasedAt: new Date() }, problem: 'lead erased' },
    { input: { ...lead, email: null }, problem: 'lead has no email' },
    { input: { ...lead, email: 'not an address' }, problem: 'lead email is not an address' },
  ])('skipped: $problem', ({ input, problem }) => {
    expect(identifiersOf(input)).toEqual({ ok: false, problem });
  });
});
