import { z } from 'zod';
import type { OutboundSms, SendOutcome, SmsChannel } from '../message-channels';
import {
  parseRetryAfter,
  PermanentProviderError,
  ProviderConfigurationError,
  TransientProviderError,
} from './provider-errors';

/**
 * SMS through Twilio's Programmable Messaging REST API (2010-04-01 Messages
 * resource), over plain fetch: one endpoint does not justify the SDK.
 *
 * Error contract of the port: transient failures throw `TransientProviderError`
 * (Temporal retries, after Twilio's Retry-After when it sent one); refusals
 * about this recipient or this message come back `rejected`; refusals of our
 * account or sender throw `ProviderConfigurationError` (retrying cannot help).
 *
 * Reasons and error messages never include Twilio's `message` text: it often
 * repeats the recipient's number, and reasons are stored on the touch and logged.
 */

export const TWILIO_DEFAULT_API_BASE_URL = 'https://api.twilio.com';
export const TWILIO_STATUS_CALLBACK_PATH = '/webhooks/twilio/status';

// The receiver reads these from the callback URL (TWILIO_CALLBACK_QUERY_KEYS in
// api/webhooks/correlation.ts). Copied, not imported, because activities do not
// depend on the API layer; the tests run the receiver on the URL built here.
const CALLBACK_QUERY_KEYS = { leadId: 'leadId', touchKey: 'touchKey' } as const;

/** A Messaging Service (Twilio picks the number from its pool) or one fixed sender. */
export type TwilioSender = { messagingServiceSid: string } | { from: string };

export interface TwilioSmsConfig {
  accountSid: string;
  authToken: string;
  sender: TwilioSender;
  /** Where Twilio reaches our webhooks; must be the PUBLIC_BASE_URL the receiver verifies signatures with. */
  publicBaseUrl: string;
  /** Default https://api.twilio.com; tests and regional edges point elsewhere. */
  apiBaseUrl?: string;
  /** Per request, including reading the body. Default 10 s. */
  timeoutMs?: number;
  /** How far Twilio's clock may be behind ours when reconciling. Default 60 s. */
  clockSkewMs?: number;
  /** How long after an attempt Twilio's message list can be trusted to show it. Default 2 minutes. */
  settleMs?: number;
  /** Messages per page when reconciling (Twilio allows 1..1000). Default 100. */
  reconcilePageSize?: number;
  /** Pages read before reconciliation gives up as inconclusive. Default 5. */
  reconcileMaxPages?: number;
  now?: () => number;
}

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
// An E.164 number or an alphanumeric sender id (at most 11 characters, at least one letter).
const FROM = /^(\+[1-9]\d{6,14}|(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11})$/;

/** The fields of Twilio's Message resource read here; Twilio adds fields freely, so others pass. */
const messageResourceSchema = z.object({
  sid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  to: z.string(),
  from: z.string().nullable(),
  body: z.string().nullable(),
  direction: z.string(),
  status: z.string(),
  messaging_service_sid: z.string().nullable().optional(),
  // RFC 2822 with second precision, e.g. "Tue, 24 Nov 2026 10:00:01 +0000".
  date_created: z.string().nullable(),
});
type MessageResource = z.infer<typeof messageResourceSchema>;

const messagePageSchema = z.object({
  messages: z.array(messageResourceSchema),
  next_page_uri: z.string().nullable().optional(),
});

/** Twilio's documented error body: {code, message, more_info, status}. */
const errorBodySchema = z.object({ code: z.number().int() });

/** Codes that are about this recipient or this message: the touch fails, the nurture goes on. */
const RECIPIENT_ERRORS: ReadonlyMap<number, string> = new Map([
  [21211, 'invalid To number'],
  [21408, 'sending to this region is not enabled on the Twilio account'],
  [21610, 'recipient has unsubscribed (replied STOP)'],
  [21612, 'Twilio cannot route from this sender to this recipient'],
  [21614, 'To is not a mobile number'],
  [21617, 'body longer than 1600 characters'],
]);

/** Codes that are about our account or sender: every send would fail, an operator must act. */
const CONFIGURATION_ERRORS: ReadonlyMap<number, string> = new Map([
  [20003, 'authentication failed: check the account SID and auth token'],
  [20404, 'account or resource not found: check the account SID'],
  [21212, 'invalid From number'],
  [21603, 'no sender: set a From number or a Messaging Service SID'],
  [21606, 'the From number cannot send SMS to this destination'],
]);

interface TwilioResponse {
  status: number;
  retryAfter: string | null;
  body: unknown;
}

export class TwilioSmsChannel implements SmsChannel {
  readonly provider = 'twilio';
  private readonly apiBaseUrl: string;
  private readonly publicBaseUrl: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly clockSkewMs: number;
  private readonly settleMs: number;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly now: () => number;

  constructor(private readonly config: TwilioSmsConfig) {
    // Checked here so a typo stops the worker at start instead of failing every touch.
    if (!ACCOUNT_SID.test(config.accountSid)) {
      throw new ProviderConfigurationError('Twilio account SID must look like AC followed by 32 hex digits');
    }
    if (config.authToken === '') throw new ProviderConfigurationError('Twilio auth token is empty');
    if ('messagingServiceSid' in config.sender) {
      if (!MESSAGING_SERVICE_SID.test(config.sender.messagingServiceSid)) {
        throw new ProviderConfigurationError(
          'Twilio Messaging Service SID must look like MG followed by 32 hex digits',
        );
      }
    } else if (!FROM.test(config.sender.from)) {
      throw new ProviderConfigurationError(
        'Twilio From must be an E.164 number or an alphanumeric sender id',
      );
    }
    this.apiBaseUrl = (config.apiBaseUrl ?? TWILIO_DEFAULT_API_BASE_URL).replace(/\/+$/, '');
    this.publicBaseUrl = config.publicBaseUrl.replace(/\/+$/, '');
    this.authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`;
    this.timeoutMs = config.timeoutMs ?? 10_000;
    this.clockSkewMs = config.clockSkewMs ?? 60_000;
    this.settleMs = config.settleMs ?? 120_000;
    this.pageSize = config.reconcilePageSize ?? 100;
    this.maxPages = config.reconcileMaxPages ?? 5;
    this.now = config.now ?? Date.now;
  }

  /** The URL Twilio posts delivery reports to; the receiver finds the touch from its query. */
  statusCallbackUrl(message: Pick<OutboundSms, 'leadId' | 'touchKey'>): string {
    const query = new URLSearchParams({
      [CALLBACK_QUERY_KEYS.leadId]: message.leadId,
      [CALLBACK_QUERY_KEYS.touchKey]: message.touchKey,
    });
    return `${this.publicBaseUrl}${TWILIO_STATUS_CALLBACK_PATH}?${query.toString()}`;
  }

  async send(message: OutboundSms): Promise<SendOutcome> {
    const form = new URLSearchParams({ To: message.to, Body: message.body });
    const sender = this.config.sender;
    if ('messagingServiceSid' in sender) form.set('MessagingServiceSid', sender.messagingServiceSid);
    else form.set('From', sender.from);
    form.set('StatusCallback', this.statusCallbackUrl(message));

    // Twilio's create takes no idempotency key: once the request may have reached it, a
    // blind retry can send twice. Errors from here on say so, and `reconcile` settles it.
    const response = await this.request(this.messagesUrl(), form);
    if (response.status === 201 || response.status === 200) {
      const created = messageResourceSchema.pick({ sid: true }).safeParse(response.body);
      if (!created.success) {
        // Accepted (and maybe already delivered) but we cannot tell which message it is:
        // retrying would send again, so stop and let an operator reconcile.
        throw new PermanentProviderError(
          `Twilio accepted the message (HTTP ${response.status}) but returned no message SID; outcome must be reconciled`,
        );
      }
      return { status: 'accepted', providerMessageId: created.data.sid, deliveredOnAccept: false };
    }
    throwUnlessClientError(response, 'sending the message', this.now(), true);
    const code = errorCode(response.body);
    if (code === undefined) {
      // A 4xx without Twilio's error body came from something in between (a proxy), not Twilio.
      throw new PermanentProviderError(`Twilio answered HTTP ${response.status} without an error code`);
    }
    const known = RECIPIENT_ERRORS.get(code);
    // Any other 4xx code is taken as a refusal of this message too: Twilio keeps splitting
    // its recipient errors into new, more specific codes (2024: landlines, short codes,
    // premium numbers out of 21211/21614), and account-wide problems are listed above. The
    // touch records the code, so a misclassified one shows up on the timeline.
    return {
      status: 'rejected',
      reason: `twilio ${code}: ${known ?? `refused (HTTP ${response.status})`}`,
    };
  }

  /**
   * After a crash or timeout between Twilio accepting a message and us storing
   * its SID, whether it went out is unknown. This looks for it: an outbound
   * message from our sender to the same number with the same body, created no
   * earlier than `attemptedAt` (the first attempt's start, e.g. the touch row's
   * creation time). Returns it as `accepted`, or null when Twilio has none,
   * meaning sending now will not duplicate it.
   *
   * Limits, all of which make a duplicate possible rather than a lost message:
   * - A message Twilio accepted a moment ago may not be listed yet: until
   *   `settleMs` (default 2 minutes) after the attempt this throws a transient
   *   error asking to be retried then, rather than answer "none". The list is
   *   not filtered on `DateSent` (unset while a message is queued); creation
   *   time is checked here instead.
   * - The body must compare equal: Smart Encoding, link shortening, compliance
   *   text a Messaging Service appends, or message redaction on the account
   *   change or remove the stored body.
   * - Two touches with the same body to the same number after `attemptedAt`
   *   cannot be told apart; the earliest is taken.
   * - Messages deleted from the account, or older than Twilio's retention,
   *   are gone; at most `reconcileMaxPages` pages are read (then it throws).
   * - Twilio's `date_created` has second precision and its own clock, hence
   *   `clockSkewMs` of slack, during which an earlier identical message counts.
   */
  async reconcile(
    message: OutboundSms & { attemptedAt: Date },
    // The port's convention for email (message-channels.ts) passes the start separately; both are
    // accepted so this class fits whichever the SMS port adopts. Method parameters are checked
    // bivariantly, so the compiler would not catch a caller that passes only one of them.
    attempt?: { startedAt: Date },
  ): Promise<SendOutcome | null> {
    const startedAt: unknown = attempt?.startedAt ?? message.attemptedAt;
    if (!(startedAt instanceof Date) || Number.isNaN(startedAt.getTime())) {
      throw new TypeError('reconcile needs the time the earlier attempt started');
    }
    const settlesAt = startedAt.getTime() + this.settleMs;
    if (this.now() < settlesAt) {
      throw new TransientProviderError(
        'too early to tell whether Twilio took the earlier attempt',
        settlesAt - this.now(),
        { outcomeUnknown: true },
      );
    }
    const since = startedAt.getTime() - this.clockSkewMs;
    const query = new URLSearchParams({ To: message.to, PageSize: String(this.pageSize) });
    let url = `${this.messagesUrl()}?${query.toString()}`;
    let found: { sid: string; createdAt: number } | null = null;
    for (let page = 1; ; page++) {
      const response = await this.request(url);
      if (response.status !== 200) {
        throwUnlessClientError(response, 'listing messages', this.now(), false);
        throw new PermanentProviderError(
          `Twilio refused the message list (HTTP ${response.status}, code ${errorCode(response.body) ?? 'none'})`,
        );
      }
      const parsed = messagePageSchema.safeParse(response.body);
      if (!parsed.success)
        throw new PermanentProviderError('Twilio returned a message list of unexpected shape');
      for (const candidate of parsed.data.messages) {
        const createdAt = this.matchTime(candidate, message, since);
        if (createdAt !== null && (found === null || createdAt < found.createdAt)) {
          found = { sid: candidate.sid, createdAt };
        }
      }
      const next = parsed.data.next_page_uri;
      if (next === null || next === undefined || next === '') break;
      if (page >= this.maxPages) {
        throw new PermanentProviderError(
          `reconciliation inconclusive: more than ${this.maxPages} pages of messages to this number`,
        );
      }
      // Only ever follow Twilio's relative page path on our own base URL: our credentials go with it.
      if (!next.startsWith('/2010-04-01/Accounts/')) {
        throw new PermanentProviderError('Twilio returned an unexpected next page URI');
      }
      url = `${this.apiBaseUrl}${next}`;
    }
    return found === null
      ? null
      : { status: 'accepted', providerMessageId: found.sid, deliveredOnAccept: false };
  }

  /** The creation time of a message that is ours for this touch, or null. */
  private matchTime(candidate: MessageResource, message: OutboundSms, since: number): number | null {
    if (!candidate.direction.startsWith('outbound')) return null;
    if (candidate.to !== message.to || candidate.body !== message.body) return null;
    const sender = this.config.sender;
    const sameSender =
      'messagingServiceSid' in sender
        ? candidate.messaging_service_sid === sender.messagingServiceSid
        : candidate.from === sender.from;
    if (!sameSender || candidate.date_created === null) return null;
    const createdAt = Date.parse(candidate.date_created);
    return Number.isNaN(createdAt) || createdAt < since ? null : createdAt;
  }

  private messagesUrl(): string {
    return `${this.apiBaseUrl}/2010-04-01/Accounts/${this.config.accountSid}/Messages.json`;
  }

  /** A GET, or a form POST when `form` is given. */
  private async request(url: string, form?: URLSearchParams): Promise<TwilioResponse> {
    const headers: Record<string, string> = { Authorization: this.authorization, Accept: 'application/json' };
    if (form !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    try {
      const response = await fetch(url, {
        method: form === undefined ? 'GET' : 'POST',
        headers,
        ...(form === undefined ? {} : { body: form.toString() }),
        // Covers reading the body too, so a server that stalls mid-response also times out.
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      return {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        body: parseJson(text),
      };
    } catch (error) {
      // A create that may have reached Twilio has an unknown outcome; one that never left
      // (no connection) or a list (a GET changes nothing) is simply retried.
      const outcomeUnknown = form !== undefined && !neverSent(error);
      const what = outcomeUnknown
        ? 'the message may have been accepted; reconcile before resending'
        : 'safe to retry';
      const timedOut = fieldOf(error, 'name') === 'TimeoutError';
      throw new TransientProviderError(
        timedOut
          ? `Twilio did not answer within ${this.timeoutMs} ms (${what})`
          : `could not reach Twilio (${what})`,
        undefined,
        { cause: error, outcomeUnknown },
      );
    }
  }
}

/** Throws for every answer that is not a 4xx refusal of this particular request. */
function throwUnlessClientError(
  response: TwilioResponse,
  doing: string,
  now: number,
  creating: boolean,
): void {
  const { status } = response;
  const code = errorCode(response.body);
  const retryAfterMs = parseRetryAfter(response.retryAfter, now);
  // Twilio documents that a 429 was not processed, so retrying it cannot duplicate.
  if (status === 429 || code === 20429) {
    throw new TransientProviderError(`Twilio rate limit while ${doing} (HTTP ${status})`, retryAfterMs);
  }
  if (status >= 500 || status === 408) {
    // A 5xx (a gateway timing out behind the edge, say) may follow a create that went through.
    throw new TransientProviderError(
      `Twilio unavailable while ${doing} (HTTP ${status}${code === undefined ? '' : `, code ${code}`})`,
      retryAfterMs,
      { outcomeUnknown: creating },
    );
  }
  const configuration = code === undefined ? undefined : CONFIGURATION_ERRORS.get(code);
  if (status === 401 || status === 403 || configuration !== undefined) {
    throw new ProviderConfigurationError(
      `Twilio refused our account while ${doing} (HTTP ${status}, code ${code ?? 'none'}): ${
        configuration ?? 'check the account SID, auth token and sender'
      }`,
    );
  }
  if (status < 400 || status >= 500) {
    throw new PermanentProviderError(`unexpected HTTP ${status} from Twilio while ${doing}`);
  }
}

// Errors raised before any byte of the request left: the connection was never made.
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function neverSent(error: unknown): boolean {
  const code = fieldOf(fieldOf(error, 'cause'), 'code');
  return typeof code === 'string' && NOT_CONNECTED.has(code);
}

// Read by shape, not `instanceof`: fetch's errors may come from another realm (a test VM).
function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && key in value
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function errorCode(body: unknown): number | undefined {
  const parsed = errorBodySchema.safeParse(body);
  return parsed.success ? parsed.data.code : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
