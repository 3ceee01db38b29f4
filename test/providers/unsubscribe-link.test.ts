import fc from 'fast-check';
import {
  unsubscribeToken,
  unsubscribeUrl,
  verifyUnsubscribeToken,
  withUnsubscribeFooter,
} from '../../activities/unsubscribe-link';

const SECRET = 'unsubscribe-test-secret-0123456789abcdef';
const claims = { leadId: 'lead-42', touchKey: 'nurture-lead-42:v1:welcome:email:a' };

describe('signed unsubscribe links', () => {
  test('a link is the public base URL, /u/ and a token that verifies to its claims', () => {
    const url = unsubscribeUrl('https://nurture.example.com/', SECRET, claims);
    expect(url).toMatch(/^https:\/\/nurture\.example\.com\/u\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const token = url.slice(url.lastIndexOf('/') + 1);
    expect(verifyUnsubscribeToken(SECRET, token)).toEqual(claims);
  });

  test('a base URL with a path prefix keeps it', () => {
    expect(unsubscribeUrl('https://example.com/nurture', SECRET, claims)).toMatch(
      /^https:\/\/example\.com\/nurture\/u\//,
    );
  });

  test('the same claims give the same link (a resent email carries the same one)', () => {
    expect(unsubscribeToken(SECRET, claims)).toBe(unsubscribeToken(SECRET, claims));
  });

  test('a token signed with another secret, or altered anywhere, is refused', () => {
    const token = unsubscribeToken(SECRET, claims);
    expect(verifyUnsubscribeToken('another-secret', token)).toBeNull();
    const [payload, signature] = token.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ v: 1, l: 'someone-else', t: claims.touchKey }),
    ).toString('base64url');
    expect(verifyUnsubscribeToken(SECRET, `${forgedPayload}.${signature ?? ''}`)).toBeNull();
    expect(verifyUnsubscribeToken(SECRET, `${payload ?? ''}.`)).toBeNull();
    expect(verifyUnsubscribeToken(SECRET, payload ?? '')).toBeNull();
    expect(verifyUnsubscribeToken(SECRET, `${token}.extra`)).toBeNull();
    expect(verifyUnsubscribeToken(SECRET, 'x'.repeat(5000))).toBeNull();
  });

  test('property: any single-character change to a token is refused, never thrown', () => {
    const token = unsubscribeToken(SECRET, claims);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.%/ ';
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.nat(alphabet.length - 1), (at, pick) => {
        const replacement = alphabet[pick] ?? 'A';
        fc.pre(token[at] !== replacement);
        const altered = token.slice(0, at) + replacement + token.slice(at + 1);
        const result = verifyUnsubscribeToken(SECRET, altered);
        // Base64url's last character carries padding bits: a change there may decode to the same bytes.
        return result === null || result.leadId === claims.leadId;
      }),
    );
  });

  test('property: arbitrary strings never verify and never throw', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => verifyUnsubscribeToken(SECRET, s) === null));
  });

  test('while rotating, links signed with the old secret still verify and new ones use the first', () => {
    const old = unsubscribeToken('old-secret-old-secret-old-secret', claims);
    const rotated = ['new-secret-new-secret-new-secret', 'old-secret-old-secret-old-secret'];
    expect(verifyUnsubscribeToken(rotated, old)).toEqual(claims);
    const fresh = unsubscribeToken(rotated, claims);
    expect(verifyUnsubscribeToken('new-secret-new-secret-new-secret', fresh)).toEqual(claims);
  });

  test('an empty secret is refused rather than used', () => {
    expect(() => unsubscribeToken('', claims)).toThrow(/UNSUBSCRIBE_SECRET/);
    expect(() => verifyUnsubscribeToken([], 'a.b')).toThrow(/UNSUBSCRIBE_SECRET/);
  });

  test('the footer puts the link in the body, after a signature separator', () => {
    expect(withUnsubscribeFooter('Hi Ada,\n\nBest\n\n', 'https://x.test/u/t')).toBe(
      'Hi Ada,\n\nBest\n\n-- \nTo stop receiving these emails: https://x.test/u/t\n',
    );
  });
});
