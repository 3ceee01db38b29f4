import { setTimeout as sleep } from 'node:timers/promises';

export interface Reply {
  /** 0 when no HTTP answer came (refused, reset, timed out). */
  status: number;
  body: unknown;
  retryAfter: string | null;
}

/**
 * The service's HTTP API as a backend calls it: bearer key, JSON, a bounded
 * time per request, and `until2xx` for what a backend retries (the same
 * request, same ids) until it is taken.
 */
export class ServiceClient {
  /** Every answer by status, so a scenario can prove it saw no 5xx but 503. */
  readonly statuses = new Map<number, number>();

  constructor(
    private readonly baseUrl: () => string,
    private readonly key: () => string,
  ) {}

  async request(method: string, path: string, body?: unknown): Promise<Reply> {
    try {
      const response = await fetch(`${this.baseUrl()}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.key()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      this.statuses.set(response.status, (this.statuses.get(response.status) ?? 0) + 1);
      return { status: response.status, body: parse(text), retryAfter: response.headers.get('retry-after') };
    } catch {
      this.statuses.set(0, (this.statuses.get(0) ?? 0) + 1);
      return { status: 0, body: null, retryAfter: null };
    }
  }

  /** Retries (after Retry-After when given, else 500 ms) until a 2xx or the deadline; null if none came. */
  async until2xx(method: string, path: string, body: unknown, deadline: number): Promise<Reply | null> {
    while (Date.now() < deadline) {
      const reply = await this.request(method, path, body);
      if (reply.status >= 200 && reply.status < 300) return reply;
      if (reply.status >= 400 && reply.status < 500 && reply.status !== 429) {
        throw new Error(`${method} ${path} answered ${String(reply.status)}: ${JSON.stringify(reply.body)}`);
      }
      const wait = Number(reply.retryAfter);
      await sleep(Number.isFinite(wait) && wait > 0 ? Math.min(wait, 5) * 1000 : 500);
    }
    return null;
  }

  /** Requests answered with a 5xx other than 503 (the one the service may give while a dependency is away). */
  unexpected5xx(): number {
    return [...this.statuses].filter(([s]) => s >= 500 && s !== 503).reduce((sum, [, n]) => sum + n, 0);
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
