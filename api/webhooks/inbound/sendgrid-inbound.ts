import { z } from 'zod';
import { parsePayload, type WebhookHandler, type WebhookResult } from '../webhook-request';
import { requireBasicAuth, type BasicCredentials } from './basic-auth-check';
import { parseFormFields } from './form-fields';
import { malformedForm, unsupportedForm } from './inbound-problems';
import { inboundReplyEvent, type InboundMail } from './inbound-reply';
import { decodeEncodedWords, headerValue, parseHeaderBlock } from './mail-headers';
import { replyText } from './mail-text';

/**
 * SendGrid Inbound Parse: a multipart/form-data POST per received mail, with
 * `from`, `subject`, `text`, `html` and the raw header block in `headers`
 * (default mode), or the whole message in `email` ("send raw"). SendGrid's
 * plain Parse URL signs nothing, so the URL carries HTTP Basic credentials
 * (https://user:password@host/webhooks/sendgrid/inbound), checked before the
 * body is read.
 */
export const SENDGRID_INBOUND_REALM = 'sendgrid-inbound';

const parsedFormSchema = z.object({
  from: z.string().optional(),
  subject: z.string().optional(),
  text: z.string().optional(),
  html: z.string().optional(),
  headers: z.string().optional(),
  email: z.string().optional(),
});

type ParsedForm = z.output<typeof parsedFormSchema>;

/** "Send raw": the header block is read; the text only from a single-part plain message (MIME is not unpacked). */
function rawMail(raw: string): InboundMail {
  const split = /\r?\n\r?\n/.exec(raw);
  const head = split === null ? raw : raw.slice(0, split.index);
  const body = split === null ? '' : raw.slice(split.index + split[0].length);
  const headers = parseHeaderBlock(head);
  const type = (headerValue(headers, 'Content-Type') ?? 'text/plain').toLowerCase();
  const transfer = (headerValue(headers, 'Content-Transfer-Encoding') ?? '7bit').toLowerCase();
  const plain = type.startsWith('text/plain') && /^(7bit|8bit|binary)$/.test(transfer);
  return {
    from: decodeEncodedWords(headerValue(headers, 'From') ?? ''),
    subject: decodeEncodedWords(headerValue(headers, 'Subject') ?? ''),
    text: plain ? replyText({ text: body }) : '',
    headers,
  };
}

export function mailOfSendgridForm(form: ParsedForm): InboundMail {
  if (form.headers === undefined && form.email !== undefined) return rawMail(form.email);
  return {
    from: form.from,
    subject: form.subject ?? '',
    text: replyText({ text: form.text, html: form.html }),
    headers: parseHeaderBlock(form.headers ?? ''),
  };
}

export function createSendgridInboundWebhook(
  config: BasicCredentials & { now: () => number },
): WebhookHandler {
  return async (request): Promise<WebhookResult> => {
    requireBasicAuth('sendgrid', request, config);
    const parsed = await parseFormFields(request.rawBody, request.header('Content-Type'));
    if (!parsed.ok) throw parsed.reason === 'unsupported' ? unsupportedForm('sendgrid') : malformedForm();
    const form = parsePayload(parsedFormSchema, Object.fromEntries(parsed.fields));
    return inboundReplyEvent('sendgrid', mailOfSendgridForm(form), config.now());
  };
}
