import { touchKeyDigest } from '../../../activities/message-channels';
import {
  expectProblem,
  NOW_SECONDS,
  startWebhookServer,
  TEST_SECRETS,
  type WebhookTestServer,
} from '../webhook-test-server';
import {
  fixtureFields,
  fixtureReplyEvent,
  mailgunSignatureFields,
  MINTED_ID,
  multipartBody,
  TOUCH_KEY,
  urlencodedBody,
} from './inbound-bodies';

const PATH = '/webhooks/mailgun/inbound';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let server: WebhookTestServer;

beforeEach(async () => {
  server = await startWebhookServer();
});

afterEach(async () => {
  await server.close();
});

/** The documented route forward with a fresh signature computed as Mailgun computes it. */
function signedFields(over: Record<string, string> = {}): Record<string, string> {
  return { ...fixtureFields('mailgun-inbound.json'), ...mailgunSignatureFields(), ...over };
}

describe('Mailgun routes: forward() of a received mail', () => {
  test('form-urlencoded: an email.replied from the stripped text, matched by In-Reply-To and the sender', async () => {
    const response = await server.post(PATH, urlencodedBody(signedFields()), FORM);
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ received: 1, ignored: 0 });
    expect(server.ingested.flat()).toEqual([fixtureReplyEvent('mailgun')]);
  });

  test('UTF-8 text survives the form encoding', async () => {
    const fields = signedFields({
      subject: 'Réponse automatique : absente',
      'stripped-text': 'De retour le 5 mai – merci.',
    });
    expect((await server.post(PATH, urlencodedBody(fields), FORM)).status).toBe(200);
    expect(server.ingested.flat()[0]?.data).toMatchObject({
      subject: 'Réponse automatique : absente',
      text: 'De retour le 5 mai – merci.',
    });
  });

  test('multipart, as Mailgun posts a mail with attachments', async () => {
    const { body, contentType } = multipartBody(signedFields(), [
      { field: 'attachment-1', filename: 'a.png', contentType: 'image/png', content: Buffer.alloc(2048, 1) },
    ]);
    expect((await server.post(PATH, body, { 'content-type': contentType })).status).toBe(200);
    expect(server.ingested.flat()[0]?.type).toBe('email.replied');
  });

  test('a forward to a URL ending in "mime": the raw message in body-mime is read', async () => {
    const mime = [
      'From: Ada <ada@example.com>',
      'Subject: Re: Welcome to Acme',
      `References: ${MINTED_ID}`,
      'Message-ID: <mime-1@mail.example.com>',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('Très bien, merci.', 'latin1').toString('base64'),
      '',
    ].join('\r\n');
    const fields = { recipient: 'team@inbound.acme.test', 'body-mime': mime, ...mailgunSignatureFields() };
    expect((await server.post(PATH, urlencodedBody(fields), FORM)).status).toBe(200);
    expect(server.ingested.flat()[0]).toMatchObject({
      match: { email: 'ada@example.com', threadDigests: [touchKeyDigest(TOUCH_KEY)] },
      data: { subject: 'Re: Welcome to Acme', text: expect.stringMatching(/^Très bien, merci\./) },
    });
  });

  test('message-headers with X-Autoreply flag an automatic answer', async () => {
    const headers = JSON.stringify([
      ['X-Autoreply', 'yes'],
      ['Subject', 'Out of office'],
    ]);
    const response = await server.post(
      PATH,
      urlencodedBody(signedFields({ 'message-headers': headers })),
      FORM,
    );
    expect(response.status).toBe(200);
    expect(server.ingested.flat()[0]?.data.autoReply).toBe(true);
  });

  test('authentic but with unreadable message-headers: 400 with issues', async () => {
    const response = await server.post(
      PATH,
      urlencodedBody(signedFields({ 'message-headers': '{oops' })),
      FORM,
    );
    expectProblem(response, 400, 'validation-error');
  });
});

describe('Mailgun routes: the signature', () => {
  test('no signature fields, or no form at all: 401 missing', async () => {
    const { timestamp, token } = mailgunSignatureFields();
    // The fixture's own placeholder signature field is left out too.
    const unsigned = Object.fromEntries(
      Object.entries({ ...fixtureFields('mailgun-inbound.json'), timestamp, token }).filter(
        ([name]) => name !== 'signature',
      ),
    );
    expectProblem(await server.post(PATH, urlencodedBody(unsigned), FORM), 401, 'webhook-signature-missing');
    expectProblem(
      await server.post(PATH, '{}', { 'content-type': 'application/json' }),
      401,
      'webhook-signature-missing',
    );
  });

  test('signed with another key: 401 invalid', async () => {
    const forged = mailgunSignatureFields(NOW_SECONDS, 'token-1', 'not-the-key');
    expectProblem(
      await server.post(PATH, urlencodedBody(signedFields(forged)), FORM),
      401,
      'webhook-signature-invalid',
    );
    expect(server.ingested).toEqual([]);
  });

  test('signed more than five minutes ago: 401 stale', async () => {
    const old = mailgunSignatureFields(String(Number(NOW_SECONDS) - 301));
    expectProblem(
      await server.post(PATH, urlencodedBody(signedFields(old)), FORM),
      401,
      'webhook-signature-stale',
    );
  });

  test('the same token on the same bytes is a redelivery (200); on another body a replay (403)', async () => {
    const fields = signedFields();
    expect((await server.post(PATH, urlencodedBody(fields), FORM)).status).toBe(200);
    expect((await server.post(PATH, urlencodedBody(fields), FORM)).status).toBe(200);
    const other = urlencodedBody({ ...fields, subject: 'Re: forged' });
    expectProblem(await server.post(PATH, other, FORM), 403, 'webhook-signature-replayed');
  });

  test('unset signing key: 501 naming it', async () => {
    await server.close();
    server = await startWebhookServer({ secrets: { ...TEST_SECRETS, mailgunSigningKey: undefined } });
    const problem = expectProblem(
      await server.post(PATH, urlencodedBody(signedFields()), FORM),
      501,
      'webhook-not-configured',
    );
    expect(problem.detail).toContain('MAILGUN_WEBHOOK_SIGNING_KEY');
  });
});
