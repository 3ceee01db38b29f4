import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import express from 'express';
import { createMemoryReplayGuard } from '../../api/webhooks/replay-guard';
import { computeTwilioSignature } from '../../api/webhooks/twilio-signature';
import { createWebhooksRouter, webhookSecretsFromEnv } from '../../api/webhooks/webhooks-router';
import {
  expectProblem,
  fixtureText,
  startWebhookServer,
  TEST_SECRETS,
  type WebhookTestServer,
} from './webhook-test-server';

const ALL_PATHS = [
  '/webhooks/sendgrid',
  '/webhooks/twilio/sms',
  '/webhooks/twilio/status',
  '/webhooks/calcom',
  '/webhooks/calendly',
  '/webhooks/mailgun',
  '/webhooks/postmark',
];

const VARIABLES_BY_PATH: Record<string, string[]> = {
  '/webhooks/sendgrid': ['SENDGRID_WEBHOOK_PUBLIC_KEY'],
  '/webhooks/twilio/sms': ['TWILIO_AUTH_TOKEN', 'PUBLIC_BASE_URL'],
  '/webhooks/twilio/status': ['TWILIO_AUTH_TOKEN', 'PUBLIC_BASE_URL'],
  '/webhooks/calcom': ['CALCOM_WEBHOOK_SECRET'],
  '/webhooks/calendly': ['CALENDLY_WEBHOOK_SIGNING_KEY'],
  '/webhooks/mailgun': ['MAILGUN_WEBHOOK_SIGNING_KEY'],
  '/webhooks/postmark': ['POSTMARK_WEBHOOK_USER', 'POSTMARK_WEBHOOK_PASSWORD'],
};

/**
 * Sends headers announcing a large body and only a few bytes of it, and
 * resolves with the status as soon as a response arrives: an endpoint that
 * tried to read the body would never answer.
 */
function statusWithoutSendingTheBody(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, url);
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      // The server may close the connection after answering; that is fine once answered.
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    req.write('[{"partial": ');
    setTimeout(() => {
      reject(new Error(`no answer from ${path} without the body`));
    }, 5_000).unref();
  });
}

describe('webhooks router: unconfigured providers', () => {
  let server: WebhookTestServer;

  beforeAll(async () => {
    server = await startWebhookServer({ secrets: {} });
  });

  afterAll(async () => {
    await server.close();
  });

  test.each(ALL_PATHS)('%s answers 501 naming its variables, without reading the body', async (path) => {
    const { status, body } = await statusWithoutSendingTheBody(server.url, path);
    expect(status).toBe(501);
    const problem: unknown = JSON.parse(body);
    expect(problem).toMatchObject({
      type: 'https://durable-nurture.dev/problems/webhook-not-configured',
      status: 501,
      instance: path,
    });
    for (const variable of VARIABLES_BY_PATH[path] ?? []) {
      expect(JSON.stringify(problem)).toContain(variable);
    }
  });

  test('empty strings count as unset', () => {
    expect(
      webhookSecretsFromEnv({
        CALCOM_WEBHOOK_SECRET: '',
        MAILGUN_WEBHOOK_SIGNING_KEY: '  ',
        TWILIO_AUTH_TOKEN: 't',
      }),
    ).toEqual({
      sendgridPublicKey: undefined,
      twilioAuthToken: 't',
      publicBaseUrl: undefined,
      calcomSecret: undefined,
      calendlySigningKey: undefined,
      mailgunSigningKey: undefined,
      postmarkUser: undefined,
      postmarkPassword: undefined,
    });
  });
});

describe('webhooks router: wiring', () => {
  const deps = {
    ingest: () => Promise.resolve(),
    replayGuard: createMemoryReplayGuard(),
    now: () => Date.now(),
  };

  test('a malformed PUBLIC_BASE_URL or SendGrid key stops the start, naming the variable but not the value', () => {
    for (const publicBaseUrl of ['not a url', 'ftp://hooks.example.com', 'https://hooks.example.com/?a=1']) {
      expect(() => createWebhooksRouter({ ...deps, secrets: { ...TEST_SECRETS, publicBaseUrl } })).toThrow(
        /^PUBLIC_BASE_URL /,
      );
    }
    const secretLookingKey = 'c2VjcmV0LWxvb2tpbmc=';
    let error: unknown;
    try {
      createWebhooksRouter({ ...deps, secrets: { sendgridPublicKey: secretLookingKey } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(/SENDGRID_WEBHOOK_PUBLIC_KEY/);
    expect(String(error)).not.toContain(secretLookingKey);
  });

  test('PUBLIC_BASE_URL may carry a path prefix a proxy strips', async () => {
    const server = await startWebhookServer({
      secrets: { ...TEST_SECRETS, publicBaseUrl: 'https://example.com/nurture/' },
    });
    try {
      const params: [string, string][] = [
        ['MessageSid', 'SM1f0e8ae6ade43cb3c0ce4525424e404f'],
        ['From', '+14155550123'],
        ['Body', 'yes'],
      ];
      const signature = computeTwilioSignature(
        'twilio-test-auth-token',
        'https://example.com/nurture/webhooks/twilio/sms',
        params,
      );
      const response = await server.post('/webhooks/twilio/sms', new URLSearchParams(params).toString(), {
        'X-Twilio-Signature': signature,
      });
      expect(response.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  test('mounted after a JSON body parser, a JSON webhook is a 500 (wiring bug), never a verified re-serialised body', async () => {
    const server = await startWebhookServer({ before: (app) => app.use(express.json()) });
    try {
      const body = fixtureText('calcom-booking-created.json');
      const signature = createHmac('sha256', 'calcom-test-secret').update(body).digest('hex');
      const response = await server.post('/webhooks/calcom', body, {
        'content-type': 'application/json',
        'X-Cal-Signature-256': signature,
      });
      expectProblem(response, 500, 'internal-error');
      expect(server.ingested).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('a body over 1mb: 413 problem', async () => {
    const server = await startWebhookServer();
    try {
      const response = await server.post('/webhooks/calcom', Buffer.alloc(1024 * 1024 + 1, 0x20), {
        'content-type': 'application/json',
        'X-Cal-Signature-256': '0'.repeat(64),
      });
      expectProblem(response, 413, 'payload-too-large');
    } finally {
      await server.close();
    }
  });
});

describe('createMemoryReplayGuard', () => {
  test('binds a key to its first content until it expires', async () => {
    let now = 1_000;
    const guard = createMemoryReplayGuard({ now: () => now });
    expect(await guard.use('mailgun:t1', 'body-a', 2_000)).toBe('first');
    expect(await guard.use('mailgun:t1', 'body-a', 2_000)).toBe('same-content');
    expect(await guard.use('mailgun:t1', 'body-b', 2_000)).toBe('other-content');
    expect(await guard.use('calendly:t1', 'body-b', 2_000)).toBe('first');
    now = 2_000;
    expect(await guard.use('mailgun:t1', 'body-b', 3_000)).toBe('first');
  });

  test('is bounded: expired entries go first, then the one closest to expiry', async () => {
    let now = 0;
    const guard = createMemoryReplayGuard({ maxEntries: 2, now: () => now });
    await guard.use('a', 'x', 100);
    await guard.use('b', 'x', 500);
    now = 200;
    // Full: "a" has expired and makes room.
    await guard.use('c', 'x', 300);
    expect(await guard.use('b', 'y', 500)).toBe('other-content');
    expect(await guard.use('c', 'y', 300)).toBe('other-content');
    // Full with live entries: "c" (expiring soonest) is dropped for "d".
    await guard.use('d', 'x', 900);
    expect(await guard.use('b', 'y', 500)).toBe('other-content');
    expect(await guard.use('d', 'y', 900)).toBe('other-content');
    expect(await guard.use('c', 'y', 300)).toBe('first');
  });
});
