import { headersSayAutoReply } from '../../replies/auto-reply-headers';

const one = (name: string, value: string) => [{ name, value }];

describe('headersSayAutoReply (RFC 3834 and the older markers)', () => {
  test.each([
    ['Auto-Submitted', 'auto-replied'],
    ['auto-submitted', 'auto-generated'],
    ['Auto-Submitted', 'auto-notified; owner-email="x@example.com"'],
    ['X-Autoreply', 'yes'],
    ['X-Autorespond', 'Out of office'],
    ['Precedence', 'auto_reply'],
    ['Precedence', 'bulk'],
    ['precedence', ' JUNK '],
  ])('%s: %s is an automatic answer', (name, value) => {
    expect(headersSayAutoReply(one(name, value))).toBe(true);
  });

  test.each([
    ['Auto-Submitted', 'no'],
    ['Auto-Submitted', 'No (written by a person)'],
    ['Auto-Submitted', ''],
    ['Precedence', 'list'],
    ['Precedence', 'first-class'],
    ['X-Mailer', 'autoreply-tool'],
    ['Subject', 'Auto-Submitted'],
  ])('%s: %s is not', (name, value) => {
    expect(headersSayAutoReply(one(name, value))).toBe(false);
  });

  test('no headers, no marker', () => {
    expect(headersSayAutoReply([])).toBe(false);
  });
});
