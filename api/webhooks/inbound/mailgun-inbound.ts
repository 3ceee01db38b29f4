import { z } from 'zod';
import { checkMailgunSignature, guardMailgunToken, type MailgunSignatureConfig } from '../mailgun-signature';
import { invalidPayload, missingSignature } from '../webhook-problems';
import { parsePayload, type WebhookHandler, type WebhookResult } from '../webhook-request';
import { parseFormFields, type FormFields } from './form-fields';
import { inboundReplyEvent, type InboundMail } from './inbound-reply';
import { replyText } from './mail-text';
import { mailOfRawMessage } from './raw-message';

/**
 * Mailgun routes' `forward()`: the received mail as a form (urlencoded, or
 * multipart when it has attachments) with the signature in three fields,
 * `timestamp`, `token`, `signature`, computed as for Mailgun's event
 * webhooks (mailgun-signature.ts). The signature lives in the form, so the
 * form is parsed before it is authenticated; nothing in it is used until
 * the signature holds.
 */
const signatureFieldsSchema = z.object({
  timestamp: z.string(),
  token: z.string().min(1).max(200),
  signature: z.string(),
});

const mailFieldsSchema = z.object({
  from: z.string().optional(),
  sender: z.string().optional(),
  subject: z.string().optional(),
  'body-plain': z.string().optional(),
  'stripped-text': z.string().optional(),
  'body-html': z.string().optional(),
  // Posted instead of the parsed fields when the forward URL ends in "mime".
  'body-mime': z.string().optional(),
  'message-headers': z.string().optional(),
  'Message-Id': z.string().optional(),
  'In-Reply-To': z.string().optional(),
  References: z.string().optional(),
});

// Mailgun posts the headers as a JSON list of [name, value] pairs.
const messageHeadersSchema = z.array(z.tuple([z.string(), z.string()]));

function headersOf(json: string | undefined): InboundMail['headers'] {
  if (json === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = undefined;
  }
  const parsed = messageHeadersSchema.safeParse(value);
  if (!parsed.success) throw invalidPayload(parsed.error);
  return parsed.data.map(([name, text]) => ({ name, value: text }));
}

export async function mailOfMailgunForm(fields: FormFields): Promise<InboundMail> {
  const form = parsePayload(mailFieldsSchema, Object.fromEntries(fields));
  if (form['body-mime'] !== undefined) return mailOfRawMessage(form['body-mime']);
  return {
    // `from` is the From header; `sender` the envelope sender, which lists and forwarders rewrite.
    from: form.from ?? form.sender,
    subject: form.subject ?? '',
    text: replyText({ stripped: form['stripped-text'], text: form['body-plain'], html: form['body-html'] }),
    headers: headersOf(form['message-headers']),
    messageId: form['Message-Id'],
    inReplyTo: form['In-Reply-To'],
    references: form.References,
  };
}

export function createMailgunInboundWebhook(config: MailgunSignatureConfig): WebhookHandler {
  return async (request): Promise<WebhookResult> => {
    const parsed = await parseFormFields(request.rawBody, request.header('Content-Type'));
    // Without a readable form there are no signature fields to check.
    if (!parsed.ok) throw missingSignature('mailgun', 'a form with timestamp, token and signature fields');
    const signed = signatureFieldsSchema.safeParse(Object.fromEntries(parsed.fields));
    if (!signed.success) throw missingSignature('mailgun', 'the form fields timestamp, token and signature');
    const signedAtMs = checkMailgunSignature(config, signed.data);
    const result = inboundReplyEvent('mailgun', await mailOfMailgunForm(parsed.fields), config.now());
    await guardMailgunToken(config, signed.data.token, signedAtMs, request.rawBody);
    return result;
  };
}
