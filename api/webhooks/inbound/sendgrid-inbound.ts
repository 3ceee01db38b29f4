import { z } from 'zod';
import { parsePayload, type WebhookHandler, type WebhookResult } from '../webhook-request';
import { requireBasicAuth, type BasicCredentials } from './basic-auth-check';
import { parseFormFields, type FormFields } from './form-fields';
import { malformedForm, unsupportedForm } from './inbound-problems';
import { inboundReplyEvent, type InboundMail } from './inbound-reply';
import { parseHeaderBlock } from './mail-headers';
import { replyText } from './mail-text';
import { mailOfRawMessage } from './raw-message';

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

// `charsets`: {"text":"iso-8859-1",…}, the charset each field came in. Unreadable: UTF-8 is tried.
const charsetsSchema = z.record(z.string(), z.string().max(40));

function charsetsOf(fields: FormFields): (name: string) => string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(fields.get('charsets') ?? '{}');
  } catch {
    value = {};
  }
  const parsed = charsetsSchema.safeParse(value);
  const charsets = parsed.success ? parsed.data : {};
  return (name) => charsets[name];
}

export async function mailOfSendgridForm(form: ParsedForm): Promise<InboundMail> {
  if (form.headers === undefined && form.email !== undefined) return mailOfRawMessage(form.email);
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
    const parsed = await parseFormFields(request.rawBody, request.header('Content-Type'), charsetsOf);
    if (!parsed.ok) throw parsed.reason === 'unsupported' ? unsupportedForm('sendgrid') : malformedForm();
    const form = parsePayload(parsedFormSchema, Object.fromEntries(parsed.fields));
    return inboundReplyEvent('sendgrid', await mailOfSendgridForm(form), config.now());
  };
}
