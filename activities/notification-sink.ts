import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  isAddressAllowed,
  isHostAllowed,
  literalAddress,
  PUBLIC_ONLY,
  type OutboundPolicy,
} from '../config/outbound-targets';

/**
 * Where CRM notifications and alerts go. Contract: resolve once the receiver
 * accepted the notification; throw on a transient failure (Temporal retries).
 * The notification key goes along so the receiver can de-duplicate retries.
 */
export interface OutgoingNotification {
  key: string;
  leadId: string;
  kind: string;
  payload: unknown;
}

export interface NotificationSink {
  readonly name: string;
  deliver(notification: OutgoingNotification): Promise<void>;
}

/** The default: the notifications table is the feed (nothing leaves the service). */
export const recordOnlySink: NotificationSink = {
  name: 'record-only',
  deliver: () => Promise.resolve(),
};

/** A delivery refused because its target resolved to an address the policy does not allow. */
export class OutboundTargetRefused extends Error {
  override readonly name = 'OutboundTargetRefused';
}

export const WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookSinkOptions {
  /** Which addresses the webhook may reach (config/outbound-targets.ts); default public only. */
  policy?: OutboundPolicy;
  /** The whole exchange, connection to status line; default 10 s. */
  timeoutMs?: number;
  /** DNS, for tests that make a name resolve somewhere; default the system resolver. */
  resolve?: typeof dnsLookup;
}

/**
 * POSTs the notification as JSON to a webhook (a CRM integration, Slack, an
 * incident tool), with an `Idempotency-Key` header. Non-2xx answers throw.
 *
 * Guarded against being pointed inside the network (SSRF): every address the
 * host resolves to is checked against the policy inside the connection's own
 * DNS lookup, so the address checked is the address connected to (no window
 * for a second, rebinding answer); IP literals are checked before connecting.
 * Redirects are not followed (a 3xx is a failure: a receiver that moved is a
 * configuration change). Time is bounded by `timeoutMs`, size by never
 * reading the answer's body: the status says whether it was accepted.
 * A refused target throws too, so the notification stays undelivered and is
 * retried once the configuration allows it; nothing is dropped.
 */
export function webhookSink(url: string, options: WebhookSinkOptions = {}): NotificationSink {
  const target = new URL(url);
  const policy = options.policy ?? PUBLIC_ONLY;
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const lookup = guardedLookup(target.hostname, policy, options.resolve ?? dnsLookup);
  return {
    name: `webhook ${target.host}`,
    async deliver(notification) {
      const literal = literalAddress(target.hostname);
      if (literal !== null && !isHostAllowed(target.hostname, policy) && !isAddressAllowed(literal, policy)) {
        throw refused(target.host);
      }
      const status = await post(target, JSON.stringify(notification), {
        idempotencyKey: notification.key,
        timeoutMs,
        lookup,
      });
      if (status >= 300 && status < 400) {
        throw new Error(`notification webhook answered ${String(status)}; redirects are not followed`);
      }
      if (status < 200 || status >= 300) throw new Error(`notification webhook answered ${String(status)}`);
    },
  };
}

function refused(host: string): OutboundTargetRefused {
  return new OutboundTargetRefused(
    `notification webhook ${host} resolves to a private, loopback or link-local address; set OUTBOUND_WEBHOOK_ALLOW_PRIVATE=true or list it in OUTBOUND_WEBHOOK_ALLOW_HOSTS`,
  );
}

/** A net lookup that answers only with allowed addresses, and fails when any answer is not. */
function guardedLookup(host: string, policy: OutboundPolicy, resolve: typeof dnsLookup): LookupFunction {
  const hostAllowed = isHostAllowed(host, policy);
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error !== null) {
        callback(error, '', 0);
        return;
      }
      // One refused answer refuses the host: the resolver's next answer could be that one.
      if (!hostAllowed && addresses.some((a) => !isAddressAllowed(a.address, policy))) {
        callback(refused(host), '', 0);
        return;
      }
      const [first] = addresses;
      if (options.all === true) callback(null, addresses);
      else if (first === undefined) callback(new Error(`no address for ${hostname}`), '', 0);
      else callback(null, first.address, first.family);
    });
  };
}

/** One POST; resolves with the status code as soon as it arrives, without reading the body. */
function post(
  target: URL,
  body: string,
  options: { idempotencyKey: string; timeoutMs: number; lookup: LookupFunction },
): Promise<number> {
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const request = send(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'idempotency-key': options.idempotencyKey,
        },
        lookup: options.lookup,
        signal: AbortSignal.timeout(options.timeoutMs),
        // A fresh connection per delivery: a pooled socket would skip the lookup above.
        agent: false,
      },
      (response: IncomingMessage) => {
        resolve(response.statusCode ?? 0);
        // The body is never read: a receiver cannot make the worker hold a large or endless answer.
        response.destroy();
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
