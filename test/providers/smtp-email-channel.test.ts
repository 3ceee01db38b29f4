import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { emailMessageId, type OutboundEmail } from '../../activities/message-channels';
import {
  ProviderConfigurationError,
  TransientProviderError,
} from '../../activities/providers/provider-errors';
import {
  classifySmtpFailure,
  createSmtpEmailChannel,
  type SmtpEmailChannel,
} from '../../activities/providers/smtp-email-channel';

const FROM = '"Acme Team" <team@acme.test>';
const UNSUBSCRIBE_URL = `https://nurture.acme.test/u/${'eyJ2IjoxLCJsIjoibGVhZC00MiJ9'.repeat(4)}.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2ln`;

function email(to: string, touchKey = 'nurture-lead-42:v1:welcome:email:a'): OutboundEmail {
  return {
    touchKey,
    leadId: 'lead-42',
    to,
    subject: 'Your one-page overview',
    body: 'Hi Ada,\n\nHere is the overview.\n\nBest,\nSam',
    unsubscribeUrl: UNSUBSCRIBE_URL,
  };
}

/** What the test server answers each recipient, by local part: RFC 5321 replies. */
const RCPT_REPLIES: Record<string, { code: number; text: string }> = {
  gone: { code: 550, text: '5.1.1 <gone@example.org>: mailbox unavailable' },
  badaddr: { code: 553, text: '5.1.3 mailbox name not allowed' },
  greylisted: { code: 451, text: '4.7.1 greylisted, try again later' },
  closing: { code: 421, text: '4.3.2 service not available, closing channel' },
};

function smtpError(reply: { code: number; text: string }): Error {
  return Object.assign(new Error(reply.text), { responseCode: reply.code });
}

let server: SMTPServer;
let port: number;
const received: { mail: ParsedMail; envelopeTo: string[] }[] = [];

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onMailFrom(address: SMTPServerAddress, _session: SMTPServerSession, callback) {
      if (address.address.startsWith('blocked@')) {
        callback(smtpError({ code: 553, text: '5.7.1 sender not allowed' }));
        return;
      }
      callback();
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback) {
      const reply = RCPT_REPLIES[address.address.split('@')[0] ?? ''];
      callback(reply === undefined ? undefined : smtpError(reply));
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({ mail, envelopeTo: session.envelope.rcptTo.map((r) => r.address) });
          callback();
        },
        (error: unknown) => {
          callback(error instanceof Error ? error : new Error(String(error)));
        },
      );
    },
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(resolve);
  });
});

const channels: SmtpEmailChannel[] = [];
function channel(from = FROM, url = `smtp://127.0.0.1:${String(port)}`): SmtpEmailChannel {
  const created = createSmtpEmailChannel({ smtpUrl: url, from, timeoutMs: 5_000 });
  channels.push(created);
  return created;
}
afterAll(() => {
  channels.forEach((c) => {
    c.close();
  });
});

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('SMTP email channel', () => {
  test('sends the message with the unsubscribe, correlation and Message-ID headers', async () => {
    const message = email('ada@example.org');
    const outcome = await channel().send(message);
    const expectedId = emailMessageId(message.touchKey, { email: 'team@acme.test' });
    expect(outcome).toEqual({ status: 'accepted', providerMessageId: expectedId, deliveredOnAccept: true });

    const got = received.find((r) => r.envelopeTo.includes('ada@example.org'));
    if (got === undefined) throw new Error('the server received nothing for ada@example.org');
    const { mail } = got;
    expect(mail.messageId).toBe(expectedId);
    expect(mail.subject).toBe('Your one-page overview');
    expect(mail.from?.value).toEqual([{ address: 'team@acme.test', name: 'Acme Team' }]);
    expect(mail.text).toContain('Hi Ada,\n\nHere is the overview.');
    expect(mail.text).toContain(`To stop receiving these emails: ${UNSUBSCRIBE_URL}`);
    // Raw header lines: the URL must arrive whole, inside angle brackets (RFC 2369).
    const raw = new Map(mail.headerLines.map((h) => [h.key, h.line]));
    expect(raw.get('list-unsubscribe')).toBe(`List-Unsubscribe: <${UNSUBSCRIBE_URL}>`);
    expect(raw.get('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail.headers.get('x-nurture-lead-id')).toBe('lead-42');
    expect(mail.headers.get('x-nurture-touch-key')).toBe(message.touchKey);
  });

  test('a resend of the same touch carries the same Message-ID; another touch another one', async () => {
    const first = await channel().send(email('bob@example.org', 'touch-1'));
    const again = await channel().send(email('bob@example.org', 'touch-1'));
    const other = await channel().send(email('bob@example.org', 'touch-2'));
    expect(first).toEqual(again);
    expect(other).not.toEqual(first);
    const ids = received.filter((r) => r.envelopeTo.includes('bob@example.org')).map((r) => r.mail.messageId);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  test.each([
    ['gone@example.org', 550],
    ['badaddr@example.org', 553],
  ])('a %s refused with %d is rejected, with the reply and without the address', async (to, code) => {
    const outcome = await channel().send(email(to));
    expect(outcome.status).toBe('rejected');
    if (outcome.status !== 'rejected') return;
    expect(outcome.reason).toContain(String(code));
    expect(outcome.reason).not.toContain('@example.org');
  });

  test.each([
    ['greylisted@example.org', 451],
    ['closing@example.org', 421],
  ])('a %s deferred with %d throws a transient error', async (to, code) => {
    const error = await thrown(channel().send(email(to)));
    expect(error).toBeInstanceOf(TransientProviderError);
    expect((error as TransientProviderError).message).toContain(String(code));
    // The server answered: it did not take the message, so a plain retry is safe.
    expect((error as TransientProviderError).outcomeUnknown).toBe(false);
  });

  test('a sender the server refuses (553 to MAIL FROM) is a configuration error, not the lead’s rejection', async () => {
    const error = await thrown(channel('blocked@acme.test').send(email('carol@example.org')));
    expect(error).toBeInstanceOf(ProviderConfigurationError);
  });

  test('a server that is down throws a transient error that says nothing was sent', async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) =>
      closed.close(() => {
        resolve();
      }),
    );
    const error = await thrown(
      channel(FROM, `smtp://127.0.0.1:${String(deadPort)}`).send(email('dan@example.org')),
    );
    expect(error).toBeInstanceOf(TransientProviderError);
    expect((error as TransientProviderError).outcomeUnknown).toBe(false);
  });

  test('a server that never greets times out as a transient error', async () => {
    const silent = createTcpServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as AddressInfo).port;
    try {
      const quick = createSmtpEmailChannel({
        smtpUrl: `smtp://127.0.0.1:${String(silentPort)}`,
        from: FROM,
        timeoutMs: 200,
      });
      channels.push(quick);
      const error = await thrown(quick.send(email('erin@example.org')));
      expect(error).toBeInstanceOf(TransientProviderError);
    } finally {
      silent.close();
      (silent as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    }
  });

  test('reconcile takes an unknown outcome as sent, under the same Message-ID (never a second copy)', async () => {
    const message = email('ada@example.org');
    const outcome = await channel().reconcile?.(message, { startedAt: new Date() });
    expect(outcome).toEqual({
      status: 'accepted',
      providerMessageId: emailMessageId(message.touchKey, { email: 'team@acme.test' }),
      // Counted as sent, never as delivered: it must not unlock SMS or LinkedIn.
      deliveredOnAccept: false,
    });
  });

  test('a link failure before DATA proves nothing was handed over; during or after DATA it may have been', () => {
    const outcomeUnknown = (command: string | undefined): boolean => {
      try {
        classifySmtpFailure({ code: 'ECONNECTION', message: 'Connection closed unexpectedly', command });
      } catch (error) {
        if (error instanceof TransientProviderError) return error.outcomeUnknown;
        throw error;
      }
      throw new Error('expected a transient failure');
    };
    for (const command of ['CONN', 'EHLO', 'STARTTLS', 'AUTH PLAIN', 'MAIL FROM', 'RCPT TO']) {
      expect(outcomeUnknown(command)).toBe(false);
    }
    expect(outcomeUnknown('DATA')).toBe(true);
    expect(outcomeUnknown(undefined)).toBe(true);
  });

  test('a bad SMTP_URL or EMAIL_FROM fails at start, without echoing the value', () => {
    expect(() => createSmtpEmailChannel({ smtpUrl: 'http://user:secret@x', from: FROM })).toThrow(
      ProviderConfigurationError,
    );
    expect(() => createSmtpEmailChannel({ smtpUrl: 'smtp://user:secret@x', from: 'nobody' })).toThrow(
      /EMAIL_FROM/,
    );
  });
});
