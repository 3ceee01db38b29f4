import { createHash } from 'node:crypto';

/**
 * Channel ports for the touches that go to a provider. Contract (as every
 * port): transient failures throw, so Temporal retries; permanent outcomes
 * (invalid address, unsubscribed number) come back as `rejected`, which the
 * workflow records. Implementations must be idempotent on `touchKey`.
 *
 * What adapters throw is in providers/provider-errors.ts: a
 * `TransientProviderError` (retry, after `retryAfterMs` when given) or a
 * `PermanentProviderError` (bad credentials, a sender the provider refuses: no
 * retry helps, an operator must act). Anything else thrown is a bug or an
 * unclassified failure and is retried like a transient one.
 */
export interface OutboundEmail {
  touchKey: string;
  leadId: string;
  to: string;
  subject: string;
  /** Plain text, rendered from the plan's template. */
  body: string;
  /**
   * The signed one-click link (activities/unsubscribe-link.ts) for this lead
   * and touch. Carried as `List-Unsubscribe` + `List-Unsubscribe-Post`
   * (RFC 8058), which Gmail and Yahoo require of bulk senders; required here so
   * no adapter can send marketing mail without it.
   */
  unsubscribeUrl: string;
}

export interface OutboundSms {
  touchKey: string;
  leadId: string;
  to: string;
  body: string;
}

export type SendOutcome =
  /** `deliveredOnAccept`: the provider has no later delivery report (the embedded outbox). */
  | { status: 'accepted'; providerMessageId: string; deliveredOnAccept: boolean }
  | { status: 'rejected'; reason: string };

export interface EmailChannel {
  /** Recorded on each touch, so the timeline says who carried it. */
  readonly provider: string;
  send(message: OutboundEmail): Promise<SendOutcome>;
  /**
   * For a touch whose earlier attempt has an unknown outcome (the worker died,
   * the activity timed out, or `send` threw a `TransientProviderError` with
   * `outcomeUnknown`, after the provider may have accepted the message and
   * before its id was stored): what the provider knows of it.
   * `null` means the provider has no record and sending again is safe; an
   * outcome means do not send, record this instead. Throws like `send` when
   * the provider cannot answer yet. `attempt.startedAt` is when that earlier
   * attempt called the provider (at the latest): providers that index sends
   * with a delay only trust "no record" once enough time has passed since.
   * Absent when a provider's sends are idempotent by themselves (the outbox:
   * the touch key is its primary key), so the caller simply sends again.
   */
  reconcile?(message: OutboundEmail, attempt: { startedAt: Date }): Promise<SendOutcome | null>;
}

export interface SmsChannel {
  readonly provider: string;
  send(message: OutboundSms): Promise<SendOutcome>;
  /** As EmailChannel.reconcile. */
  reconcile?(message: OutboundSms, attempt: { startedAt: Date }): Promise<SendOutcome | null>;
}

/** An EMAIL_FROM value split into its parts. */
export interface FromAddress {
  email: string;
  name?: string;
}

/**
 * Parses EMAIL_FROM: `"Name" <user@example.com>`, `Name <user@example.com>` or
 * a bare address. Throws (at start, never echoing the value) when it is none.
 */
export function parseFromAddress(from: string): FromAddress {
  const trimmed = from.trim();
  const named = /^(?:"([^"]*)"|([^<"]*?))\s*<([^<>\s]+@[^<>\s]+)>$/.exec(trimmed);
  const email = named === null ? trimmed : named[3];
  if (email === undefined || !/^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$/.test(email)) {
    throw new Error('EMAIL_FROM must be an address: user@example.com or "Name" <user@example.com>');
  }
  const name = (named?.[1] ?? named?.[2] ?? '').trim();
  return name === '' ? { email } : { email, name };
}

/**
 * The Message-ID of a touch's email, the same for every attempt and every
 * adapter: a resend is recognisably the same message (receivers and mail
 * clients de-duplicate and thread on it). The touch key is hashed because it
 * may hold characters a msg-id may not; the right-hand side is the sender's
 * domain, as RFC 5322 recommends for uniqueness.
 */
export function emailMessageId(touchKey: string, from: FromAddress): string {
  const domain = from.email.slice(from.email.lastIndexOf('@') + 1).toLowerCase();
  return `<nurture.${touchKeyDigest(touchKey)}@${domain}>`;
}

/**
 * The part of a touch's Message-ID that names the touch: the first 128 bits
 * of SHA-256 over the touch key's UTF-8 bytes, in lower-case hex. The
 * database finds a touch by it (api/inbox/reply-thread.ts hashes the same way
 * in SQL), so this definition and that query change together.
 */
export function touchKeyDigest(touchKey: string): string {
  return createHash('sha256').update(touchKey, 'utf8').digest('hex').slice(0, 32);
}

const MINTED_MESSAGE_ID = /^<?\s*nurture\.([0-9a-f]{32})@[^\s<>@]+\s*>?$/i;

/**
 * The inverse of emailMessageId: the touch-key digest a Message-ID this
 * service minted carries, or null for any other id. The domain is not
 * checked: EMAIL_FROM may have changed since the touch was sent, and the
 * digest alone names the touch. Replies quote the id as the lead's client
 * read it, so the case of the hex digits is not trusted.
 */
export function touchDigestOfMessageId(messageId: string): string | null {
  const digest = MINTED_MESSAGE_ID.exec(messageId.trim())?.[1];
  return digest === undefined ? null : digest.toLowerCase();
}
