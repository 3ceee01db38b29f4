import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express, { type Express } from 'express';
import { createLogger } from '../../config/logger';
import { errorHandler } from '../../api/error-handler';
import {
  createMemoryReplayGuard,
  createWebhooksRouter,
  type ProviderEvent,
  type WebhookDeps,
  type WebhookSecrets,
} from '../../api/webhooks/webhooks-router';

/** The tests' clock: 2026-11-24T10:00:00Z. */
export const NOW = Date.parse('2026-11-24T10:00:00.000Z');
export const NOW_SECONDS = String(NOW / 1000);

export const PUBLIC_BASE_URL = 'https://hooks.example.com';

/** Every provider configured; the SendGrid key is set by the SendGrid tests (it needs a key pair). */
export const TEST_SECRETS: WebhookSecrets = {
  twilioAuthToken: 'twilio-test-auth-token',
  publicBaseUrl: PUBLIC_BASE_URL,
  calcomSecret: 'calcom-test-secret',
  calendlySigningKey: 'calendly-test-signing-key',
  mailgunSigningKey: 'mailgun-test-signing-key',
  postmarkUser: 'postmark-hooks',
  postmarkPassword: 'correct horse battery staple',
  sendgridInboundUser: 'sendgrid-inbound',
  sendgridInboundPassword: 'parse me gently',
  postmarkInboundUser: 'postmark-inbound',
  postmarkInboundPassword: 'inbound horse battery staple',
};

export interface TestResponse {
  status: number;
  contentType: string;
  headers: Headers;
  text: string;
  /** The body as JSON; fails the test if it is not. */
  json: () => Record<string, unknown>;
}

export interface WebhookTestServer {
  url: string;
  /** Every batch handed to ingest, in order. */
  ingested: ProviderEvent[][];
  clock: { now: number };
  post: (
    pathAndQuery: string,
    body: string | Buffer,
    headers?: Record<string, string>,
  ) => Promise<TestResponse>;
  close: () => Promise<void>;
}

export interface WebhookTestOptions {
  secrets?: WebhookSecrets;
  ingest?: WebhookDeps['ingest'];
  signatureMaxAgeMs?: WebhookDeps['signatureMaxAgeMs'];
  /** Runs on the bare app before the webhooks router (to test mounting mistakes). */
  before?: (app: Express) => void;
}

/** The router on a bare express app followed by the app's error handler, listening on a free port. */
export async function startWebhookServer(options: WebhookTestOptions = {}): Promise<WebhookTestServer> {
  const ingested: ProviderEvent[][] = [];
  const clock = { now: NOW };
  const app = express();
  options.before?.(app);
  app.use(
    createWebhooksRouter({
      secrets: options.secrets ?? TEST_SECRETS,
      ingest:
        options.ingest ??
        ((events) => {
          ingested.push(events);
          return Promise.resolve();
        }),
      replayGuard: createMemoryReplayGuard({ now: () => clock.now }),
      now: () => clock.now,
      ...(options.signatureMaxAgeMs === undefined ? {} : { signatureMaxAgeMs: options.signatureMaxAgeMs }),
    }),
  );
  app.use(errorHandler(createLogger('silent')));

  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => {
      resolve(listening);
    });
  });
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('the test server has no TCP address');
  const url = `http://127.0.0.1:${String(address.port)}`;

  return {
    url,
    ingested,
    clock,
    async post(pathAndQuery, body, headers = {}) {
      const response = await fetch(`${url}${pathAndQuery}`, { method: 'POST', body, headers });
      const text = await response.text();
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        headers: response.headers,
        text,
        json: () => {
          const parsed: unknown = JSON.parse(text);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
            throw new Error(`expected a JSON object, got: ${text}`);
          }
          return parsed as Record<string, unknown>;
        },
      };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'webhooks');

/** A fixture's exact bytes, as a provider would send them (pretty-printed and all). */
export function fixtureText(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

export function fixtureObject(name: string): Record<string, unknown> {
  return asRecord(JSON.parse(fixtureText(name)));
}

export function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('expected a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Asserts the RFC 9457 shape every error answer has, and returns the body. */
export function expectProblem(
  response: TestResponse,
  status: number,
  typeSlug: string,
): Record<string, unknown> {
  expect(response.status).toBe(status);
  expect(response.contentType).toMatch(/^application\/problem\+json/);
  const body = response.json();
  expect(body).toMatchObject({
    type: `https://durable-nurture.dev/problems/${typeSlug}`,
    status,
    title: expect.any(String),
  });
  return body;
}

export function failingIngest(): WebhookDeps['ingest'] {
  return () => Promise.reject(new Error('inbox unavailable'));
}
