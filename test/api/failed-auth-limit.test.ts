import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { failedAuthLimit } from '../../api/auth/failed-auth-limit';
import { errorHandler } from '../../api/error-handler';
import { createLogger } from '../../config/logger';

/**
 * The limit on a real server with a clock the test moves: `POST /fail` is a
 * failed authentication, `GET /ok` any other request. X-Forwarded-For is the
 * client's address (trusted from loopback).
 */
let now = 0;
let server: Server;
let base: string;
let limit: ReturnType<typeof failedAuthLimit>;

function start(perMinute: number): Promise<void> {
  now = 0;
  limit = failedAuthLimit({ perMinute, now: () => now });
  const app = express();
  app.set('trust proxy', 'loopback');
  app.use(limit.guard);
  app.post('/fail', (req, res) => {
    limit.recordFailure(req);
    res.status(401).end();
  });
  app.get('/ok', (_req, res) => {
    res.status(200).end();
  });
  app.use(errorHandler(createLogger('silent')));
  server = app.listen(0, '127.0.0.1');
  return new Promise((resolve) => {
    server.once('listening', () => {
      base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
      resolve();
    });
  });
}

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function hit(method: 'GET' | 'POST', from: string): Promise<number | string> {
  const response = await fetch(`${base}${method === 'GET' ? '/ok' : '/fail'}`, {
    method,
    headers: { 'x-forwarded-for': from },
  });
  await response.arrayBuffer();
  return response.status === 429
    ? `429 after ${String(response.headers.get('retry-after'))}`
    : response.status;
}

describe('failedAuthLimit', () => {
  test('counts failures only when recorded, refuses past the limit, and forgets after the window', async () => {
    await start(3);
    for (let i = 0; i < 20; i += 1) expect(await hit('GET', '192.0.2.1')).toBe(200);
    for (let i = 0; i < 3; i += 1) expect(await hit('POST', '192.0.2.1')).toBe(401);
    now += 20_000;
    expect(await hit('GET', '192.0.2.1')).toBe('429 after 40');
    expect(await hit('POST', '192.0.2.1')).toBe('429 after 40');
    expect(await hit('GET', '192.0.2.2')).toBe(200);
    now += 40_000;
    expect(await hit('GET', '192.0.2.1')).toBe(200);
  });

  test('a window survives the counters rotating, and ends on time', async () => {
    await start(1);
    now = 59_000;
    expect(await hit('POST', '192.0.2.7')).toBe(401);
    now = 61_000; // the counters rotated; this window runs to 119 s
    expect(await hit('GET', '192.0.2.7')).toBe('429 after 58');
    now = 119_000;
    expect(await hit('GET', '192.0.2.7')).toBe(200);
    now = 500_000; // several windows without a request
    expect(await hit('GET', '192.0.2.7')).toBe(200);
  });

  test('IPv6 addresses of one /56 share a budget', async () => {
    await start(1);
    expect(await hit('POST', '2001:db8:0:1::1')).toBe(401);
    expect(await hit('GET', '2001:db8:0:2::99')).toBe('429 after 60');
    expect(await hit('GET', '2001:db8:1:1::1')).toBe(200);
  });
});
