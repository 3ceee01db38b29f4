import { generateKeyPairSync } from 'node:crypto';
import type { WebhookSecrets } from '../../api/webhooks/webhook-deps';

/**
 * Every provider webhook configured (a fresh SendGrid key, a word for the
 * shared secrets), so an endpoint verifies and refuses a request instead of
 * answering 501: what fuzzers need to reach the verification code.
 */
export function allWebhookSecrets(word: string): WebhookSecrets {
  return {
    sendgridPublicKey: generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .publicKey.export({ type: 'spki', format: 'der' })
      .toString('base64'),
    twilioAuthToken: word,
    publicBaseUrl: 'https://nurture.example.com',
    calcomSecret: word,
    calendlySigningKey: word,
    mailgunSigningKey: word,
    postmarkUser: word,
    postmarkPassword: word,
    sendgridInboundUser: word,
    sendgridInboundPassword: word,
    postmarkInboundUser: word,
    postmarkInboundPassword: word,
  };
}
