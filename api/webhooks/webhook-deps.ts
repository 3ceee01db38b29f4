import type { ProviderEvent } from './provider-event';
import type { ReplayGuard } from './replay-guard';

/** Provider credentials; an unset (or empty) one turns its endpoint off with a 501. */
export interface WebhookSecrets {
  /** SENDGRID_WEBHOOK_PUBLIC_KEY: the verification key SendGrid shows (base64 DER SPKI; PEM accepted). */
  sendgridPublicKey?: string;
  /** TWILIO_AUTH_TOKEN */
  twilioAuthToken?: string;
  /**
   * TWILIO_WEBHOOK_SHARED_KEY_SECRET: the secret of the SharedKey a Twilio
   * Webhooks Setting signs with (X-Twilio-Webhooks-Signature-Settings);
   * comma-separated during a key rotation. Unset: only Auth Token signatures.
   */
  twilioSharedKeySecret?: string;
  /**
   * PUBLIC_BASE_URL: the origin Twilio calls, plus any path prefix a proxy
   * strips before the request reaches this service (Twilio signs the URL it
   * called, which this service cannot see behind a proxy).
   */
  publicBaseUrl?: string;
  /** CALCOM_WEBHOOK_SECRET */
  calcomSecret?: string;
  /** CALENDLY_WEBHOOK_SIGNING_KEY */
  calendlySigningKey?: string;
  /** MAILGUN_WEBHOOK_SIGNING_KEY */
  mailgunSigningKey?: string;
  /** POSTMARK_WEBHOOK_USER */
  postmarkUser?: string;
  /** POSTMARK_WEBHOOK_PASSWORD */
  postmarkPassword?: string;
  /** SENDGRID_INBOUND_USER: HTTP Basic user in the Inbound Parse URL (Parse signs nothing by default). */
  sendgridInboundUser?: string;
  /** SENDGRID_INBOUND_PASSWORD */
  sendgridInboundPassword?: string;
  /** POSTMARK_INBOUND_USER: HTTP Basic user in the Postmark server's inbound webhook URL. */
  postmarkInboundUser?: string;
  /** POSTMARK_INBOUND_PASSWORD */
  postmarkInboundPassword?: string;
}

/** How old a signed timestamp may be, per provider whose scheme carries one. */
export interface SignatureMaxAges {
  sendgrid: number;
  calendly: number;
  mailgun: number;
}

export const DEFAULT_SIGNATURE_MAX_AGE_MS: SignatureMaxAges = {
  // SendGrid documents no window; five minutes is the common choice for
  // timestamped signatures (Standard Webhooks) and absorbs clock skew.
  sendgrid: 5 * 60_000,
  // Calendly's own verification example uses three minutes.
  calendly: 3 * 60_000,
  // Mailgun asks to "check the timestamp is not too far from the current time" without a number.
  mailgun: 5 * 60_000,
};

export interface WebhookDeps {
  secrets: WebhookSecrets;
  /** Durably records the events (inbox); resolves only once they are stored. Throws on failure (→ 5xx so the provider retries). */
  ingest: (events: ProviderEvent[]) => Promise<void>;
  /** Returns true if this (provider, token) was seen before; remembers it until expiresAt. */
  replayGuard: ReplayGuard;
  /** Epoch milliseconds. */
  now: () => number;
  /** Overrides of DEFAULT_SIGNATURE_MAX_AGE_MS. */
  signatureMaxAgeMs?: Partial<SignatureMaxAges>;
}
