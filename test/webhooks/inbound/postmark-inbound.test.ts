import { touchKeyDigest } from '../../../activities/message-channels';
import {
  asRecord,
  expectProblem,
  fixtureText,
  startWebhookServer,
  TEST_SECRETS,
  type WebhookTestServer,
} from '../webhook-test-server';
import {
  basicAuthorization,
  fixtureReplyEvent,
  FIXTURE_THREAD_ID,
  MINTED_ID,
  POSTMARK_AUTH,
  TOUCH_KEY,
} from './inbound-bodies';

const PATH = '/webhooks/postmark/inbound';
const JSON_AUTH = { 'content-type': 'application/json', authorization: POSTMARK_AUTH };

let server: WebhookTestServer;

beforeEach(async () => {
  server = await startWebhookServer();
});

afterEach(async () => {
  await server.close();
});

/** The documented inbound JSON with its thread pointing at a touch of ours, and changes. */
function inbound(change: (record: Record<string, unknown>) => void = () => undefined): string {
  const record = asRecord(
    JSON.parse(fixtureText('postmark-inbound.json').replaceAll(FIXTURE_THREAD_ID, MINTED_ID)),
  );
  change(record);
  return JSON.stringify(record);
}

describe('Postmark inbound: the documented JSON', () => {
  test('an email.replied from StrippedTextReply, matched by In-Reply-To and FromFull', async () => {
    const response = await server.post(PATH, inbound(), JSON_AUTH);
    expect(response.status).toBe(200);
    expect(server.ingested.flat()).toEqual([fixtureReplyEvent('postmark')]);
  });

  test('a reply from someone else in the thread keeps the thread and the new sender', async () => {
    await server.post(
      PATH,
      inbound((record) => {
        record.FromFull = { Email: 'assistant@example.com', Name: 'PA' };
      }),
      JSON_AUTH,
    );
    expect(server.ingested.flat()[0]?.match).toEqual({
      email: 'assistant@example.com',
      threadDigests: [touchKeyDigest(TOUCH_KEY)],
    });
  });

  test('a reply outside any thread of ours is matched by its sender only', async () => {
    await server.post(
      PATH,
      inbound((record) => {
        record.Headers = [];
      }),
      JSON_AUTH,
    );
    expect(server.ingested.flat()[0]?.match).toEqual({ email: 'ada@example.com' });
  });

  test.each([
    ['Auto-Submitted', 'auto-replied'],
    ['Precedence', 'bulk'],
    ['X-Autorespond', 'yes'],
  ])('%s: %s flags an automatic answer', async (name, value) => {
    await server.post(
      PATH,
      inbound((record) => {
        record.Headers = [{ Name: name, Value: value }];
      }),
      JSON_AUTH,
    );
    expect(server.ingested.flat()[0]?.data.autoReply).toBe(true);
  });

  test('a field of the wrong type: 400 with issues, never the values', async () => {
    const response = await server.post(
      PATH,
      inbound((record) => {
        record.Headers = 'X-Autoreply: yes';
      }),
      JSON_AUTH,
    );
    const problem = expectProblem(response, 400, 'validation-error');
    expect(JSON.stringify(problem)).not.toContain('X-Autoreply');
  });
});

describe('Postmark inbound: credentials', () => {
  test('missing: 401 with a Basic challenge; wrong: 401; the event webhook credentials do not open it', async () => {
    const missing = await server.post(PATH, inbound(), { 'content-type': 'application/json' });
    expectProblem(missing, 401, 'webhook-credentials-missing');
    expect(missing.headers.get('www-authenticate')).toMatch(/^Basic realm="postmark-inbound"/);
    const eventHookCredentials = basicAuthorization(TEST_SECRETS.postmarkUser, TEST_SECRETS.postmarkPassword);
    expectProblem(
      await server.post(PATH, inbound(), {
        'content-type': 'application/json',
        authorization: eventHookCredentials,
      }),
      401,
      'webhook-credentials-invalid',
    );
    expect(server.ingested).toEqual([]);
  });

  test('authentic but not JSON: 400 malformed-json', async () => {
    expectProblem(await server.post(PATH, 'From=ada', JSON_AUTH), 400, 'malformed-json');
  });

  test('unset: 501 naming the variables', async () => {
    await server.close();
    server = await startWebhookServer({ secrets: { ...TEST_SECRETS, postmarkInboundUser: undefined } });
    const problem = expectProblem(
      await server.post(PATH, inbound(), JSON_AUTH),
      501,
      'webhook-not-configured',
    );
    expect(problem.detail).toContain('POSTMARK_INBOUND_USER');
  });
});
