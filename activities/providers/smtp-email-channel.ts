import nodemailer from 'nodemailer';
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
  providerReason,
} from './provider-errors';

/**
 * Email over any SMTP relay (a company's mail server, SES/Postmark/Mailgun SMTP
 * endpoints, a local Mailpit). Configured by SMTP_URL and EMAIL_FROM.
 *
 * Error contract (message-channels.ts): a 5xx reply to the recipient or to the
 * message (550 mailbox unavailable, 553 bad address, 552/554 refused content)
 * is the recipient's or message's permanent outcome, returned as `rejected`;
 * a 5xx to our sender (MAIL FROM) or our login is our configuration and
 * thrown as a `PermanentProviderError` (every other lead would fail the same
 * way, so it must not be recorded as this lead's bounce); 4xx replies,
 * connection failures and timeouts throw a `TransientProviderError`.
 *
 * The receiving side is not known here: a relay's 250 means "queued", so a
 * later bounce arrives by mail, not through this adapter.
 */
export interface SmtpEmailConfig {
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465 (TLS from the start). */
  smtpUrl: string;
  /** The From header, `"Name" <address>` or a bare address. */
  from: string;
  /**
   * Bound on connecting, the greeting and each wait for a reply. Nodemailer's
   * defaults (2 and 10 minutes) outlast any sensible activity timeout, which
   * would leave Temporal retrying while the first attempt still talks.
   */
  timeoutMs?: number;
}

export const DEFAULT_SMTP_TIMEOUT_MS = 30_000;

export interface SmtpEmailChannel extends EmailChannel {
  /** Closes pooled state; call on worker shutdown. */
  close(): void;
}

export function createSmtpEmailChannel(config: SmtpEmailConfig): SmtpEmailChannel {
  const url = parseSmtpUrl(config.smtpUrl);
  const sender = senderOf(config.from);
  const timeout = config.timeoutMs ?? DEFAULT_SMTP_TIMEOUT_MS;
  const transport = nodemailer.createTransport({
    url: url.toString(),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    dnsTimeout: timeout,
  });

  return {
    provider: 'smtp',
    async send(message: OutboundEmail): Promise<SendOutcome> {
      const messageId = emailMessageId(message.touchKey, sender);
      try {
        const info = await transport.sendMail({
          from: config.from,
          to: message.to,
          subject: message.subject,
          text: withUnsubscribeFooter(message.body, message.unsubscribeUrl),
          messageId,
          headers: {
            'X-Nurture-Lead-Id': message.leadId,
            'X-Nurture-Touch-Key': message.touchKey,
            // Prepared: written as is. Folding would put whitespace inside the URL.
            'List-Unsubscribe': { prepared: true, value: `<${message.unsubscribeUrl}>` },
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          },
        });
        // No delivery report ever follows over plain SMTP, so acceptance counts as delivery
        // (the workflow's "delivered email" rule would otherwise wait forever).
        return { status: 'accepted', providerMessageId: info.messageId, deliveredOnAccept: true };
      } catch (error) {
        return classifySmtpFailure(error);
      }
    },
    /**
     * SMTP has no way to ask a server whether it took a message, so after an
     * attempt whose outcome is unknown (the worker died between the server's
     * 250 and our database write) there are two choices: send again
     * (at-least-once: maybe a duplicate) or not (at-most-once: maybe a gap).
     * For a nurture the duplicate is the worse error: the same sales email
     * twice looks broken, invites spam reports that hurt every later send, and
     * a possibly missing touch is covered by the plan itself (no open follows,
     * so the workflow moves on to the next step). So an unknown outcome is
     * taken as sent, under the Message-ID the message had.
     *
     * The caller asks this after a crash, and after a `TransientProviderError`
     * with `outcomeUnknown` (the connection dropped or timed out once the
     * session was up, possibly after the end of DATA). Where it resends anyway,
     * the deterministic Message-ID lets receivers (Gmail does) collapse the copy.
     */
    reconcile(message: OutboundEmail): Promise<SendOutcome | null> {
      // attempt.startedAt is of no use: there is nothing to look up, whenever it was.
      return Promise.resolve({
        status: 'accepted',
        providerMessageId: emailMessageId(message.touchKey, sender),
        // Counted as sent, not known to be: nothing may be unlocked by it (SMS and
        // LinkedIn wait for an email relationship, which an unseen message is not).
        deliveredOnAccept: false,
      });
    },
    close() {
      transport.close();
    },
  };
}

function parseSmtpUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The value may hold a password: never echoed.
    throw new ProviderConfigurationError('SMTP_URL is not a URL (expected smtp:// or smtps://)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new ProviderConfigurationError('SMTP_URL must start with smtp:// or smtps://');
  }
  return url;
}

function senderOf(from: string): FromAddress {
  try {
    return parseFromAddress(from);
  } catch (error) {
    throw new ProviderConfigurationError(error instanceof Error ? error.message : 'EMAIL_FROM is invalid');
  }
}

interface SmtpFailure {
  message: string;
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  /** The failure happened before the server could have taken the message (no connection, no greeting). */
  beforeSending: boolean;
}

// Failures that prove nothing was handed over: the connection never came up.
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const BEFORE_SESSION_TIMEOUTS = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT']);
// Nodemailer names the command a failure interrupted; before DATA the server holds no message.
const BEFORE_DATA_COMMANDS = /^(CONN|EHLO|HELO|LHLO|STARTTLS|AUTH\b.*|MAIL FROM|RCPT TO)$/;

function smtpFailureOf(error: unknown): SmtpFailure {
  // Read by shape, not `instanceof Error`: socket errors come from Node's own realm,
  // which is not this one under a VM-sandboxed runner (jest).
  if (typeof error !== 'object' || error === null) return { message: String(error), beforeSending: false };
  const fields = error as Record<string, unknown>;
  const text = (key: string): string | undefined =>
    typeof fields[key] === 'string' ? fields[key] : undefined;
  const responseCode = fields.responseCode;
  const originalCode = text('originalCode');
  const timeoutType = text('timeoutType');
  return {
    message: text('message') ?? 'unknown error',
    beforeSending:
      text('code') === 'EDNS' ||
      text('code') === 'ETLS' ||
      (originalCode !== undefined && NOT_CONNECTED.has(originalCode)) ||
      (timeoutType !== undefined && BEFORE_SESSION_TIMEOUTS.has(timeoutType)) ||
      BEFORE_DATA_COMMANDS.test(text('command') ?? ''),
    ...(text('code') === undefined ? {} : { code: text('code') }),
    ...(text('command') === undefined ? {} : { command: text('command') }),
    ...(text('response') === undefined ? {} : { response: text('response') }),
    ...(typeof responseCode === 'number' ? { responseCode } : {}),
  };
}

// Commands whose 5xx speaks about the recipient or this message, not about us.
const MESSAGE_COMMANDS = new Set(['RCPT TO', 'DATA']);
// Nodemailer codes for "the link failed": nothing was refused, try again.
const LINK_FAILURES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL']);

/** Returns the permanent outcome for this message, or throws the error the activity maps to a retry policy. */
export function classifySmtpFailure(error: unknown): SendOutcome {
  const failure = smtpFailureOf(error);
  const reply = failure.response === undefined ? failure.message : failure.response;
  const reason = providerReason(`smtp ${reply}`);
  const code = failure.responseCode;

  if (failure.code === 'EAUTH' || failure.code === 'ENOAUTH' || failure.code === 'EOAUTH2') {
    if (code !== undefined && code >= 400 && code < 500) {
      throw new TransientProviderError(`SMTP login temporarily refused: ${reason}`, undefined, {
        cause: error,
      });
    }
    throw new ProviderConfigurationError(`SMTP login refused: check SMTP_URL credentials (${reason})`, {
      cause: error,
    });
  }
  // 503 (bad sequence of commands) is a session state problem, not a verdict on the message.
  if (code !== undefined && code >= 500 && code !== 503) {
    if (failure.command !== undefined && MESSAGE_COMMANDS.has(failure.command)) {
      return { status: 'rejected', reason };
    }
    if (failure.command === 'MAIL FROM') {
      throw new ProviderConfigurationError(`SMTP server refused the sender EMAIL_FROM: ${reason}`, {
        cause: error,
      });
    }
    // Refused at the greeting or EHLO (our IP is blocked, the relay will not serve us).
    throw new PermanentProviderError(`SMTP server refused the session: ${reason}`, { cause: error });
  }
  if (code !== undefined) {
    throw new TransientProviderError(`SMTP temporary failure: ${reason}`, undefined, { cause: error });
  }
  // Refused before anything was sent: an address nodemailer cannot put in an envelope, or too big.
  if (failure.code === 'EENVELOPE' || failure.code === 'EMESSAGE') return { status: 'rejected', reason };
  if (failure.code === 'ECONFIG' || failure.code === 'EREQUIRETLS') {
    throw new ProviderConfigurationError(`SMTP configuration: ${reason}`, { cause: error });
  }
  if (failure.code !== undefined && LINK_FAILURES.has(failure.code)) {
    throw new TransientProviderError(`SMTP connection failed: ${reason}`, undefined, {
      cause: error,
      outcomeUnknown: !failure.beforeSending,
    });
  }
  throw new TransientProviderError(`SMTP send failed: ${reason}`, undefined, {
    cause: error,
    outcomeUnknown: !failure.beforeSending,
  });
}
