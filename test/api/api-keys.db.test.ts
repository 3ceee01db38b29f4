import { createApiKey, listApiKeys, revokeApiKey, verifyApiKey } from '../../api/auth/api-key-store';
import { uniqueLeadId } from '../support/builders';
import { startTestApi, type TestApi } from '../support/test-api';
import { useTemporalHarness } from '../support/temporal-harness';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

const harness = useTemporalHarness({ per: 'file' });
let db: TestDatabase;
let api: TestApi;
let limited: TestApi;

beforeAll(async () => {
  db = await openTestDatabase();
  const common = { prisma: db.prisma, temporal: harness.env.client, taskQueue: 'unused' };
  api = await startTestApi(common);
  limited = await startTestApi({ ...common, overrides: { rateLimitPerMinute: 3 } });
});

afterAll(async () => {
  await api.close();
  await limited.close();
  await db.close();
});

async function get(path: string, headers: Record<string, string> = {}, on: TestApi = api) {
  const response = await fetch(`${on.base}${path}`, { headers });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('API keys', () => {
  test('no key, a malformed key, an unknown key and a wrong secret are 401 problems', async () => {
    const { token } = await createApiKey(db.prisma, { name: 'reader', scopes: ['read'] });
    const wrongSecret = `${token.slice(0, -4)}AAAA`;
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nope' },
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: 'Bearer dn_AAAAAAAAAAAA_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
      { authorization: `Bearer ${wrongSecret}` },
      { 'x-api-key': wrongSecret },
    ];
    for (const headers of attempts) {
      const reply = await get('/v1/plans', headers);
      expect(reply.status).toBe(401);
      expect(reply.type).toContain('application/problem+json');
      expect(reply.headers.get('www-authenticate')).toContain('Bearer');
    }
    expect((await get('/v1/plans', { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await get('/v1/plans', { 'x-api-key': token })).status).toBe(200);
  });

  test('a key without the scope a route needs is 403; admin may do everything', async () => {
    const enrollOnly = await api.keyWith(['enroll']);
    const reply = await get('/v1/plans', enrollOnly);
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({ type: expect.stringContaining('insufficient-scope') as unknown });
    expect(reply.body.detail).toContain('"read"');
    expect((await get('/v1/plans', api.auth)).status).toBe(200);
  });

  test('health checks and webhooks need no key', async () => {
    expect((await fetch(`${api.base}/healthz`)).status).toBe(200);
    // Not configured: 501, but not 401.
    expect((await fetch(`${api.base}/webhooks/calcom`, { method: 'POST', body: '{}' })).status).toBe(501);
  });

  test('only a hash is stored; a revoked key stops working at once; use is recorded', async () => {
    const { key, token } = await createApiKey(db.prisma, { name: 'to revoke', scopes: ['read'] });
    const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token.split('_').pop());
    expect(row.lastUsedAt).toBeNull();

    expect((await get('/v1/plans', { authorization: `Bearer ${token}` })).status).toBe(200);
    const used = (await listApiKeys(db.prisma)).find((k) => k.id === key.id);
    expect(used?.lastUsedAt).toBeInstanceOf(Date);

    expect(await revokeApiKey(db.prisma, token)).toBe(true);
    expect(await revokeApiKey(db.prisma, key.id)).toBe(false);
    expect(await verifyApiKey(db.prisma, token)).toBeNull();
    expect((await get('/v1/plans', { authorization: `Bearer ${token}` })).status).toBe(401);
  });
});

describe('failed authentication', () => {
  async function freshApi(overrides: Parameters<typeof startTestApi>[0]['overrides'] = {}) {
    return startTestApi({ prisma: db.prisma, temporal: harness.env.client, taskQueue: 'unused', overrides });
  }

  test('an address that keeps presenting wrong keys is told to wait (429), counted on 401s only', async () => {
    const guessing = await freshApi();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 60; i += 1) {
        statuses.push((await get('/v1/plans', { authorization: 'Bearer dn_wrong' }, guessing)).status);
      }
      expect(statuses.every((s) => s === 401)).toBe(true);
      // The 61st is refused before its key is even looked up.
      const blocked = await get('/v1/plans', { authorization: 'Bearer dn_wrong' }, guessing);
      expect(blocked.status).toBe(429);
      expect(blocked.type).toContain('application/problem+json');
      expect(blocked.body.type).toContain('too-many-failed-authentications');
      const retryAfter = Number(blocked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    } finally {
      await guessing.close();
    }
  });

  test('successful requests do not count towards it', async () => {
    const busy = await freshApi();
    try {
      for (let i = 0; i < 70; i += 1) expect((await get('/v1/plans', busy.auth, busy)).status).toBe(200);
    } finally {
      await busy.close();
    }
  });

  test('200 concurrent valid enrollments from one address are never counted as failures', async () => {
    const burst = await freshApi();
    try {
      const enroll = await burst.keyWith(['enroll']);
      const statuses = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const response = await fetch(`${burst.base}/v1/leads`, {
            method: 'POST',
            headers: { ...enroll, 'content-type': 'application/json' },
            body: JSON.stringify({
              id: uniqueLeadId(`burst${String(i)}`),
              email: `burst${String(i)}@example.com`,
            }),
          });
          const body = (await response.json()) as { type?: string };
          return `${String(response.status)} ${body.type ?? ''}`;
        }),
      );
      expect(statuses.filter((s) => s.includes('too-many-failed-authentications'))).toEqual([]);
      // Authentication is all this test is about: whatever else a loaded database answers
      // (the enrollment's own limits are tested with enrollment), no request was refused for its key.
      expect(statuses.filter((s) => s.startsWith('401') || s.startsWith('429'))).toEqual([]);
      expect(statuses.filter((s) => s.startsWith('201')).length).toBeGreaterThan(0);
      // And the address is still in good standing afterwards.
      expect((await get('/v1/plans', burst.auth, burst)).status).toBe(200);
    } finally {
      await burst.close();
    }
  });

  test("one address's failures do not block another address's valid requests", async () => {
    // Behind a proxy on loopback, X-Forwarded-For is the client's address.
    const proxied = await freshApi({ trustProxy: 'loopback' });
    try {
      const attacker = { 'x-forwarded-for': '203.0.113.9' };
      for (let i = 0; i < 61; i += 1) {
        await get('/v1/plans', { ...attacker, authorization: 'Bearer dn_wrong' }, proxied);
      }
      expect((await get('/v1/plans', { ...attacker, ...proxied.auth }, proxied)).status).toBe(429);
      expect(
        (await get('/v1/plans', { 'x-forwarded-for': '198.51.100.4', ...proxied.auth }, proxied)).status,
      ).toBe(200);
      expect((await get('/v1/plans', proxied.auth, proxied)).status).toBe(200);
    } finally {
      await proxied.close();
    }
  });
});

describe('rate limiting per key', () => {
  test('past the limit a key gets 429 with Retry-After, while another key is unaffected', async () => {
    const noisy = await limited.keyWith(['read']);
    const quiet = await limited.keyWith(['read']);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof get>> | undefined;
    for (let i = 0; i < 5; i += 1) {
      last = await get('/v1/plans', noisy, limited);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(last?.type).toContain('application/problem+json');
    const retryAfter = Number(last?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await get('/v1/plans', quiet, limited)).status).toBe(200);
  });
});
