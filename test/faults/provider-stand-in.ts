import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Seconds a storm's 429 asks the client to wait. */
export const STORM_RETRY_AFTER_S = 3;
/** A retry earlier than Retry-After by more than this did not honour it (timers are not exact). */
const EARLY_TOLERANCE_MS = 100;

interface StoredSms {
  sid: string;
  to: string;
  from: string;
  body: string;
  createdAt: Date;
}

/**
 * Twilio's Messages resource (create, and the list the service reads to
 * reconcile) on a loopback HTTP server, in Twilio's documented wire format:
 * form-encoded in, JSON out. It counts what it accepted per touch key (from
 * the StatusCallback URL) and, during a storm, refuses as Twilio does:
 * - 429 with Retry-After: not processed (Twilio documents it);
 * - a 502 after the message was taken (a gateway failing behind the edge):
 *   the message is stored and listed, so only the lookup avoids a duplicate;
 * - a 503 before taking it: the lookup finds nothing, and one send must follow.
 */
export class ProviderStandIn {
  readonly twilioAccepted = new Map<string, number>();
  /** Requests answered 429, and those among them that came back before Retry-After had passed. */
  rateLimited = 0;
  earlyRetries = 0;
  failures5xx = 0;
  private stormUntil = 0;
  private readonly attempts = new Map<string, number>();
  private readonly retryNotBefore = new Map<string, number>();
  private readonly sms: StoredSms[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<ProviderStandIn> {
    let standIn: ProviderStandIn | undefined = undefined;
    const server = createServer((req, res) => {
      readBody(req)
        .then((body) => {
          if (standIn === undefined) throw new Error('not started');
          standIn.handle(req, body, res);
        })
        .catch(() => {
          res.writeHead(500).end();
        });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    standIn = new ProviderStandIn(server, (server.address() as AddressInfo).port);
    return standIn;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${String(this.port)}`;
  }

  storm(durationMs: number): void {
    this.stormUntil = Date.now() + durationMs;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const twilio = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(url.pathname);
    if (twilio !== null && req.method === 'POST') {
      this.twilioCreate(new URLSearchParams(body), res);
      return;
    }
    if (twilio !== null && req.method === 'GET') {
      this.twilioList(url, res);
      return;
    }
    json(res, 404, { errors: [{ message: 'not found' }] });
  }

  /** Which storm answer this attempt of this touch gets, or null outside a storm. */
  private stormAnswer(key: string, kinds: readonly StormAnswer[]): StormAnswer | null {
    const now = Date.now();
    const notBefore = this.retryNotBefore.get(key);
    if (notBefore !== undefined && now < notBefore - EARLY_TOLERANCE_MS) this.earlyRetries += 1;
    this.retryNotBefore.delete(key);
    if (now >= this.stormUntil) return null;
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    const answer = kinds[(attempt - 1) % kinds.length] ?? null;
    if (answer === 'rate-limited') {
      this.rateLimited += 1;
      this.retryNotBefore.set(key, now + STORM_RETRY_AFTER_S * 1000);
    } else if (answer !== null) this.failures5xx += 1;
    return answer;
  }

  private twilioCreate(form: URLSearchParams, res: ServerResponse): void {
    const callback = form.get('StatusCallback');
    const key = callback === null ? null : new URL(callback).searchParams.get('touchKey');
    const to = form.get('To');
    if (key === null || to === null) {
      json(res, 400, { code: 21604, message: 'A To phone number is required.', status: 400 });
      return;
    }
    // Half the touches meet a 5xx that took the message, half one that did not.
    const fiveHundred =
      (createHash('sha256').update(key).digest()[0] ?? 0) % 2 === 0 ? 'taken-then-5xx' : 'refused-5xx';
    const answer = this.stormAnswer(`twilio:${key}`, ['rate-limited', fiveHundred]);
    if (answer === 'rate-limited') {
      res.writeHead(429, { 'retry-after': String(STORM_RETRY_AFTER_S), 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 20429, message: 'Too Many Requests', status: 429 }));
      return;
    }
    if (answer === 'refused-5xx') {
      json(res, 503, { code: 20503, message: 'Service Unavailable', status: 503 });
      return;
    }
    const stored: StoredSms = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      to,
      from: form.get('From') ?? '',
      body: form.get('Body') ?? '',
      createdAt: new Date(),
    };
    this.sms.push(stored);
    this.twilioAccepted.set(key, (this.twilioAccepted.get(key) ?? 0) + 1);
    if (answer === 'taken-then-5xx') {
      json(res, 502, { code: 20500, message: 'Bad Gateway', status: 502 });
      return;
    }
    json(res, 201, resource(stored));
  }

  private twilioList(url: URL, res: ServerResponse): void {
    const to = url.searchParams.get('To');
    const messages = this.sms.filter((m) => to === null || m.to === to).map(resource);
    json(res, 200, { messages, next_page_uri: null, page: 0, page_size: messages.length });
  }
}

type StormAnswer = 'rate-limited' | 'refused-5xx' | 'taken-then-5xx';

function resource(m: StoredSms): Record<string, unknown> {
  return {
    sid: m.sid,
    to: m.to,
    from: m.from,
    body: m.body,
    direction: 'outbound-api',
    status: 'queued',
    messaging_service_sid: null,
    date_created: m.createdAt.toUTCString().replace('GMT', '+0000'),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
