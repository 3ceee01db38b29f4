import { randomBytes } from 'node:crypto';
import { emailMessageId, touchKeyDigest } from '../../../activities/message-channels';
import { computeMailgunSignature } from '../../../api/webhooks/mailgun-signature';
import type { ProviderEvent, ProviderSource } from '../../../api/webhooks/provider-event';
import { fixtureObject, NOW, NOW_SECONDS, TEST_SECRETS } from '../webhook-test-server';

/** The placeholder thread id in the inbound fixtures, replaced by a touch's real Message-ID. */
export const FIXTURE_THREAD_ID = '<nurture.0123456789abcdef0123456789abcdef@acme.test>';

export const TOUCH_KEY = 'nurture-crm-3003:v1:welcome:email:a';
/** The Message-ID the service minted for TOUCH_KEY, as the sending adapters do. */
export const MINTED_ID = emailMessageId(TOUCH_KEY, { email: 'team@acme.test' });

/** A fixture's string fields with the placeholder thread id replaced (by MINTED_ID unless told). */
export function fixtureFields(name: string, threadId = MINTED_ID): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(fixtureObject(name))) {
    if (typeof value === 'string') fields[key] = value.replaceAll(FIXTURE_THREAD_ID, threadId);
  }
  return fields;
}

export interface FilePart {
  field: string;
  filename: string;
  contentType: string;
  content: Buffer;
}

/** A multipart/form-data body built byte by byte, as SendGrid and Mailgun post one (RFC 7578). */
export function multipartBody(
  fields: Readonly<Record<string, string | Buffer>>,
  files: readonly FilePart[] = [],
  partTypes: Readonly<Record<string, string>> = {},
): { body: Buffer; contentType: string } {
  const boundary = `xYzZY${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const type = partTypes[name];
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n` +
          `${type === undefined ? '' : `Content-Type: ${type}\r\n`}\r\n`,
      ),
      typeof value === 'string' ? Buffer.from(value, 'utf8') : value,
      Buffer.from('\r\n'),
    );
  }
  for (const file of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\n` +
          `Content-Type: ${file.contentType}\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export function urlencodedBody(fields: Readonly<Record<string, string>>): string {
  return new URLSearchParams(fields).toString();
}

/** HTTP Basic as a provider sends the credentials of a `https://user:password@…` URL. */
export function basicAuthorization(user: string | undefined, password: string | undefined): string {
  return `Basic ${Buffer.from(`${user ?? ''}:${password ?? ''}`).toString('base64')}`;
}

export const SENDGRID_AUTH = basicAuthorization(
  TEST_SECRETS.sendgridInboundUser,
  TEST_SECRETS.sendgridInboundPassword,
);
export const POSTMARK_AUTH = basicAuthorization(
  TEST_SECRETS.postmarkInboundUser,
  TEST_SECRETS.postmarkInboundPassword,
);

/** Mailgun's three signature fields for a fresh token, signed as Mailgun signs: hex HMAC-SHA256 of timestamp + token. */
export function mailgunSignatureFields(
  timestamp = NOW_SECONDS,
  token = randomBytes(25).toString('hex'),
  key = TEST_SECRETS.mailgunSigningKey ?? '',
): { timestamp: string; token: string; signature: string } {
  return { timestamp, token, signature: computeMailgunSignature(key, timestamp, token) };
}

/**
 * The event every provider's documented inbound fixture maps to (they carry
 * the same mail): the stripped reply, the sender, the thread's touch.
 */
export function fixtureReplyEvent(source: ProviderSource): ProviderEvent {
  return {
    source,
    externalId: expect.stringMatching(/^reply:[0-9a-f]{40}$/),
    type: 'email.replied',
    occurredAt: new Date(NOW).toISOString(),
    match: { email: 'ada@example.com', threadDigests: [touchKeyDigest(TOUCH_KEY)] },
    data: {
      subject: 'Re: Welcome to Acme',
      text: 'Thanks, I would like a demo next week.',
      sender: 'ada@example.com',
    },
  };
}
