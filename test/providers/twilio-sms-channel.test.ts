import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OutboundSms, SendOutcome } from '../../activities/message-channels';
import {
  PermanentProviderError,
  ProviderConfigurationError,
  TransientProviderError,
} from '../../activities/providers/provider-errors';
import { TwilioSmsChannel, type TwilioSmsConfig } from '../../activities/providers/twilio-sms-channel';
import { mapStatusCallback } from '../../api/webhooks/twilio';
import {
  computeTwilioSignature,
  verifyTwilioSignature,
  type FormParams,
} from '../../api/webhooks/twilio-signature';

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'twilio-test-auth-token';
const SERVICE_SID = 'MG00112233445566778899aabbccddeeff';
const OTHER_SERVICE_SID = 'MGffeeddccbbaa99887766554433221100';
const POOL_NUMBER = '+15005550006';
const PUBLIC_BASE_URL = 'https://hooks.example.com';
const MESSAGES_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;

/** The tests' clock: 2026-11-24T10:00:00Z. */
const NOW = Date.parse('2026-11-24T10:00:00.000Z');

const SMS: OutboundSms = {
  touchKey: 'nurture-lead-42:v3:day-2:sms:b',
  leadId: 'lead-42',
  to: '+14155552671',
  body: 'Hi Ada, did the pricing sheet answer your questions?',
};

/** Twilio's date format on resources: RFC 2822 in GMT, second precision. */
function twilioDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString().replace('GMT', '+0000');
}

let sidCounter = 0;
function nextSid(): string {
  sidCounter += 1;
  return `SM${sidCounter.toString(16).padStart(32, '0')}`;
}

interface StoredMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  direction: 'outbound-api' | 'inbound';
  messagingServiceSid: string | null;
  createdAt: number;
}

/** The Message resource as Twilio's docs show it (fields we do not read included). */
function messageResource(message: StoredMessage): Record<string, unknown> {
  return {
    account_sid: ACCOUNT_SID,
    api_version: '2010-04-01',
    body: message.body,
    date_created: twilioDate(message.createdAt),
    date_sent: twilioDate(message.createdAt),
    date_updated: twilioDate(message.createdAt),
    direction: message.direction,
    error_code: null,
    error_message: null,
    from: message.from,
    messaging_service_sid: message.messagingServiceSid,
    num_media: '0',
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid: message.sid,
    status: message.direction === 'inbound' ? 'received' : 'queued',
    subresource_uris: { media: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${message.sid}/Media.json` },
    to: message.to,
    uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${message.sid}.json`,
  };
}

/** Twilio's documented error body. */
function twilioError(status: number, code: number, message: string): Record<string, unknown> {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  form: URLSearchParams;
}

type Scripted = (request: RecordedRequest, response: ServerResponse) => void;

/**
 * A stand-in for api.twilio.com that speaks the Messages resource: Basic auth
 * as Account SID and auth token, form-encoded create answered 201 with the
 * resource, the list filtered by To and `DateSent>` with PageSize paging.
 * A test may script the next answers instead.
 */
class FakeTwilio {
  readonly requests: RecordedRequest[] = [];
  readonly messages: StoredMessage[] = [];
  readonly scripted: Scripted[] = [];
  clock = NOW;
  private readonly server: Server;
  private readonly held: ServerResponse[] = [];

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const request: RecordedRequest = {
          method: req.method ?? '',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
        };
        this.requests.push(request);
        const script = this.scripted.shift();
        if (script !== undefined) script(request, res);
        else this.answer(request, res);
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const response of this.held) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  /** Never answers: the client must give up by itself. */
  hang(): void {
    this.scripted.push((_request, response) => this.held.push(response));
  }

  reply(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.scripted.push((_request, response) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      response.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(text);
    });
  }

  store(message: Partial<StoredMessage> & Pick<StoredMessage, 'to' | 'body'>): StoredMessage {
    const stored: StoredMessage = {
      sid: nextSid(),
      from: POOL_NUMBER,
      direction: 'outbound-api',
      messagingServiceSid: SERVICE_SID,
      createdAt: this.clock,
      ...message,
    };
    this.messages.push(stored);
    return stored;
  }

  private answer(request: RecordedRequest, response: ServerResponse): void {
    const send = (status: number, body: unknown) =>
      response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    const expected = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
    if (request.headers.authorization !== expected) {
      send(401, twilioError(401, 20003, 'Authenticate'));
      return;
    }
    if (request.path !== MESSAGES_PATH) {
      send(404, twilioError(404, 20404, 'The requested resource was not found'));
      return;
    }
    if (request.method === 'POST') {
      const to = request.form.get('To');
      const body = request.form.get('Body');
      const service = request.form.get('MessagingServiceSid');
      const from = request.form.get('From');
      if (to === null || body === null || (service === null && from === null)) {
        send(400, twilioError(400, 21603, "A 'From' phone number is required."));
        return;
      }
      const stored = this.store({
        to,
        body,
        from: from ?? POOL_NUMBER,
        messagingServiceSid: service,
      });
      send(201, messageResource(stored));
      return;
    }
    const to = request.query.get('To');
    const since = request.query.get('DateSent>');
    const pageSize = Number(request.query.get('PageSize') ?? '50');
    const page = Number(request.query.get('Page') ?? '0');
    const listed = this.messages
      .filter((m) => (to === null || m.to === to) && (since === null || twilioDay(m.createdAt) >= since))
      .sort((a, b) => b.createdAt - a.createdAt);
    const slice = listed.slice(page * pageSize, (page + 1) * pageSize);
    const hasNext = (page + 1) * pageSize < listed.length;
    const pageUri = (n: number) => {
      const query = new URLSearchParams(request.query);
      query.set('Page', String(n));
      query.set('PageToken', `PAtoken${n}`);
      return `${MESSAGES_PATH}?${query.toString()}`;
    };
    send(200, {
      end: page * pageSize + slice.length - 1,
      first_page_uri: pageUri(0),
      messages: slice.map(messageResource),
      next_page_uri: hasNext ? pageUri(page + 1) : null,
      page,
      page_size: pageSize,
      previous_page_uri: page > 0 ? pageUri(page - 1) : null,
      start: page * pageSize,
      uri: pageUri(page),
    });
  }
}

function twilioDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

let twilio: FakeTwilio;
let apiBaseUrl: string;

beforeEach(async () => {
  twilio = new FakeTwilio();
  apiBaseUrl = await twilio.start();
});

afterEach(async () => {
  await twilio.stop();
});

function channel(overrides: Partial<TwilioSmsConfig> = {}): TwilioSmsChannel {
  return new TwilioSmsChannel({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    sender: { messagingServiceSid: SERVICE_SID },
    publicBaseUrl: PUBLIC_BASE_URL,
    apiBaseUrl,
    now: () => NOW,
    ...overrides,
  });
}

/** The rejection, or fails the test. */
async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error('rejected with a non-Error', { cause: error });
  }
  throw new Error('expected a failure, got a result');
}

function onlyRequest(): RecordedRequest {
  expect(twilio.requests).toHaveLength(1);
  const [request] = twilio.requests;
  if (request === undefined) throw new Error('no request');
  return request;
}

describe('sending', () => {
  test('creates the message with Basic auth and the documented form fields; 201 is accepted with its SID', async () => {
    const outcome = await channel().send(SMS);

    const request = onlyRequest();
    expect(request.method).toBe('POST');
    expect(request.path).toBe(MESSAGES_PATH);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.headers.accept).toBe('application/json');
    const [scheme, credentials] = (request.headers.authorization ?? '').split(' ');
    expect(scheme).toBe('Basic');
    expect(Buffer.from(credentials ?? '', 'base64').toString('utf8')).toBe(`${ACCOUNT_SID}:${AUTH_TOKEN}`);
    expect([...request.form.keys()].sort()).toEqual(['Body', 'MessagingServiceSid', 'StatusCallback', 'To']);
    expect(request.form.get('To')).toBe(SMS.to);
    expect(request.form.get('Body')).toBe(SMS.body);
    expect(request.form.get('MessagingServiceSid')).toBe(SERVICE_SID);

    const stored = twilio.messages[0];
    expect(outcome).toEqual({ status: 'accepted', providerMessageId: stored?.sid, deliveredOnAccept: false });
  });

  test('a fixed sender goes as From instead of MessagingServiceSid', async () => {
    await channel({ sender: { from: '+15017122661' } }).send(SMS);

    const { form } = onlyRequest();
    expect(form.get('From')).toBe('+15017122661');
    expect(form.has('MessagingServiceSid')).toBe(false);
  });

  test('the StatusCallback URL passes our receiver: signature verified, lead and touch found', async () => {
    await channel().send(SMS);
    const callbackUrl = onlyRequest().form.get('StatusCallback') ?? '';
    expect(callbackUrl.startsWith(`${PUBLIC_BASE_URL}/webhooks/twilio/status?`)).toBe(true);

    // What Twilio then does: POST to that exact URL, signed over it and the parameters.
    const originalUrl = callbackUrl.slice(PUBLIC_BASE_URL.length);
    const params: FormParams = [
      ['MessageSid', twilio.messages[0]?.sid ?? ''],
      ['MessageStatus', 'delivered'],
      ['To', SMS.to],
      ['AccountSid', ACCOUNT_SID],
    ];
    const signature = computeTwilioSignature(AUTH_TOKEN, callbackUrl, params);
    expect(verifyTwilioSignature(AUTH_TOKEN, PUBLIC_BASE_URL, originalUrl, params, signature)).toBe(true);
    const result = mapStatusCallback(params, originalUrl, new Date(NOW).toISOString());
    expect(result.events).toEqual([
      expect.objectContaining({
        type: 'sms.delivered',
        match: { leadId: SMS.leadId, touchKey: SMS.touchKey, phone: SMS.to },
      }),
    ]);
  });

  test.each([
    [21211, "The 'To' number +14155552671 is not a valid phone number.", 'invalid To number'],
    [21610, 'Attempt to send to unsubscribed recipient', 'unsubscribed'],
    [21614, "'To' number +14155552671 is not a valid mobile number", 'not a mobile number'],
    [
      21408,
      'Permission to send an SMS has not been enabled for the region indicated by the To number',
      'region',
    ],
    [21635, 'a code this adapter does not list', 'refused (HTTP 400)'],
  ])('400 with code %i is a rejected outcome naming the code', async (code, message, words) => {
    twilio.reply(400, twilioError(400, code, message));

    const outcome = await channel().send(SMS);

    expect(outcome).toEqual({ status: 'rejected', reason: expect.stringContaining(`twilio ${code}: `) });
    if (outcome.status !== 'rejected') throw new Error('not rejected');
    expect(outcome.reason).toContain(words);
    // Twilio's message repeats the number; the stored reason must not.
    expect(outcome.reason).not.toContain('4155552671');
  });

  test('401 (20003) is a non-retryable configuration error that does not leak the token', async () => {
    const error = await failureOf(channel({ authToken: 'wrong-token' }).send(SMS));

    expect(error).toBeInstanceOf(ProviderConfigurationError);
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(error).not.toBeInstanceOf(TransientProviderError);
    expect(error.message).toContain('20003');
    expect(error.message).not.toContain('wrong-token');
  });

  test('a sender Twilio refuses (21606) is a configuration error, not a rejected recipient', async () => {
    twilio.reply(
      400,
      twilioError(
        400,
        21606,
        "The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination.",
      ),
    );

    const error = await failureOf(channel().send(SMS));

    expect(error).toBeInstanceOf(ProviderConfigurationError);
    expect(error.message).toContain('21606');
  });

  test('429 (20429) is transient and carries Retry-After in milliseconds', async () => {
    twilio.reply(429, twilioError(429, 20429, 'Too Many Requests'), { 'Retry-After': '30' });

    const error = await failureOf(channel().send(SMS));

    expect(error).toBeInstanceOf(TransientProviderError);
    // Twilio documents that a 429 was not processed: no reconciliation needed.
    expect(error).toMatchObject({ retryAfterMs: 30_000, outcomeUnknown: false });
  });

  test('503 with an HTTP-date Retry-After is transient, measured from our clock', async () => {
    twilio.reply(503, twilioError(503, 20503, 'Service Unavailable'), {
      'Retry-After': new Date(NOW + 120_000).toUTCString(),
    });

    const error = await failureOf(channel().send(SMS));

    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error).toMatchObject({ retryAfterMs: 120_000 });
  });

  test('500 without Retry-After is transient with no wait prescribed', async () => {
    twilio.reply(500, { code: 20500, message: 'Internal Server Error', more_info: '', status: 500 });

    const error = await failureOf(channel().send(SMS));

    expect(error).toBeInstanceOf(TransientProviderError);
    // A create answered 5xx may still have gone through.
    expect(error).toMatchObject({ retryAfterMs: undefined, outcomeUnknown: true });
  });

  test('a server that never answers times out as transient, saying the outcome is unknown', async () => {
    twilio.hang();

    const error = await failureOf(channel({ timeoutMs: 100 }).send(SMS));

    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error).toMatchObject({ outcomeUnknown: true });
    expect(error.message).toContain('reconcile');
    expect(error.cause).toMatchObject({ name: 'TimeoutError' });
  });

  test('a refused connection is transient, and known not to have sent anything', async () => {
    const closed = new FakeTwilio();
    const closedUrl = await closed.start();
    await closed.stop();

    const error = await failureOf(channel({ apiBaseUrl: closedUrl }).send(SMS));

    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error).toMatchObject({ outcomeUnknown: false });
  });

  test('a 4xx without Twilio’s error body (a proxy answered) is permanent, not a rejected touch', async () => {
    twilio.reply(403, '<html>Forbidden</html>');
    expect(await failureOf(channel().send(SMS))).toBeInstanceOf(PermanentProviderError);

    twilio.reply(413, '<html>Payload Too Large</html>');
    const error = await failureOf(channel().send(SMS));
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(error).not.toBeInstanceOf(ProviderConfigurationError);
  });

  test('201 without a SID is permanent: retrying could send the message twice', async () => {
    twilio.reply(201, { status: 'queued' });

    const error = await failureOf(channel().send(SMS));

    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(error.message).toContain('reconciled');
  });

  test('a malformed account SID stops the channel at construction', () => {
    expect(() => channel({ accountSid: 'AC-not-a-sid' })).toThrow(ProviderConfigurationError);
    expect(() => channel({ sender: { messagingServiceSid: 'MG1' } })).toThrow(ProviderConfigurationError);
  });
});

describe('reconciliation', () => {
  const attempt = { ...SMS, attemptedAt: new Date(NOW) };
  // The tests' clock stands at the attempt: without a settle time the list is trusted at once.
  const settled = (overrides: Partial<TwilioSmsConfig> = {}) => channel({ settleMs: 0, ...overrides });

  test('right after the attempt it cannot tell yet: a transient error asks to come back when the list has settled', async () => {
    twilio.store({ to: SMS.to, body: 'unrelated', createdAt: NOW - 1_000 });
    const early = await failureOf(channel().reconcile({ ...attempt, attemptedAt: new Date(NOW - 30_000) }));
    expect(early).toBeInstanceOf(TransientProviderError);
    expect(early).toMatchObject({ retryAfterMs: 90_000, outcomeUnknown: true });
    expect(twilio.requests).toHaveLength(0);
  });

  test('finds the message an earlier attempt created, by To and Body, and returns its SID', async () => {
    twilio.clock = NOW + 2_000;
    await channel().send(SMS);
    const sid = twilio.messages[0]?.sid;
    twilio.requests.length = 0;

    const outcome = await settled().reconcile(attempt);

    expect(outcome).toEqual({ status: 'accepted', providerMessageId: sid, deliveredOnAccept: false });
    const request = onlyRequest();
    expect(request.method).toBe('GET');
    expect(request.path).toBe(MESSAGES_PATH);
    expect(request.query.get('To')).toBe(SMS.to);
    // Not filtered on DateSent: a message still queued has none yet.
    expect(request.query.has('DateSent>')).toBe(false);
    expect(request.query.get('PageSize')).toBe('100');
  });

  test('null when Twilio has no such message, so sending now cannot duplicate', async () => {
    twilio.store({ to: SMS.to, body: 'a different touch', createdAt: NOW + 1_000 });
    twilio.store({ to: '+14155550000', body: SMS.body, createdAt: NOW + 1_000 });
    twilio.store({ to: SMS.to, body: SMS.body, createdAt: NOW - 3_600_000 }); // before the attempt
    twilio.store({
      to: SMS.to,
      body: SMS.body,
      createdAt: NOW + 1_000,
      messagingServiceSid: OTHER_SERVICE_SID,
    });
    twilio.store({ to: SMS.to, body: SMS.body, createdAt: NOW + 1_000, direction: 'inbound' });

    expect(await settled().reconcile(attempt)).toBeNull();
  });

  test('follows next_page_uri and takes the earliest match after the attempt', async () => {
    const first = twilio.store({ to: SMS.to, body: SMS.body, createdAt: NOW + 1_000 });
    twilio.store({ to: SMS.to, body: SMS.body, createdAt: NOW + 500_000 });
    for (let i = 0; i < 5; i++) twilio.store({ to: SMS.to, body: `other ${i}`, createdAt: NOW + 10_000 + i });

    const outcome = await settled({ reconcilePageSize: 2 }).reconcile(attempt);

    expect(outcome).toEqual({ status: 'accepted', providerMessageId: first.sid, deliveredOnAccept: false });
    expect(twilio.requests.map((r) => r.query.get('Page'))).toEqual([null, '1', '2', '3']);
  });

  test('more pages than allowed is inconclusive, not "no message"', async () => {
    for (let i = 0; i < 5; i++) twilio.store({ to: SMS.to, body: `other ${i}`, createdAt: NOW + 10_000 + i });

    const error = await failureOf(settled({ reconcilePageSize: 2, reconcileMaxPages: 2 }).reconcile(attempt));

    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(error.message).toContain('inconclusive');
  });

  test('a rate-limited list is transient; refused credentials are a configuration error', async () => {
    twilio.reply(429, twilioError(429, 20429, 'Too Many Requests'), { 'Retry-After': '5' });
    const limited = await failureOf(settled().reconcile(attempt));
    expect(limited).toBeInstanceOf(TransientProviderError);
    expect(limited).toMatchObject({ retryAfterMs: 5_000 });

    const refused = await failureOf(settled({ authToken: 'wrong-token' }).reconcile(attempt));
    expect(refused).toBeInstanceOf(ProviderConfigurationError);

    // Listing changes nothing on Twilio, so a failed list never leaves an unknown outcome.
    twilio.reply(502, '<html>Bad Gateway</html>');
    expect(await failureOf(settled().reconcile(attempt))).toMatchObject({ outcomeUnknown: false });
  });

  test("the attempt's start may come as the port's second argument instead", async () => {
    twilio.store({ to: SMS.to, body: SMS.body, createdAt: NOW - 3_600_000 });
    // Both shapes compile against the class (method parameters are bivariant); the second
    // is what a caller holding only the port would pass.
    const port: {
      reconcile(message: OutboundSms, attempt: { startedAt: Date }): Promise<SendOutcome | null>;
    } = settled();
    const careless: { reconcile(message: OutboundSms): Promise<SendOutcome | null> } = settled();

    expect(await port.reconcile(SMS, { startedAt: new Date(NOW) })).toBeNull();
    expect(await port.reconcile(SMS, { startedAt: new Date(NOW - 7_200_000) })).toMatchObject({
      status: 'accepted',
    });
    expect(await failureOf(careless.reconcile(SMS))).toBeInstanceOf(TypeError);
  });
});
