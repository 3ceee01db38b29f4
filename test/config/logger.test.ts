import { Writable } from 'node:stream';
import fc from 'fast-check';
import { createLogger, scrubText } from '../../config/logger';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('logs', () => {
  test('personal data and secrets are redacted by field, wherever they sit', () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', stream);
    logger.info(
      {
        email: 'ada@example.com',
        lead: { phone: '+14155550123', firstName: 'Ada', body: 'Hi Ada' },
        apiKey: 'dn_x',
        provider: { accessToken: 'EAAB', authToken: 'tw' },
      },
      'something',
    );
    const line = lines.join('');
    for (const secret of ['ada@example.com', '+14155550123', 'Hi Ada', '"Ada"', 'dn_x', 'EAAB', '"tw"']) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain('[redacted]');
  });

  test("an inbound reply's words and sender are redacted at the top level and one level down", () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', stream);
    logger.info({ text: 'I am back on Monday', reply: { excerpt: 'Call me', sender: 'pa@x' } }, 'something');
    const line = lines.join('');
    for (const secret of ['back on Monday', 'Call me', 'pa@x']) expect(line).not.toContain(secret);
  });

  test('addresses and numbers inside an error message or stack are scrubbed', () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', stream);
    logger.error(
      { err: new Error('550 <ada.lovelace@example.co.uk> unknown; sms to +44 20 7946 0958 failed') },
      'x',
    );
    const line = lines.join('');
    expect(line).not.toContain('ada.lovelace@example.co.uk');
    expect(line).not.toContain('7946');
    expect(line).toContain('[email]');
    expect(line).toContain('[phone]');
  });

  test('scrubbing leaves no email address behind, whatever surrounds it', () => {
    fc.assert(
      fc.property(fc.string(), fc.emailAddress(), fc.string(), (before, email, after) => {
        expect(scrubText(`${before} ${email} ${after}`)).not.toContain(email);
      }),
      { numRuns: 500 },
    );
  });
});
