import fc from 'fast-check';
import { MAX_REPLY_TEXT_CHARS } from '../../../api/webhooks/inbound/mail-text';
import { startWebhookServer, type TestResponse, type WebhookTestServer } from '../webhook-test-server';
import {
  fixtureFields,
  mailgunSignatureFields,
  multipartBody,
  POSTMARK_AUTH,
  SENDGRID_AUTH,
  urlencodedBody,
} from './inbound-bodies';

/**
 * Whatever reaches an inbound mail endpoint (random bytes under any content
 * type, forms of random fields, documented payloads with fields replaced,
 * authenticated or not), it never answers 5xx, every error is problem+json,
 * and what reaches ingest is a well-formed email.replied without a body
 * beyond the cap.
 */

const PATHS = [
  '/webhooks/sendgrid/inbound',
  '/webhooks/mailgun/inbound',
  '/webhooks/postmark/inbound',
] as const;

const FIELD_NAMES = [
  'from',
  'sender',
  'subject',
  'text',
  'html',
  'headers',
  'email',
  'body-plain',
  'stripped-text',
  'body-html',
  'message-headers',
  'body-mime',
  'Message-Id',
  'In-Reply-To',
  'References',
  'x',
];

const fieldValue = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.constantFrom(
    '<nurture.0123456789abcdef0123456789abcdef@acme.test>',
    'Auto-Submitted: auto-replied\nIn-Reply-To: <a@b>',
    '[["X-Autoreply","yes"]]',
    '[["a"]]',
    '=?UTF-8?B?@@@?=',
    'a@b',
    '',
    'From: a@b\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@',
    'Content-Type: text/plain; charset=x-nope\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=',
  ),
);

const randomFields = fc.dictionary(fc.constantFrom(...FIELD_NAMES), fieldValue, { maxKeys: 8 });

const contentType = fc.oneof(
  fc.constantFrom(
    'multipart/form-data',
    'multipart/form-data; boundary=',
    'multipart/form-data; boundary=xYzZY',
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=x-unknown',
    'application/json',
    'text/plain',
  ),
  fc.stringMatching(/^[\x21-\x7e]{0,40}$/),
);

const postmarkShaped = fc.record(
  {
    From: fc.oneof(fc.emailAddress(), fc.string(), fc.constant(null)),
    FromFull: fc.oneof(fc.record({ Email: fc.oneof(fc.string(), fc.integer()) }), fc.jsonValue()),
    Subject: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    TextBody: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(null)),
    HtmlBody: fc.oneof(fc.string({ maxLength: 300 }), fc.boolean()),
    StrippedTextReply: fc.oneof(fc.string(), fc.constant(null)),
    MessageID: fc.oneof(fc.uuid(), fc.integer()),
    Headers: fc.oneof(
      fc.array(fc.record({ Name: fc.constantFrom(...FIELD_NAMES, 'Auto-Submitted'), Value: fieldValue })),
      fc.jsonValue(),
    ),
  },
  { requiredKeys: [] },
);

type Request = { path: (typeof PATHS)[number]; body: string | Buffer; headers: Record<string, string> };

const authFor = (path: Request['path']): Record<string, string> =>
  path === '/webhooks/postmark/inbound'
    ? { authorization: POSTMARK_AUTH }
    : path === '/webhooks/sendgrid/inbound'
      ? { authorization: SENDGRID_AUTH }
      : {};

const anyRequest: fc.Arbitrary<Request> = fc.oneof(
  // Anything at all.
  fc.record({
    path: fc.constantFrom(...PATHS),
    body: fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    ),
    headers: fc.record({ 'content-type': contentType }, { requiredKeys: [] }),
  }),
  // Authenticated random forms, multipart or urlencoded, signed for Mailgun.
  fc
    .tuple(fc.constantFrom(...PATHS), randomFields, fc.boolean(), fc.boolean())
    .map(([path, fields, multipart, documented]): Request => {
      const base = documented
        ? { ...fixtureFields(path.includes('mailgun') ? 'mailgun-inbound.json' : 'sendgrid-inbound.json') }
        : {};
      const all = { ...base, ...fields, ...mailgunSignatureFields() };
      if (multipart) {
        const { body, contentType: type } = multipartBody(all);
        return { path, body, headers: { 'content-type': type, ...authFor(path) } };
      }
      return {
        path,
        body: urlencodedBody(all),
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...authFor(path) },
      };
    }),
  // Authenticated Postmark-shaped JSON.
  postmarkShaped.map((record): Request => ({
    path: '/webhooks/postmark/inbound',
    body: JSON.stringify(record),
    headers: { 'content-type': 'application/json', authorization: POSTMARK_AUTH },
  })),
);

let server: WebhookTestServer;

beforeAll(async () => {
  server = await startWebhookServer();
});

afterAll(async () => {
  await server.close();
});

function expectWellFormedAnswer(response: TestResponse): void {
  expect(response.status).toBeLessThan(500);
  if (response.status >= 400) expect(response.contentType).toMatch(/^application\/problem\+json/);
}

test('no inbound payload yields a 5xx, and every ingested event is a bounded email.replied', async () => {
  await fc.assert(
    fc.asyncProperty(anyRequest, async (request) => {
      const before = server.ingested.length;
      expectWellFormedAnswer(await server.post(request.path, request.body, request.headers));
      for (const event of server.ingested.slice(before).flat()) {
        expect(event.type).toBe('email.replied');
        expect(event.externalId).toMatch(/^reply:[0-9a-f]{40}$/);
        const text = event.data.text;
        expect(typeof text === 'string' && text.length <= MAX_REPLY_TEXT_CHARS).toBe(true);
        for (const value of Object.values(event.data)) expect(typeof value).not.toBe('object');
      }
    }),
    { numRuns: 300 },
  );
});
