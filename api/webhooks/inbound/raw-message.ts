import { simpleParser, type ParsedMail } from 'mailparser';
import { malformedMessage } from './inbound-problems';
import type { InboundMail } from './inbound-reply';
import { parseHeaderBlock } from './mail-headers';
import { replyText, MAX_REPLY_TEXT_CHARS } from './mail-text';

/**
 * A whole RFC 5322 message (SendGrid's "send raw" `email` field, Mailgun's
 * `body-mime` when the forward URL ends in "mime") as an InboundMail:
 * mailparser unpacks MIME, transfer encodings and charsets, which a
 * provider's parsed fields would otherwise have done. Attachments are parsed
 * with the rest (the body limit bounds them) and dropped here.
 */
export async function mailOfRawMessage(raw: string): Promise<InboundMail> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, {
      skipTextToHtml: true,
      skipImageLinks: true,
      skipTextLinks: true,
      // The HTML is only a fallback for the text, which is capped far below this.
      maxHtmlLengthToParse: MAX_REPLY_TEXT_CHARS * 10,
    });
  } catch {
    throw malformedMessage();
  }
  const references = parsed.references;
  return {
    from: parsed.from?.value[0]?.address,
    subject: parsed.subject ?? '',
    text: replyText({
      text: parsed.text,
      ...(typeof parsed.html === 'string' ? { html: parsed.html } : {}),
    }),
    headers: parseHeaderBlock(parsed.headerLines.map((header) => header.line).join('\r\n')),
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: Array.isArray(references) ? references.join(' ') : references,
  };
}
