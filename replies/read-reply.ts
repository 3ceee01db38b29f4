import type { InputJsonObject, InputJsonValue } from '../prisma/generated/internal/prismaNamespace';
import { isAutoReply } from '../workflows/rules/auto-reply';
import { readLeadEvent, type LeadEventType } from '../workflows/lead-event';
import { subjectSaysAutoReply } from './auto-reply-subject';
import { returnDateIn } from './return-date';

/** The longest excerpt of a reply the inbox keeps, for the hand-off context. */
export const REPLY_EXCERPT_CHARS = 280;
const SUBJECT_CHARS = 200;

/** Events whose data may carry a mail's `subject` and `text`. */
const MAIL_REPLIES: readonly LeadEventType[] = ['email.replied'];

/**
 * What the inbox keeps of an email reply, read once where the reply enters
 * (the events route, the inbound mail webhooks), so the same reply postpones
 * the same way on every path: whether it is an automatic answer
 * (`autoReply`), the return date an out-of-office gives (`returnDate`, in
 * the lead's time zone), and a short excerpt. The full text is not kept:
 * only what the rules and the hand-off need. A caller's own `autoReply` or
 * `returnDate` wins over what is read.
 */
export function readReplyData(
  type: LeadEventType,
  data: InputJsonObject,
  at: { receivedAt: Date; timeZone: string },
): InputJsonObject {
  if (!carriesMailText(type, data)) return data;
  const reply = readLeadEvent({
    id: '',
    type: 'email.replied',
    occurredAt: at.receivedAt.toISOString(),
    data,
  });
  const subject = reply.data.subject ?? '';
  const text = reply.data.text ?? '';
  const autoReply = subjectSaysAutoReply(subject) || isAutoReply(reply);
  const given = reply.data.returnDate ?? null;
  const read = autoReply && given === null ? returnDateIn(`${subject}\n${text}`, at) : null;
  const excerpt = excerptOf(text);
  const out: Record<string, InputJsonValue | null | undefined> = {};
  for (const [key, value] of Object.entries(data)) if (key !== 'text') out[key] = value;
  if (subject !== '') out.subject = subject.slice(0, SUBJECT_CHARS);
  if (excerpt !== '') out.excerpt = excerpt;
  if (autoReply) out.autoReply = true;
  if (read !== null) out.returnDate = read.toISOString();
  return out;
}

/** Whether this is an email reply whose data carries its mail's subject or text, to be read. */
export function carriesMailText(type: LeadEventType, data: InputJsonObject): boolean {
  return (
    MAIL_REPLIES.includes(type) &&
    ((typeof data.subject === 'string' && data.subject !== '') ||
      (typeof data.text === 'string' && data.text !== ''))
  );
}

/** Lines that start the quoted thread below a reply, in the four languages' mail clients. */
const QUOTE_HEADER =
  /^(on .+ wrote:|am .+ schrieb .+:|le .+ a écrit ?:|el .+ escribió:|-{2,} ?(original message|ursprüngliche nachricht|message d'origine|mensaje original) ?-{2,}|from: .+)$/iu;

/** The reply's own words: the quoted thread and signatures' line noise left out, capped. */
export function excerptOf(text: string): string {
  const own: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (QUOTE_HEADER.test(trimmed)) break;
    if (trimmed.startsWith('>')) continue;
    if (trimmed !== '') own.push(trimmed);
  }
  const joined = own.join(' ').replace(/\s+/g, ' ');
  return joined.length <= REPLY_EXCERPT_CHARS ? joined : `${joined.slice(0, REPLY_EXCERPT_CHARS - 1)}…`;
}
