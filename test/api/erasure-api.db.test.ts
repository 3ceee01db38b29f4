import { hashEmail, hashPhone } from '../../activities/audiences/audience-identifiers';
import type { AudiencePlatform } from '../../activities/audiences/audience-platform';
import { runAudienceSyncOnce } from '../../activities/audiences/audience-sync';
import { contactHashes } from '../../api/erasure/contact-hash';
import { createLogger } from '../../config/logger';
import { uniqueLeadId } from '../support/builders';
import { eventually } from '../support/eventually';
import { startTestApi, type TestApi } from '../support/test-api';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

const harness = useTemporalHarness({ per: 'file' });
let db: TestDatabase;
let api: TestApi;

beforeAll(async () => {
  db = await openTestDatabase();
  const { taskQueue } = await harness.startWorker(db.prisma);
  api = await startTestApi({ prisma: db.prisma, temporal: harness.env.client, taskQueue });
});

afterAll(async () => {
  await api.close();
  await db.close();
});

async function call(method: string, path: string, body?: unknown, headers = api.auth) {
  const response = await fetch(`${api.base}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('DELETE /v1/leads/:id', () => {
  test('erases personal data everywhere, ends the nurture, and refuses the contact afterwards', async () => {
    const id = uniqueLeadId('erase');
    const email = `Erase.Me.${id}@Example.com`;
    const enrolled = await call('POST', '/v1/leads', {
      id,
      email,
      phone: '+14155550199',
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: 'Analytical Engines',
      consent: { email: true, sms: true },
    });
    expect(enrolled.status).toBe(201);
    const event = await call('POST', `/v1/leads/${id}/events`, {
      id: `reply-${id}`,
      type: 'email.replied',
      occurredAt: new Date().toISOString(),
      data: { text: 'Call me on +14155550199, Ada' },
    });
    expect(event.status).toBe(202);
    // The first touch goes out to the outbox, which keeps the rendered message.
    await eventually(
      () => db.prisma.touch.count({ where: { leadId: id } }),
      (n) => n > 0,
    );

    // The lead joined a retargeting audience, which was pushed to the platform; then it
    // moved on, and that move has not been pushed yet (the platform was backing off).
    const calls: { action: 'add' | 'remove'; audience: string; members: unknown[] }[] = [];
    const platform: AudiencePlatform = {
      name: `test-${id}`,
      maxBatchSize: 100,
      handles: () => true,
      addMembers: (audience, members) => {
        calls.push({ action: 'add', audience, members: [...members] });
        return Promise.resolve({ received: members.length, invalid: 0, rejected: [] });
      },
      removeMembers: (audience, members) => {
        calls.push({ action: 'remove', audience, members: [...members] });
        return Promise.resolve({ received: members.length, invalid: 0, rejected: [] });
      },
    };
    const sync = () =>
      runAudienceSyncOnce({ prisma: db.prisma, platforms: [platform], logger: createLogger('silent') });
    const joined = new Date();
    await db.prisma.audienceChange.create({
      data: {
        key: `${id}:test:join`,
        leadId: id,
        fromAudience: null,
        toAudience: 'nurture',
        changedAt: joined,
      },
    });
    await sync();
    expect(calls.map((c) => [c.action, c.audience])).toEqual([['add', 'nurture']]);
    await db.prisma.audienceChange.create({
      data: {
        key: `${id}:test:move`,
        leadId: id,
        fromAudience: 'nurture',
        toAudience: 'engaged',
        changedAt: new Date(joined.getTime() + 1),
      },
    });

    const reader = await api.keyWith(['read', 'enroll', 'events', 'handoff']);
    expect((await call('DELETE', `/v1/leads/${id}`, undefined, reader)).status).toBe(403);

    const erased = await call('DELETE', `/v1/leads/${id}`);
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ leadId: id, alreadyErased: false });

    const lead = await db.prisma.lead.findUniqueOrThrow({ where: { id } });
    expect(lead).toMatchObject({
      email: null,
      phone: null,
      firstName: null,
      lastName: null,
      company: null,
      emailDomain: '',
    });
    expect(lead.erasedAt).toBeInstanceOf(Date);
    const touches = await db.prisma.touch.findMany({ where: { leadId: id } });
    expect(
      await db.prisma.outboxMessage.count({ where: { touchKey: { in: touches.map((t) => t.key) } } }),
    ).toBe(0);
    const events = await db.prisma.event.findMany({ where: { leadId: id } });
    expect(events.map((e) => e.data)).toEqual([{}]);
    expect(await db.prisma.suppression.count({ where: { leadId: id, source: 'erasure' } })).toBe(1);
    const hashes = await db.prisma.erasedContact.findMany({ where: { leadId: id } });
    expect(hashes.map((h) => h.hash).sort()).toEqual(
      contactHashes({ email, phone: '+14155550199' })
        .map((h) => h.hash)
        .sort(),
    );
    const everything = JSON.stringify(await db.prisma.erasedContact.findMany());
    expect(everything.toLowerCase()).not.toContain('erase.me');

    // The nurture ended. The time-skipping server cannot delete executions: the answer and
    // the record say the history is retained (test/api/erasure-history.db.test.ts deletes it
    // on a dev server).
    expect(erased.body.history).toBe('retained');
    await expect(
      db.prisma.historyErasure.findUniqueOrThrow({ where: { workflowId: `nurture-${id}` } }),
    ).resolves.toMatchObject({ status: 'retained', detail: expect.stringContaining('retention') as unknown });
    const description = await harness.env.client.workflow
      .getHandle(`nurture-${id}`)
      .describe()
      .catch(() => null);
    expect(description === null || description.status.name === 'TERMINATED').toBe(true);

    // It leaves every audience on the platform, removed by the hashes taken before erasure,
    // and joins none: the pending move's remove goes out, its add does not.
    calls.length = 0;
    await sync();
    const member = { emailSha256: hashEmail(email), phoneSha256: hashPhone('+14155550199') };
    expect(calls.filter((c) => c.action === 'add')).toEqual([]);
    expect(calls.filter((c) => c.audience === 'nurture')).toEqual([
      { action: 'remove', audience: 'nurture', members: [member] },
    ]);

    expect((await call('GET', `/v1/leads/${id}`)).status).toBe(410);
    const again = await call('DELETE', `/v1/leads/${id}`);
    expect(again.body).toMatchObject({ alreadyErased: true });

    // Same person, new id, address typed differently: not enrolled by accident.
    const back = await call('POST', '/v1/leads', { id: uniqueLeadId('back'), email: email.toLowerCase() });
    expect(back.status).toBe(409);
    expect(back.type).toContain('application/problem+json');
    expect(back.body.type).toContain('contact-erased');
    expect(JSON.stringify(back.body)).not.toContain('erase.me');
    // The erased id itself is not reused either.
    expect((await call('POST', '/v1/leads', { id, email: 'someone.else@example.com' })).status).toBe(409);
  });

  test('an unknown lead is 404', async () => {
    expect((await call('DELETE', '/v1/leads/nobody-here')).status).toBe(404);
  });
});
