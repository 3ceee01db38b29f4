import { z } from 'zod';
import { parseJsonBody, parsePayload, type WebhookHandler, type WebhookResult } from '../webhook-request';
import { requireBasicAuth, type BasicCredentials } from './basic-auth-check';
import { inboundReplyEvent, type InboundMail } from './inbound-reply';
import { headerValue } from './mail-headers';
import { replyText } from './mail-text';

/**
 * Postmark's inbound webhook: one JSON document per received mail, posted to
 * the server's inbound URL, which carries HTTP Basic credentials as the
 * other Postmark webhook does (Postmark signs nothing).
 */
export const POSTMARK_INBOUND_REALM = 'postmark-inbound';

const inboundSchema = z.object({
  From: z.string().nullish(),
  FromFull: z.object({ Email: z.string().nullish() }).nullish(),
  Subject: z.string().nullish(),
  TextBody: z.string().nullish(),
  HtmlBody: z.string().nullish(),
  StrippedTextReply: z.string().nullish(),
  // Postmark's own id of the inbound message; the mail's Message-ID is among the headers.
  MessageID: z.string().nullish(),
  Headers: z.array(z.object({ Name: z.string(), Value: z.string() })).nullish(),
});

const orUndefined = (value: string | null | undefined): string | undefined => value ?? undefined;

export function mailOfPostmarkInbound(body: unknown): InboundMail {
  const record = parsePayload(inboundSchema, body);
  const headers = (record.Headers ?? []).map(({ Name, Value }) => ({ name: Name, value: Value }));
  return {
    from: orUndefined(record.FromFull?.Email) ?? orUndefined(record.From),
    subject: record.Subject ?? '',
    text: replyText({
      stripped: orUndefined(record.StrippedTextReply),
      text: orUndefined(record.TextBody),
      html: orUndefined(record.HtmlBody),
    }),
    headers,
    messageId: headerValue(headers, 'Message-ID') ?? orUndefined(record.MessageID),
  };
}

export function createPostmarkInboundWebhook(
  config: BasicCredentials & { now: () => number },
): WebhookHandler {
  return (request): Promise<WebhookResult> => {
    requireBasicAuth('postmark', request, config);
    const mail = mailOfPostmarkInbound(parseJsonBody(request.rawBody));
    return Promise.resolve(inboundReplyEvent('postmark', mail, config.now()));
  };
}
