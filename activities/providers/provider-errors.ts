/**
 * Errors a provider adapter throws. The port's contract is "transient failures
 * throw, permanent outcomes are returned" (see message-channels.ts); these
 * classes let the send activity tell the two kinds of throw apart and map them
 * to Temporal: a `TransientProviderError` is retried (after `retryAfterMs` when
 * the provider said how long to wait), a `PermanentProviderError` is a
 * non-retryable failure (retrying bad credentials only burns the provider's
 * rate limit and hides the misconfiguration).
 *
 * The activity must map them to `ApplicationFailure` with an explicit `type`
 * rather than relying on the class name, which a bundler may mangle.
 */

export interface TransientProviderErrorOptions extends ErrorOptions {
  /**
   * The request may have reached the provider and been accepted (a timeout or
   * a reset after the request was sent): a retry could send a second copy.
   * The caller should treat the touch like one whose worker died mid-call and
   * ask the channel's `reconcile` before sending again.
   */
  outcomeUnknown?: boolean;
}

export class TransientProviderError extends Error {
  /** Stable wire name for `ApplicationFailure.type`. */
  static readonly type: string = 'TransientProviderError';
  readonly outcomeUnknown: boolean;

  constructor(
    message: string,
    /** How long the provider asked us to wait before retrying, in milliseconds. */
    readonly retryAfterMs?: number,
    options?: TransientProviderErrorOptions,
  ) {
    super(message, options);
    this.name = 'TransientProviderError';
    this.outcomeUnknown = options?.outcomeUnknown ?? false;
  }
}

/**
 * A failure that will not go away by retrying: bad credentials, a sender the
 * provider refuses, a malformed request. It is not a statement about the
 * recipient (those are `rejected` outcomes); it needs an operator.
 */
export class PermanentProviderError extends Error {
  static readonly type: string = 'PermanentProviderError';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentProviderError';
  }
}

/**
 * The provider refused our credentials or account (HTTP 401/403, SMTP 535).
 * A `PermanentProviderError`, so callers that only know the base class treat
 * it as non-retryable; the subclass lets logs and alerts say "configuration".
 */
export class ProviderConfigurationError extends PermanentProviderError {
  static override readonly type: string = 'ProviderConfigurationError';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProviderConfigurationError';
  }
}

/** Caps a provider's request to wait: a Retry-After of a week must not park a touch that long. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Parses an HTTP `Retry-After` header (RFC 9110 §10.2.3): either delay-seconds
 * or an HTTP date. Returns the wait in milliseconds from `now` (epoch ms),
 * 0 for a date already past, and undefined when absent or unparseable.
 */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
  // Date.parse also accepts bare numbers and partial strings; require something
  // that looks like an IMF-fixdate or obsolete HTTP date (it has a weekday name).
  if (!/^[A-Za-z]{3,9},? /.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

const MAX_REASON_LENGTH = 300;

/**
 * A provider's failure text made fit for the touch record and the logs:
 * providers quote the recipient's address ("550 5.1.1 <ada@example.com>: no
 * such user"), which is personal data the timeline must not keep. Addresses
 * become `<address>`; control characters and excess length go.
 */
export function providerReason(text: string): string {
  const cleaned = text
    .replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '<address>')
    .replace(/<<address>>/g, '<address>')
    .replace(/\p{Cc}+/gu, ' ')
    .trim();
  return cleaned.length > MAX_REASON_LENGTH ? `${cleaned.slice(0, MAX_REASON_LENGTH - 1)}…` : cleaned;
}
