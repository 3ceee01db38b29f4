import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { unsubscribeToken, unsubscribeUrl } from '../../activities/unsubscribe-link';
import { errorHandler, notFoundHandler } from '../../api/error-handler';
import { UNSUBSCRIBE_EVENT_SOURCE, unsubscribeRouter } from '../../api/routes/unsubscribe';
import { createLogger } from '../../config/logger';
import { PlanCatalog } from '../../plans/plan-catalog';
import { debugFullStateQuery, nurtureStateQuery } from '../../workflows/definitions';
import { workflowIdForLead } from '../../workflows/ids';
import { insertLead } from '../support/builders';
import { eventually } from '../support/eventually';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

const SECRET = 'unsubscribe-api-test-secret-0123456789';

const harness = useTemporalHarness({ per: 'file' });
let db: TestDatabase;
let taskQueue: string;
let server: Server;
let base: string;

/**
 * The router on a bare app with the real error mapper: what createApp will
 * mount, without depending on it being mounted there yet.
 */
function startApp(): Promise<Server> {
  const logger = createLogger(process.env.TEST_LOG ?? 'silent');
  const app = express();
  app.use(
    unsubscribeRouter({
      prisma: db.prisma,
      temporal: harness.env.client,
      logger,
      plans: PlanCatalog.load(),
      unsubscribeSecret: SECRET,
    }),
  );
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  const listening = app.listen(0, '127.0.0.1');
  return new Promise((resolve) =>
    listening.once('listening', () => {
      resolve(listening);
    }),
  );
}

beforeAll(async () => {
  db = await openTestDatabase();
  ({ taskQueue } = await harness.startWorker(db.prisma));
  server = await startApp();
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  await db.close();
});

async function startNurture(email: string) {
  const input = await insertLead(db.prisma, { email });
  const handle = await harness.env.client.workflow.start('nurtureWorkflow', {
    taskQueue,
    workflowId: workflowIdForLead(input.leadId),
    args: [input],
  });
  await eventually(
    () => handle.query(nurtureStateQuery),
    (s) => s.phase === 'awaiting-open',
  );
  const touch = await db.prisma.touch.findFirstOrThrow({ where: { leadId: input.leadId } });
  return { leadId: input.leadId, touchKey: touch.key, handle };
}

function linkFor(leadId: string, touchKey: string): string {
  return unsubscribeUrl(base, SECRET, { leadId, touchKey });
}

/** What a mailbox sends for RFC 8058 one-click. */
function oneClick(url: string, init: { accept?: string } = {}) {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(init.accept === undefined ? {} : { accept: init.accept }),
    },
    body: 'List-Unsubscribe=One-Click',
  });
}

async function recorded(leadId: string) {
  const [events, consents] = await Promise.all([
    db.prisma.event.findMany({ where: { leadId, source: UNSUBSCRIBE_EVENT_SOURCE } }),
    db.prisma.consentChange.findMany({ where: { leadId, key: { startsWith: 'unsubscribe:' } } }),
  ]);
  return { events, consents };
}

describe('one-click unsubscribe', () => {
  test('GET shows a confirmation page that POSTs, and never unsubscribes', async () => {
    const { leadId, touchKey } = await startNurture(`get-${String(Date.now())}@example.com`);
    const url = linkFor(leadId, touchKey);
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await response.text();
      expect(html).toMatch(/<form method="post">/);
      expect(html).not.toContain('@example.com');
    }
    expect(await recorded(leadId)).toEqual({ events: [], consents: [] });
    expect(await db.prisma.consentChange.count({ where: { leadId, granted: false } })).toBe(0);
  });

  test('a one-click POST records one event and one consent change, even when posted twice, and the workflow applies it', async () => {
    const { leadId, touchKey, handle } = await startNurture(`click-${String(Date.now())}@example.com`);
    const url = linkFor(leadId, touchKey);
    const first = await oneClick(url);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('Unsubscribed');
    expect((await oneClick(url)).status).toBe(200);

    const { events, consents } = await recorded(leadId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'email.unsubscribed',
      data: { source: 'list-unsubscribe', touchKey, channel: 'email' },
    });
    expect(events[0]?.signaledAt).not.toBeNull();
    expect(consents).toHaveLength(1);
    expect(consents[0]).toMatchObject({ channel: 'email', granted: false, source: 'list-unsubscribe' });

    const state = await eventually(
      () => handle.query(debugFullStateQuery),
      (s) => s.emailBlocked === 'unsubscribed',
    );
    expect(state.seenEventIds).toContain(`${UNSUBSCRIBE_EVENT_SOURCE}:${events[0]?.externalId ?? ''}`);
  });

  test('the page’s button (a form POST without the one-click field) records the unsubscribe as from the page', async () => {
    const { leadId, touchKey } = await startNurture(`page-${String(Date.now())}@example.com`);
    const response = await fetch(linkFor(leadId, touchKey), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: 'confirm=unsubscribe',
    });
    expect(response.status).toBe(200);
    const { events, consents } = await recorded(leadId);
    expect(events).toHaveLength(1);
    expect(consents.map((c) => c.source)).toEqual(['unsubscribe-page']);
  });

  test('a multipart one-click body (RFC 8058 allows it) counts as one-click', async () => {
    const { leadId, touchKey } = await startNurture(`multipart-${String(Date.now())}@example.com`);
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    expect((await fetch(linkFor(leadId, touchKey), { method: 'POST', body: form })).status).toBe(200);
    expect((await recorded(leadId)).consents.map((c) => c.source)).toEqual(['list-unsubscribe']);
  });

  test('a forged token is 404 and a mangled one 400 (HTML for browsers, problem+json on request), never a 500, and records nothing', async () => {
    const { leadId, touchKey } = await startNurture(`forged-${String(Date.now())}@example.com`);
    const forged = `${base}/u/${unsubscribeToken('not-our-secret-not-our-secret', { leadId, touchKey })}`;
    const page = await oneClick(forged);
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');

    const problem = await oneClick(forged, { accept: 'application/json' });
    expect(problem.status).toBe(404);
    expect(problem.headers.get('content-type')).toContain('application/problem+json');
    expect(await problem.json()).toMatchObject({ status: 404, title: 'Unknown unsubscribe link' });

    const cutShort = await oneClick(linkFor(leadId, touchKey).slice(0, -3), { accept: 'application/json' });
    expect(cutShort.status).toBe(400);
    expect(await cutShort.json()).toMatchObject({ status: 400, title: 'Invalid unsubscribe link' });

    const valid = linkFor(leadId, touchKey);
    for (const mangled of [
      valid.slice(0, -3),
      `${valid}x`,
      `${base}/u/%E0%A4%A`,
      `${base}/u/${'a'.repeat(4000)}`,
    ]) {
      const response = await fetch(mangled, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
    expect((await fetch(forged)).status).toBe(404);
    expect(await recorded(leadId)).toEqual({ events: [], consents: [] });
  });

  test('after the person opts in again, the same old link unsubscribes again (a new event, not a duplicate)', async () => {
    const { leadId, touchKey } = await startNurture(`again-${String(Date.now())}@example.com`);
    const url = linkFor(leadId, touchKey);
    expect((await oneClick(url)).status).toBe(200);
    await db.prisma.consentChange.create({
      data: { leadId, channel: 'email', granted: true, source: 'preference centre', occurredAt: new Date() },
    });
    expect((await oneClick(url)).status).toBe(200);
    expect((await oneClick(url)).status).toBe(200);
    const { events, consents } = await recorded(leadId);
    expect(events).toHaveLength(2);
    expect(consents).toHaveLength(2);
  });

  test('a link for a lead that no longer exists answers 200 and records nothing', async () => {
    const response = await oneClick(
      linkFor('lead-that-was-deleted', 'nurture-lead-that-was-deleted:v1:welcome:email:a'),
    );
    expect(response.status).toBe(200);
    expect(await db.prisma.event.count({ where: { leadId: 'lead-that-was-deleted' } })).toBe(0);
  });
});
