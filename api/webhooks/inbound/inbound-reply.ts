import { createHash } from 'node:crypto';
import { touchDigestOfMessageId } from '../../../activities/message-channels';
import { headersSayAutoReply, type MailHeader } from '../../../replies/auto-reply-headers';
import type { ProviderEvent, ProviderEventData, ProviderSource } from '../provider-event';
import type { WebhookResult } from '../webhook-request';
import { addressIn, headerValue, messageIdsIn } from './mail-headers';
import { MAX_REPLY_TEXT_CHARS } from './mail-text';

/** A received mail as every inbound provider's adapter reduces it. */
export interface InboundMail {
  /** The From value (`"Name" <address>` or an address). */
  from: string | undefined;
  subject: string;
  /** The text to read (mail-text.ts replyText): never stored as it is. */
  text: string;
  headers: readonly MailHeader[];
  /** Fields a provider gives apart from the headers; each wins over its header. */
  messageId?: string | undefined;
  inReplyTo?: string | undefined;
  references?: string | undefined;
}

const MAX_SUBJECT_CHARS = 500;

/**
 * The touch-key digests a reply's thread names, nearest first: In-Reply-To
 * (the mail answered), then References from the newest back. Only ids this
 * service minted count (activities/message-channels.ts emailMessageId).
 */
export function threadDigestsOf(mail: InboundMail): string[] {
  const inReplyTo = messageIdsIn(mail.inReplyTo ?? headerValue(mail.headers, 'In-Reply-To'));
  const references = messageIdsIn(mail.references ?? headerValue(mail.headers, 'References')).reverse();
  const digests = [...inReplyTo, ...references]
    .map(touchDigestOfMessageId)
    .filter((digest): digest is string => digest !== null);
  return [...new Set(digests)];
}

// The mail's own Message-ID, hashed: a redelivery maps to the same event, and
// the id (which may hold an address) is not stored in clear. Mail without one
// is told apart by what it says.
function externalIdOf(mail: InboundMail, sender: string | undefined): string {
  const messageId = mail.messageId ?? headerValue(mail.headers, 'Message-ID');
  const identity =
    messageId !== undefined && messageId.trim() !== ''
      ? `id\n${messageId.trim()}`
      : `content\n${sender ?? ''}\n${mail.subject}\n${mail.text}`;
  return `reply:${createHash('sha256').update(identity, 'utf8').digest('hex').slice(0, 40)}`;
}

/**
 * An inbound mail as the `email.replied` event the events route records for
 * a reply posted with `subject` and `text` (replies/read-reply.ts reads both
 * in the inbox: auto-reply, return date, excerpt; the text is not kept), plus
 * `autoReply` when the headers say a machine wrote it and the sender's address.
 * Matched by the thread's minted Message-IDs, else by the sender; mail with
 * neither cannot be tied to anyone and is ignored.
 */
export function inboundReplyEvent(
  source: ProviderSource,
  mail: InboundMail,
  receivedAtMs: number,
): WebhookResult {
  const sender = addressIn(mail.from);
  const threadDigests = threadDigestsOf(mail);
  if (sender === undefined && threadDigests.length === 0) {
    return { events: [], ignored: ['inbound mail without a sender address or a thread of ours'] };
  }
  const data: ProviderEventData = {
    subject: mail.subject.slice(0, MAX_SUBJECT_CHARS),
    text: mail.text.slice(0, MAX_REPLY_TEXT_CHARS),
    ...(sender === undefined ? {} : { sender }),
    ...(headersSayAutoReply(mail.headers) ? { autoReply: true } : {}),
  };
  const event: ProviderEvent = {
    source,
    externalId: externalIdOf(mail, sender),
    type: 'email.replied',
    // When it reached us: the Date header is the sender's clock and claim.
    occurredAt: new Date(receivedAtMs).toISOString(),
    match: {
      ...(sender === undefined ? {} : { email: sender }),
      ...(threadDigests.length === 0 ? {} : { threadDigests }),
    },
    data,
  };
  return { events: [event], ignored: [] };
}
