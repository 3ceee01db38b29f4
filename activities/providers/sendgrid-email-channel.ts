import { z } from 'zod';
import {
  emailMessageId,
  parseFromAddress,
  type EmailChannel,
  type FromAddress,
  type OutboundEmail,
  type SendOutcome,
} from '../message-channels';
import { withUnsubscribeFooter } from '../unsubscribe-link';
import {
  PermanentProviderError,
  ProviderConfigurationError,
  TransientProviderError,
  parseRetryAfter,
  providerReason,
} from './provider-errors';

/**
 * Email through SendGrid's v3 Mail Send API (`POST /v3/mail/send`), with
 * SENDGRID_API_KEY and EMAIL_FROM. Error contract (message-channels.ts):
 * - 202: accepted; `X-Message-Id` is SendGrid's id (its Event Webhook reports
 *   it as the prefix of `sg_message_id`); delivery arrives later by webhook.
 * - 400 naming the recipient's address: `rejected` (this lead's outcome).
 *   Any other 400 means our request is wrong: a `PermanentProviderError`.
 * - 401/403: the key is wrong, lacks `mail.send`, or the sender is not a
 *   verified identity: a `ProviderConfigurationError`. Not this lead's fault,
 *   so never a `rejected`; and retrying within seconds cannot fix it.
 * - 413: the message is too big: `rejected` (it would be refused every time).
 * - 429 and 5xx, network errors, timeouts: a `TransientProviderError`, with
 *   the provider's Retry-After (or rate-limit reset) when it sent one.
 */
export interface SendgridEmailConfig {
  apiKey: string;
  /** EMAIL_FROM: must be a verified Sender Identity or on an authenticated domain. */
  from: string;
  /** SENDGRID_API_BASE_URL; `https://api.eu.sendgrid.com` for EU-pinned subusers, a local fake in tests. */
  apiBaseUrl?: string;
  /** Bound on each HTTP request (connect, send, answer). */
  timeoutMs?: number;
  /**
   * How long after a send SendGrid's Email Activity can be trusted to list it.
   * The feed is filled asynchronously, so "no such message" right after a send
   * proves nothing; until this much time has passed, reconcile asks to be
   * retried later instead of answering "safe to send".
   */
  activitySettleMs?: number;
  now?: () => number;
}

export const SENDGRID_DEFAULT_BASE_URL = 'https://api.sendgrid.com';
export const SENDGRID_DEFAULT_TIMEOUT_MS = 15_000;
export const SENDGRID_DEFAULT_ACTIVITY_SETTLE_MS = 10 * 60 * 1000;

/**
 * The custom_args names our SendGrid Event Webhook reads back to tie an event
 * to its lead and touch (api/webhooks/correlation.ts, EMAIL_CORRELATION_KEYS;
 * a test keeps the two equal: activities must not import the API layer).
 */
export const SENDGRID_CUSTOM_ARGS = { leadId: 'lead_id', touchKey: 'touch_key' } as const;

const errorBodySchema = z.looseObject({
  errors: z
    .array(
      z.looseObject({
        message: z.string().nullish(),
        field: z.string().nullish(),
      }),
    )
    .default([]),
});

const activityBodySchema = z.looseObject({
  messages: z.array(z.looseObject({ msg_id: z.string().min(1), status: z.string().optional() })),
});

/** The JSON body of a Mail Send request, as SendGrid documents it. */
export function mailSendBody(message: OutboundEmail, from: FromAddress): Record<string, unknown> {
  const customArgs = {
    [SENDGRID_CUSTOM_ARGS.leadId]: message.leadId,
    [SENDGRID_CUSTOM_ARGS.touchKey]: message.touchKey,
  };
  return {
    personalizations: [{ to: [{ email: message.to }], custom_args: customArgs }],
    from: from.name === undefined ? { email: from.email } : { email: from.email, name: from.name },
    subject: message.subject,
    content: [{ type: 'text/plain', value: withUnsubscribeFooter(message.body, message.unsubscribeUrl) }],
    headers: {
      'List-Unsubscribe': `<${message.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'X-Nurture-Lead-Id': message.leadId,
      'X-Nurture-Touch-Key': message.touchKey,
      // Not among SendGrid's reserved headers; the same id on every attempt, as over SMTP.
      'Message-ID': emailMessageId(message.touchKey, from),
    },
    // SendGrid's own subscription tracking would add its own unsubscribe link and
    // header, recorded in SendGrid instead of here: ours must be the only one.
    tracking_settings: { subscription_tracking: { enable: false } },
  };
}

export function createSendgridEmailChannel(config: SendgridEmailConfig): EmailChannel {
  if (config.apiKey.trim() === '') throw new ProviderConfigurationError('SENDGRID_API_KEY is empty');
  let from: FromAddress;
  try {
    from = parseFromAddress(config.from);
  } catch (error) {
    throw new ProviderConfigurationError(error instanceof Error ? error.message : 'EMAIL_FROM is invalid');
  }
  const base = (config.apiBaseUrl ?? SENDGRID_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs ?? SENDGRID_DEFAULT_TIMEOUT_MS;
  const settleMs = config.activitySettleMs ?? SENDGRID_DEFAULT_ACTIVITY_SETTLE_MS;
  const now = config.now ?? Date.now;

  async function call(
    path: string,
    init: { method: string; headers: Record<string, string>; body?: string },
    what: string,
  ): Promise<Response> {
    try {
      return await fetch(`${base}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${config.apiKey}`, ...init.headers },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw networkFailure(error, what);
    }
  }

  return {
    provider: 'sendgrid',

    async send(message: OutboundEmail): Promise<SendOutcome> {
      const response = await call(
        '/v3/mail/send',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(mailSendBody(message, from)),
        },
        'SendGrid mail send',
      );
      if (response.ok) {
        // Drained so the connection is reused; the answer is known from the status alone.
        await response.text().catch(() => '');
        // 202 is the documented answer; 200 only comes in sandbox mode, which we never set.
        const id = response.headers.get('x-message-id');
        return {
          status: 'accepted',
          providerMessageId: id === null || id === '' ? emailMessageId(message.touchKey, from) : id,
          deliveredOnAccept: false,
        };
      }
      const text = await readBody(response, 'SendGrid mail send');
      return classifySendgridFailure(response.status, response.headers, text, now());
    },

    /**
     * Looks the touch up in the Email Activity API by its custom arg
     * (`unique_args['touch_key']="…"`: v3 custom_args are unique_args there).
     *
     * Limits, all from SendGrid's documentation:
     * - the API needs the paid "additional email activity history" add-on and a
     *   key with Email Activity access; without them it answers 403 (or 404);
     * - it keeps 30 days of history and is rate-limited to 6 requests a minute
     *   (a 429 is thrown as transient, with Retry-After);
     * - it is filled asynchronously, so "no message" is only trusted once
     *   `activitySettleMs` has passed since the attempt.
     *
     * When it cannot tell (403/404, or a query we could not express), the
     * answer is the same as over SMTP: taken as sent. Sending again could put a
     * second copy in the lead's inbox; not sending loses at most one touch,
     * which the plan recovers from (no open follows, the next step comes).
     */
    async reconcile(message: OutboundEmail, attempt: { startedAt: Date }): Promise<SendOutcome | null> {
      const assumedSent: SendOutcome = {
        status: 'accepted',
        providerMessageId: emailMessageId(message.touchKey, from),
        deliveredOnAccept: false,
      };
      // The query language has no documented escaping: a key it cannot quote cannot be looked up.
      if (/["\\]/.test(message.touchKey)) return assumedSent;
      const query = `unique_args['${SENDGRID_CUSTOM_ARGS.touchKey}']="${message.touchKey}"`;
      const params = new URLSearchParams({ query, limit: '1' });
      const response = await call(
        `/v3/messages?${params.toString()}`,
        { method: 'GET', headers: { accept: 'application/json' } },
        'SendGrid email activity',
      );
      const text = await readBody(response, 'SendGrid email activity');
      if (response.status === 200) {
        const parsed = activityBodySchema.safeParse(parseJson(text));
        if (!parsed.success) {
          throw new TransientProviderError('SendGrid email activity answered an unexpected body');
        }
        const found = parsed.data.messages[0];
        if (found !== undefined) {
          // msg_id is the X-Message-Id followed by ".filter…": keep the part send() stored.
          const id = found.msg_id.split('.')[0] ?? found.msg_id;
          return { status: 'accepted', providerMessageId: id, deliveredOnAccept: false };
        }
        const waitMs = attempt.startedAt.getTime() + settleMs - now();
        if (waitMs > 0) {
          throw new TransientProviderError(
            'SendGrid email activity may not list the message yet; asking again later',
            waitMs,
          );
        }
        return null;
      }
      if (response.status === 403 || response.status === 404 || response.status === 400) {
        return assumedSent;
      }
      if (response.status === 401) {
        throw new ProviderConfigurationError(`SendGrid refused the API key (401): check SENDGRID_API_KEY`);
      }
      throw new TransientProviderError(
        `SendGrid email activity answered ${String(response.status)}`,
        retryAfterOf(response.headers, now()),
      );
    },
  };
}

/**
 * Maps a failed Mail Send answer: returns the lead's permanent outcome, or
 * throws the error the activity turns into a retry policy.
 */
export function classifySendgridFailure(
  status: number,
  headers: Headers,
  body: string,
  now: number,
): SendOutcome {
  const errors = errorsOf(body);
  const summary = providerReason(
    errors.length === 0
      ? `sendgrid ${String(status)}`
      : `sendgrid ${String(status)}: ${errors.map((e) => (e.field == null ? e.message : `${e.field}: ${e.message ?? ''}`)).join('; ')}`,
  );
  if (status === 400) {
    // The recipient's address is the field SendGrid names: personalizations.0.to.0.email (or .to).
    const aboutRecipient = errors.some(
      (e) => e.field != null && /^personalizations\.\d+\.to\b/.test(e.field),
    );
    if (aboutRecipient) return { status: 'rejected', reason: summary };
    throw new PermanentProviderError(`SendGrid refused the request: ${summary}`);
  }
  if (status === 401 || status === 403) {
    throw new ProviderConfigurationError(
      `SendGrid refused to send (${String(status)}): check SENDGRID_API_KEY (mail.send scope) and that EMAIL_FROM is a verified sender. ${summary}`,
    );
  }
  if (status === 413) return { status: 'rejected', reason: summary };
  if (status === 408 || status === 429 || status >= 500) {
    // 408/5xx: SendGrid may or may not have queued it. Its own docs say to retry on 5xx.
    throw new TransientProviderError(`SendGrid is unavailable: ${summary}`, retryAfterOf(headers, now), {
      outcomeUnknown: status >= 500,
    });
  }
  throw new PermanentProviderError(`SendGrid answered ${String(status)}: ${summary}`);
}

/** Retry-After (seconds or HTTP date), else SendGrid's X-RateLimit-Reset (Unix seconds). */
export function retryAfterOf(headers: Headers, now: number): number | undefined {
  const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = headers.get('x-ratelimit-reset');
  if (reset === null || !/^\d{1,12}$/.test(reset.trim())) return undefined;
  // Reuse the HTTP-date path for its clamping: the reset is an absolute instant.
  return parseRetryAfter(new Date(Number(reset.trim()) * 1000).toUTCString(), now);
}

function errorsOf(body: string): { message?: string | null; field?: string | null }[] {
  const parsed = errorBodySchema.safeParse(parseJson(body));
  return parsed.success ? parsed.data.errors : [];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readBody(response: Response, what: string): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    // The status came back, the body did not: the outcome is known for a 2xx, not otherwise.
    throw networkFailure(error, what);
  }
}

// Node's fetch (undici) codes that prove the request never left: nothing can have been accepted.
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function networkFailure(error: unknown, what: string): TransientProviderError {
  // Read by shape, not `instanceof Error`: fetch's errors come from Node's own realm,
  // which is not this one under a VM-sandboxed runner (jest).
  const fields = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const isTimeout = fields.name === 'TimeoutError' || fields.name === 'AbortError';
  const cause = fields.cause;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string'
      ? cause.code
      : undefined;
  const notSent = code !== undefined && NOT_CONNECTED.has(code);
  const message = typeof fields.message === 'string' ? fields.message : 'error';
  const detail = isTimeout ? 'timed out' : `failed (${code ?? message})`;
  return new TransientProviderError(`${what} ${detail}`, undefined, {
    cause: error,
    outcomeUnknown: !notSent,
  });
}
