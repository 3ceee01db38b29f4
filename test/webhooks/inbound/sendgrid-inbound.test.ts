import { touchKeyDigest } from '../../../activities/message-channels';
import {
  expectProblem,
  failingIngest,
  NOW,
  startWebhookServer,
  TEST_SECRETS,
  type WebhookTestServer,
} from '../webhook-test-server';
import {
  basicAuthorization,
  fixtureFields,
  multipartBody,
  SENDGRID_AUTH,
  TOUCH_KEY,
  urlencodedBody,
} from './inbound-bodies';

const PATH = '/webhooks/sendgrid/inbound';

let server: WebhookTestServer;

beforeEach(async () => {
  server = await startWebhookServer();
});

afterEach(async () => {
  await server.close();
});

function post(
  fields: Record<string, string | Buffer>,
  authorization = SENDGRID_AUTH,
  files: Parameters<typeof multipartBody>[1] = [],
) {
  const { body, contentType } = multipartBody(fields, files);
  return server.post(PATH, body, { 'content-type': contentType, authorization });
}

describe('SendGrid Inbound Parse: the documented multipart post', () => {
  test('a reply in our thread is an email.replied matched by In-Reply-To, then References, then the sender', async () => {
    const response = await post(fixtureFields('sendgrid-inbound.json'), SENDGRID_AUTH, [
      {
        field: 'attachment1',
        filename: 'notes.pdf',
        contentType: 'application/pdf',
        content: Buffer.alloc(4096, 7),
      },
    ]);
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ received: 1, ignored: 0 });
    expect(server.ingested.flat()).toEqual([
      {
        source: 'sendgrid',
        externalId: expect.stringMatching(/^reply:[0-9a-f]{40}$/),
        type: 'email.replied',
        occurredAt: new Date(NOW).toISOString(),
        match: {
          email: 'ada@example.com',
          // In-Reply-To's touch, then the References' other id of ours.
          threadDigests: [touchKeyDigest(TOUCH_KEY), 'ffffffffffffffffffffffffffffffff'],
        },
        data: {
          subject: 'Re: Welcome to Acme',
          text: expect.stringMatching(/^Thanks, I would like a demo next week\./),
          sender: 'ada@example.com',
        },
      },
    ]);
  });

  test('an out-of-office by its headers is flagged autoReply', async () => {
    const fields = fixtureFields('sendgrid-inbound.json');
    fields.headers = `Auto-Submitted: auto-replied\n${fields.headers ?? ''}`;
    expect((await post(fields)).status).toBe(200);
    expect(server.ingested.flat()[0]?.data.autoReply).toBe(true);
  });

  test('"send raw" mode: the whole MIME message is unpacked (multipart, quoted-printable, encoded words)', async () => {
    const raw = [
      'From: =?UTF-8?Q?Ad=C3=A1?= <ada@example.com>',
      'Subject: =?UTF-8?B?QWJ3ZXNlbmhlaXRzbm90aXo=?=',
      'In-Reply-To: <nurture.0123456789abcdef0123456789abcdef@acme.test>',
      'Message-ID: <raw-1@mail.example.com>',
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="alt"',
      '',
      '--alt',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Ich bin bis 14. Dezember nicht im B=C3=BCro.',
      '--alt',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Ich bin bis 14. Dezember nicht im B&uuml;ro.</p>',
      '--alt--',
      '',
    ].join('\r\n');
    expect((await post({ email: raw, to: 'team@inbound.acme.test' })).status).toBe(200);
    expect(server.ingested.flat()[0]).toMatchObject({
      match: { email: 'ada@example.com', threadDigests: ['0123456789abcdef0123456789abcdef'] },
      data: {
        subject: 'Abwesenheitsnotiz',
        text: expect.stringMatching(/^Ich bin bis 14\. Dezember nicht im Büro\./),
        autoReply: true,
      },
    });
  });

  test('fields in the charset SendGrid names in `charsets` (Outlook writes windows-1252)', async () => {
    const response = await post({
      from: 'ada@example.com',
      subject: Buffer.from('Abwesenheitsnotiz: Außer Haus', 'latin1'),
      text: Buffer.from('Ich bin ab 3. März wieder im Büro.', 'latin1'),
      headers: 'Message-ID: <cp1252@mail.test>\n',
      charsets: JSON.stringify({ subject: 'windows-1252', text: 'iso-8859-1', from: 'UTF-8' }),
    });
    expect(response.status).toBe(200);
    expect(server.ingested.flat()[0]?.data).toMatchObject({
      subject: 'Abwesenheitsnotiz: Außer Haus',
      text: 'Ich bin ab 3. März wieder im Büro.',
    });
  });

  test('UTF-8 without a `charsets` entry, and a part that names its own charset, read as they are', async () => {
    const { body, contentType } = multipartBody(
      { from: 'ada@example.com', subject: 'Réponse automatique', text: 'Je suis absente jusqu’au 5 mai.' },
      [],
      { text: 'text/plain; charset=utf-8' },
    );
    await server.post(PATH, body, { 'content-type': contentType, authorization: SENDGRID_AUTH });
    expect(server.ingested.flat()[0]?.data).toMatchObject({
      subject: 'Réponse automatique',
      text: 'Je suis absente jusqu’au 5 mai.',
    });
  });

  test('a redelivery maps to the same external id (the inbox stores it once)', async () => {
    const fields = fixtureFields('sendgrid-inbound.json');
    await post(fields);
    await post(fields);
    const [first, second] = server.ingested.flat();
    expect(first?.externalId).toBe(second?.externalId);
  });
});

describe('SendGrid Inbound Parse: refused', () => {
  test('without credentials: 401 with a Basic challenge, nothing ingested', async () => {
    const { body, contentType } = multipartBody(fixtureFields('sendgrid-inbound.json'));
    const response = await server.post(PATH, body, { 'content-type': contentType });
    expectProblem(response, 401, 'webhook-credentials-missing');
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="sendgrid-inbound"/);
    expect(server.ingested).toEqual([]);
  });

  test('with wrong credentials: 401', async () => {
    const wrong = basicAuthorization(TEST_SECRETS.sendgridInboundUser, 'guess');
    expectProblem(
      await post(fixtureFields('sendgrid-inbound.json'), wrong),
      401,
      'webhook-credentials-invalid',
    );
  });

  test('not a form: 415; a cut multipart body: 400 malformed-form', async () => {
    const json = await server.post(PATH, '{"from":"a@b.test"}', {
      'content-type': 'application/json',
      authorization: SENDGRID_AUTH,
    });
    expectProblem(json, 415, 'unsupported-media-type');
    const { body, contentType } = multipartBody(fixtureFields('sendgrid-inbound.json'));
    const cut = await server.post(PATH, body.subarray(0, body.length - 40), {
      'content-type': contentType,
      authorization: SENDGRID_AUTH,
    });
    expectProblem(cut, 400, 'malformed-form');
    expect(server.ingested).toEqual([]);
  });

  test('a form-urlencoded post is read too (busboy takes both)', async () => {
    const response = await server.post(
      PATH,
      urlencodedBody({ from: 'ada@example.com', subject: 'Hi', text: 'Yes' }),
      {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: SENDGRID_AUTH,
      },
    );
    expect(response.status).toBe(200);
  });

  test('the inbox failing is a 500 so SendGrid retries', async () => {
    await server.close();
    server = await startWebhookServer({ ingest: failingIngest() });
    expect((await post(fixtureFields('sendgrid-inbound.json'))).status).toBe(500);
  });

  test('unset credentials: 501 naming the variables', async () => {
    await server.close();
    server = await startWebhookServer({ secrets: { ...TEST_SECRETS, sendgridInboundPassword: undefined } });
    const problem = expectProblem(
      await post(fixtureFields('sendgrid-inbound.json')),
      501,
      'webhook-not-configured',
    );
    expect(problem.detail).toContain('SENDGRID_INBOUND_PASSWORD');
  });
});
