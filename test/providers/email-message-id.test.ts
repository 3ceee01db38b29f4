import fc from 'fast-check';
import { emailMessageId, touchDigestOfMessageId, touchKeyDigest } from '../../activities/message-channels';

describe('touchDigestOfMessageId: the inverse of emailMessageId', () => {
  test('every minted Message-ID gives back its touch key digest, whatever the key and sender domain', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), fc.domain(), (touchKey, domain) => {
        const minted = emailMessageId(touchKey, { email: `team@${domain}` });
        expect(touchDigestOfMessageId(minted)).toBe(touchKeyDigest(touchKey));
      }),
    );
  });

  test.each([
    ['quoted without brackets', 'nurture.0123456789abcdef0123456789abcdef@acme.test'],
    ['upper-cased by a client', '<NURTURE.0123456789ABCDEF0123456789ABCDEF@ACME.TEST>'],
    ['with spaces inside the brackets', '< nurture.0123456789abcdef0123456789abcdef@acme.test >'],
    ['from a sender domain since changed', '<nurture.0123456789abcdef0123456789abcdef@old-brand.example>'],
  ])('reads an id %s', (_, messageId) => {
    expect(touchDigestOfMessageId(messageId)).toBe('0123456789abcdef0123456789abcdef');
  });

  test.each([
    ['another mailer’s id', '<CAGXpo2WKfxHWZ5UFYCR3H_J9SNMG@mail.gmail.com>'],
    ['a digest too short', '<nurture.0123456789abcdef@acme.test>'],
    ['a digest too long', '<nurture.0123456789abcdef0123456789abcdef00@acme.test>'],
    ['no domain', '<nurture.0123456789abcdef0123456789abcdef>'],
    ['a non-hex digest', '<nurture.0123456789abcdef0123456789abcdeg@acme.test>'],
    ['two ids at once', '<nurture.0123456789abcdef0123456789abcdef@a.test> <b@c.test>'],
    ['nothing', ''],
  ])('gives null for %s', (_, messageId) => {
    expect(touchDigestOfMessageId(messageId)).toBeNull();
  });
});
