import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emailMessageId, type OutboundEmail } from '../../activities/message-channels';
import {
  PermanentProviderError,
  ProviderConfigurationError,
  TransientProviderError,
} from '../../activities/providers/provider-errors';
import {
  SENDGRID_CUSTOM_ARGS,
  createSendgridEmailChannel,
  type SendgridEmailConfig,
} from '../../activities/providers/sendgrid-email-channel';
import { EMAIL_CORRELATION_KEYS } from '../../api/webhooks/correlation';
import { mapSendgridEvents } from '../../api/webhooks/sendgrid';

const API_KEY = 'SG.test-key.0123456789';
const FROM = '"Acme Team" <team@acme.test>';
const NOW = Date.parse('2026-11-24T10:00:00.000Z');
const UNSUBSCRIBE_URL = 'https://nurture.acme.test/u/eyJ2IjoxfQ.c2ln';

function email(
  to: string,
  touchKey = `nurture-lead-42:v1:welcome:email:${to.split('@')[0] ?? ''}`,
): OutboundEmail {
  return {
    touchKey,
    leadId: 'lead-42',
    to,
    subject: 'Your one-page overview',
    body: 'Hi Ada,\n\nHere is the overview.',
    unsubscribeUrl: UNSUBSCRIBE_URL,
  };
}

// ------------------------------------------------------------ a fake SendGrid v3

interface Accepted {
  xMessageId: string;
  body: Record<string, unknown>;
  customArgs: Record<string, string>;
}

const accepted: Accepted[] = [];
const requests: {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
}[] = [];
let activityMode: 'ok' | 'forbidden' | 'not-found' | 'rate-limited' = 'ok';
let sequence = 0;

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const sgErrors = (message: string, field: string | null = null) => ({
  errors: [{ message, field, help: null }],
});

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

/** Answers as SendGrid documents it; the recipient's local part picks the failure to simulate. */
async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  requests.push({
    method: req.method ?? '',
    url: req.url ?? '',
    authorization: req.headers.authorization,
    contentType: req.headers['content-type'],
  });
  if (req.headers.authorization !== `Bearer ${API_KEY}`) {
    json(res, 401, sgErrors('The provided authorization grant is invalid, expired, or revoked'));
    return;
  }
  const url = new URL(req.url ?? '/', 'http://fake');
  if (req.method === 'POST' && url.pathname === '/v3/mail/send') {
    const body = await readJson(req);
    const personalizations = body.personalizations as {
      to: { email: string }[];
      custom_args?: Record<string, string>;
    }[];
    const to = personalizations[0]?.to[0]?.email ?? '';
    switch (to.split('@')[0]) {
      case 'not-an-address':
        json(res, 400, sgErrors('Does not contain a valid address.', 'personalizations.0.to.0.email'));
        return;
      case 'bad-request':
        json(
          res,
          400,
          sgErrors('The content value must be a string at least one character in length.', 'content.0.value'),
        );
        return;
      case 'unverified':
        json(
          res,
          403,
          sgErrors(
            'The from address does not match a verified Sender Identity. Mail cannot be sent until this error is resolved.',
            'from',
          ),
        );
        return;
      case 'rate-limited':
        json(res, 429, sgErrors('too many requests'), { 'retry-after': '30' });
        return;
      case 'rate-limited-date':
        json(res, 429, sgErrors('too many requests'), {
          'retry-after': new Date(NOW + 90_000).toUTCString(),
        });
        return;
      case 'broken':
        json(res, 500, sgErrors('internal error'));
        return;
      case 'slow':
        // Never answers: the client's timeout must end the wait.
        return;
      default: {
        sequence += 1;
        const xMessageId = `Xm${String(sequence).padStart(6, '0')}QbRSm2cNmGmQ`;
        accepted.push({ xMessageId, body, customArgs: personalizations[0]?.custom_args ?? {} });
        res.writeHead(202, { 'x-message-id': xMessageId });
        res.end();
        return;
      }
    }
  }
  if (req.method === 'GET' && url.pathname === '/v3/messages') {
    if (activityMode === 'forbidden') {
      json(res, 403, sgErrors('access forbidden'));
      return;
    }
    if (activityMode === 'not-found') {
      json(res, 404, sgErrors('resource not found'));
      return;
    }
    if (activityMode === 'rate-limited') {
      json(res, 429, sgErrors('too many requests'), { 'retry-after': '10' });
      return;
    }
    const match = /^unique_args\['([^']+)'\]="([^"]*)"$/.exec(url.searchParams.get('query') ?? '');
    if (match === null) {
      json(res, 400, sgErrors('invalid query', 'query'));
      return;
    }
    const [, name, value] = match;
    const found = accepted
      .filter((a) => name !== undefined && a.customArgs[name] === value)
      .slice(0, Number(url.searchParams.get('limit') ?? '10'));
    json(res, 200, {
      messages: found.map((a) => ({
        from_email: 'team@acme.test',
        msg_id: `${a.xMessageId}.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0`,
        subject: 'Your one-page overview',
        to_email: 'ada@example.org',
        status: 'processed',
        opens_count: 0,
        clicks_count: 0,
        last_event_time: '2026-11-24T09:59:00Z',
      })),
    });
    return;
  }
  json(res, 404, sgErrors('not found'));
}

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
});

beforeEach(() => {
  activityMode = 'ok';
});

function channel(overrides: Partial<SendgridEmailConfig> = {}) {
  return createSendgridEmailChannel({
    apiKey: API_KEY,
    from: FROM,
    apiBaseUrl: base,
    timeoutMs: 500,
    now: () => NOW,
    ...overrides,
  });
}

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

// ------------------------------------------------------------ tests

describe('SendGrid email channel: send', () => {
  test('202: accepted with X-Message-Id; the request has the documented shape', async () => {
    const message = email('ada@example.org');
    const outcome = await channel().send(message);
    const stored = accepted.at(-1);
    expect(outcome).toEqual({
      status: 'accepted',
      providerMessageId: stored?.xMessageId,
      deliveredOnAccept: false,
    });
    const request = requests.at(-1);
    expect(request).toMatchObject({
      method: 'POST',
      url: '/v3/mail/send',
      authorization: `Bearer ${API_KEY}`,
      contentType: 'application/json',
    });
    expect(stored?.body).toEqual({
      personalizations: [
        {
          to: [{ email: 'ada@example.org' }],
          custom_args: { lead_id: 'lead-42', touch_key: message.touchKey },
        },
      ],
      from: { email: 'team@acme.test', name: 'Acme Team' },
      subject: 'Your one-page overview',
      content: [
        {
          type: 'text/plain',
          value: expect.stringContaining(`To stop receiving these emails: ${UNSUBSCRIBE_URL}`),
        },
      ],
      headers: {
        'List-Unsubscribe': `<${UNSUBSCRIBE_URL}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'X-Nurture-Lead-Id': 'lead-42',
        'X-Nurture-Touch-Key': message.touchKey,
        'Message-ID': emailMessageId(message.touchKey, { email: 'team@acme.test' }),
      },
      tracking_settings: { subscription_tracking: { enable: false } },
    });
  });

  test('the custom args are the ones our SendGrid webhook reads back to find the lead and touch', () => {
    expect(SENDGRID_CUSTOM_ARGS).toEqual(EMAIL_CORRELATION_KEYS);
    const stored = accepted.at(-1);
    if (stored === undefined) throw new Error('nothing was sent yet');
    // SendGrid echoes custom args as top-level keys of each event.
    const result = mapSendgridEvents([
      {
        event: 'delivered',
        email: 'ada@example.org',
        timestamp: Math.floor(NOW / 1000),
        sg_event_id: 'ZGVsaXZlcmVkLTAtMjQ',
        sg_message_id: `${stored.xMessageId}.filterdrecv-1`,
        ...stored.customArgs,
      },
    ]);
    expect(result.events[0]?.match).toMatchObject({
      leadId: 'lead-42',
      touchKey: stored.customArgs.touch_key,
    });
  });

  test('400 naming the recipient address: rejected, the reason without the address', async () => {
    const outcome = await channel().send(email('not-an-address@example.org'));
    expect(outcome).toEqual({
      status: 'rejected',
      reason: 'sendgrid 400: personalizations.0.to.0.email: Does not contain a valid address.',
    });
  });

  test('400 about anything else is our request: a permanent error, not the lead’s outcome', async () => {
    const error = await thrown(channel().send(email('bad-request@example.org')));
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(error).not.toBeInstanceOf(ProviderConfigurationError);
  });

  test('401 (bad key) and 403 (unverified sender) are configuration errors', async () => {
    const badKey = await thrown(channel({ apiKey: 'SG.revoked' }).send(email('ada@example.org')));
    expect(badKey).toBeInstanceOf(ProviderConfigurationError);
    expect((badKey as Error).message).toContain('401');
    expect((badKey as Error).message).not.toContain('SG.revoked');
    const unverified = await thrown(channel().send(email('unverified@example.org')));
    expect(unverified).toBeInstanceOf(ProviderConfigurationError);
    expect((unverified as Error).message).toContain('verified Sender Identity');
  });

  test('429 with Retry-After in seconds or as an HTTP date: transient, carrying the wait', async () => {
    const seconds = await thrown(channel().send(email('rate-limited@example.org')));
    expect(seconds).toBeInstanceOf(TransientProviderError);
    expect((seconds as TransientProviderError).retryAfterMs).toBe(30_000);
    expect((seconds as TransientProviderError).outcomeUnknown).toBe(false);
    const date = await thrown(channel().send(email('rate-limited-date@example.org')));
    expect((date as TransientProviderError).retryAfterMs).toBe(90_000);
  });

  test('500: transient, and the outcome is unknown (SendGrid may have queued it)', async () => {
    const error = await thrown(channel().send(email('broken@example.org')));
    expect(error).toBeInstanceOf(TransientProviderError);
    expect((error as TransientProviderError).retryAfterMs).toBeUndefined();
    expect((error as TransientProviderError).outcomeUnknown).toBe(true);
  });

  test('no answer within the timeout: transient, outcome unknown', async () => {
    const error = await thrown(channel({ timeoutMs: 150 }).send(email('slow@example.org')));
    expect(error).toBeInstanceOf(TransientProviderError);
    expect((error as Error).message).toContain('timed out');
    expect((error as TransientProviderError).outcomeUnknown).toBe(true);
  });

  test('nothing listening: transient, and nothing can have been sent', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) =>
      closed.close(() => {
        resolve();
      }),
    );
    const error = await thrown(
      channel({ apiBaseUrl: `http://127.0.0.1:${String(port)}` }).send(email('ada@example.org')),
    );
    expect(error).toBeInstanceOf(TransientProviderError);
    expect((error as TransientProviderError).outcomeUnknown).toBe(false);
  });

  test('a bad EMAIL_FROM or an empty key fails at start', () => {
    expect(() => channel({ from: 'not an address' })).toThrow(ProviderConfigurationError);
    expect(() => channel({ apiKey: ' ' })).toThrow(ProviderConfigurationError);
  });
});

describe('SendGrid email channel: reconcile through Email Activity', () => {
  test('a touch SendGrid took is found by its touch_key custom arg: do not send again', async () => {
    const message = email('ada@example.org', 'nurture-lead-42:v1:day-3:email:a');
    const sent = await channel().send(message);
    const outcome = await channel().reconcile?.(message, { startedAt: new Date(NOW - 60_000) });
    expect(outcome).toEqual(sent);
    const lookup = new URL(requests.at(-1)?.url ?? '', 'http://fake');
    expect(lookup.pathname).toBe('/v3/messages');
    expect(lookup.searchParams.get('query')).toBe(`unique_args['touch_key']="${message.touchKey}"`);
    expect(lookup.searchParams.get('limit')).toBe('1');
  });

  test('no record, long enough after the attempt: null, safe to send', async () => {
    const message = email('ada@example.org', 'never-sent-1');
    expect(await channel().reconcile?.(message, { startedAt: new Date(NOW - 11 * 60_000) })).toBeNull();
  });

  test('no record, but the attempt is recent (the feed lags): ask again later, never "safe" yet', async () => {
    const message = email('ada@example.org', 'never-sent-2');
    const error = await thrown(
      channel().reconcile?.(message, { startedAt: new Date(NOW - 60_000) }) ?? Promise.resolve(),
    );
    expect(error).toBeInstanceOf(TransientProviderError);
    expect((error as TransientProviderError).retryAfterMs).toBe(9 * 60_000);
  });

  test.each(['forbidden', 'not-found'] as const)(
    'Email Activity unavailable (%s, no add-on): cannot tell, so taken as sent',
    async (mode) => {
      activityMode = mode;
      const message = email('ada@example.org', 'unknowable');
      const outcome = await channel().reconcile?.(message, { startedAt: new Date(NOW - 3_600_000) });
      expect(outcome).toEqual({
        status: 'accepted',
        providerMessageId: emailMessageId(message.touchKey, { email: 'team@acme.test' }),
        deliveredOnAccept: false,
      });
    },
  );

  test('Email Activity rate limit (6 a minute): transient with its Retry-After', async () => {
    activityMode = 'rate-limited';
    const error = await thrown(
      channel().reconcile?.(email('ada@example.org', 'k'), { startedAt: new Date(NOW - 3_600_000) }) ??
        Promise.resolve(),
    );
    expect(error).toBeInstanceOf(TransientProviderError);
    expect((error as TransientProviderError).retryAfterMs).toBe(10_000);
  });
});
