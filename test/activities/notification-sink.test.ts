import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  OutboundTargetRefused,
  webhookSink,
  type OutgoingNotification,
  type WebhookSinkOptions,
} from '../../activities/notification-sink';
import { policyOf, parseAllowEntry, type AllowEntry } from '../../config/outbound-targets';

/**
 * The CRM/alert webhook sink against a real HTTP server on loopback. Loopback
 * is exactly what the guard refuses by default, so the tests that deliver
 * allow it explicitly, as a deployment with a sink on the same host would.
 */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let port: number;
let handler: Handler;
let received: { path: string; headers: IncomingMessage['headers']; body: string }[];

beforeEach(async () => {
  received = [];
  handler = (_req, res) => res.writeHead(204).end();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      handler(req, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const notification: OutgoingNotification = {
  key: 'notify:lead-1:converted',
  leadId: 'lead-1',
  kind: 'converted',
  payload: { stage: 'won' },
};

const allowLoopback = { policy: policyOf(true, []) };

function allowList(...items: string[]): WebhookSinkOptions {
  const entries = items.map((item) => parseAllowEntry(item)).filter((e): e is AllowEntry => e !== null);
  return { policy: policyOf(false, entries) };
}

/** A resolver that answers every name with these addresses, as a hostile DNS could. */
function resolvingTo(...addresses: LookupAddress[]): NonNullable<WebhookSinkOptions['resolve']> {
  return ((_hostname: string, _options: unknown, callback: (e: null, a: LookupAddress[]) => void) => {
    callback(null, addresses);
  }) as unknown as NonNullable<WebhookSinkOptions['resolve']>;
}

describe('webhookSink', () => {
  test('POSTs the notification as JSON with its idempotency key, when the target is allowed', async () => {
    await webhookSink(`http://127.0.0.1:${String(port)}/crm`, allowLoopback).deliver(notification);
    expect(received).toHaveLength(1);
    expect(received[0]?.path).toBe('/crm');
    expect(received[0]?.headers['idempotency-key']).toBe(notification.key);
    expect(received[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(received[0]?.body ?? '')).toEqual(notification);
  });

  test.each([
    ['loopback', () => `http://127.0.0.1:${String(port)}/crm`],
    ['IPv6 loopback', () => `http://[::1]:${String(port)}/crm`],
    ['IPv4-mapped loopback', () => `http://[::ffff:127.0.0.1]:${String(port)}/crm`],
    ['the metadata endpoint', () => 'http://169.254.169.254/latest/meta-data/'],
  ])('refuses %s by default, before connecting', async (_name, url) => {
    await expect(webhookSink(url()).deliver(notification)).rejects.toBeInstanceOf(OutboundTargetRefused);
    expect(received).toEqual([]);
  });

  test('refuses a public-looking name that resolves to a private address (checked on the connection itself)', async () => {
    for (const address of [
      { address: '127.0.0.1', family: 4 },
      { address: '::ffff:127.0.0.1', family: 6 },
      { address: '10.0.0.7', family: 4 },
      { address: 'fe80::1', family: 6 },
    ]) {
      const sink = webhookSink(`http://crm.example.com:${String(port)}/crm`, {
        resolve: resolvingTo(address),
      });
      await expect(sink.deliver(notification)).rejects.toBeInstanceOf(OutboundTargetRefused);
    }
    // One private answer among public ones refuses the host: the next lookup could pick it.
    const mixed = webhookSink(`http://crm.example.com:${String(port)}/crm`, {
      resolve: resolvingTo({ address: '93.184.215.14', family: 4 }, { address: '127.0.0.1', family: 4 }),
    });
    await expect(mixed.deliver(notification)).rejects.toBeInstanceOf(OutboundTargetRefused);
    expect(received).toEqual([]);
  });

  test('the allow-list lets a named host or a range through, and only those', async () => {
    const resolve = resolvingTo({ address: '127.0.0.1', family: 4 });
    const url = `http://crm.internal:${String(port)}/crm`;
    await webhookSink(url, { ...allowList('crm.internal'), resolve }).deliver(notification);
    await webhookSink(url, { ...allowList('127.0.0.0/8'), resolve }).deliver(notification);
    expect(received.map((r) => r.headers.host)).toEqual([
      `crm.internal:${String(port)}`,
      `crm.internal:${String(port)}`,
    ]);
    await expect(
      webhookSink(url, { ...allowList('other.internal', '10.0.0.0/8'), resolve }).deliver(notification),
    ).rejects.toBeInstanceOf(OutboundTargetRefused);
  });

  test('does not follow a redirect', async () => {
    handler = (_req, res) =>
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    await expect(
      webhookSink(`http://127.0.0.1:${String(port)}/crm`, allowLoopback).deliver(notification),
    ).rejects.toThrow(/302; redirects are not followed/);
    expect(received).toHaveLength(1);
  });

  test('a non-2xx answer throws, so Temporal retries', async () => {
    handler = (_req, res) => res.writeHead(503).end();
    await expect(
      webhookSink(`http://127.0.0.1:${String(port)}/crm`, allowLoopback).deliver(notification),
    ).rejects.toThrow(/answered 503/);
  });

  test('bounded in time: a receiver that never answers fails the attempt', async () => {
    handler = () => undefined;
    await expect(
      webhookSink(`http://127.0.0.1:${String(port)}/crm`, { ...allowLoopback, timeoutMs: 200 }).deliver(
        notification,
      ),
    ).rejects.toMatchObject({ name: expect.stringMatching(/TimeoutError|AbortError/) as unknown });
  });

  test('bounded in size: an endless answer is not read; the status decides', async () => {
    let written = 0;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    };
    await webhookSink(`http://127.0.0.1:${String(port)}/crm`, allowLoopback).deliver(notification);
    // The receiver could write far more; the sink hung up long before.
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });
});
