import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { ProblemError } from '../problem';
import { createCalcomWebhook } from './calcom';
import { createCalendlyWebhook } from './calendly';
import { basicChallenge } from './inbound/basic-auth-check';
import { createMailgunInboundWebhook } from './inbound/mailgun-inbound';
import { createPostmarkInboundWebhook, POSTMARK_INBOUND_REALM } from './inbound/postmark-inbound';
import { createSendgridInboundWebhook, SENDGRID_INBOUND_REALM } from './inbound/sendgrid-inbound';
import { createMailgunWebhook } from './mailgun';
import { createPostmarkWebhook, POSTMARK_AUTH_CHALLENGE } from './postmark';
import type { ProviderSource } from './provider-event';
import { createSendgridWebhook, parseSendgridPublicKey } from './sendgrid';
import { assertPublicBaseUrl, createTwilioInboundWebhook, createTwilioStatusWebhook } from './twilio';
import { DEFAULT_SIGNATURE_MAX_AGE_MS, type WebhookDeps, type WebhookSecrets } from './webhook-deps';
import { notConfigured } from './webhook-problems';
import type { WebhookHandler, WebhookResult } from './webhook-request';

export type { WebhookDeps, WebhookSecrets } from './webhook-deps';
export type { ProviderEvent } from './provider-event';
export { createMemoryReplayGuard } from './replay-guard';

export const WEBHOOK_BODY_LIMIT = '1mb';
/**
 * Received mail comes with its attachments (drained, never kept): SendGrid
 * Inbound Parse takes messages up to 30 MB, Mailgun up to 25 MB. A larger one
 * is answered 413.
 */
export const INBOUND_MAIL_BODY_LIMIT = '30mb';

/** How an endpoint answers once the events are stored. */
type ReplyFormat = 'json' | 'twiml';

interface WebhookRoute {
  path: string;
  source: ProviderSource;
  /** The environment variables this endpoint needs, with the value each one holds. */
  requires: Partial<Record<string, string | undefined>>;
  /** Builds the handler from the (present) secrets; throws at start on a malformed one. */
  build: (secret: (variable: string) => string) => WebhookHandler;
  reply: ReplyFormat;
  /** WWW-Authenticate value sent with a 401, for schemes that have one. */
  authChallenge?: string;
  /** Over WEBHOOK_BODY_LIMIT, for received mail. */
  bodyLimit?: string;
}

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function routesFor(deps: WebhookDeps): WebhookRoute[] {
  const { secrets } = deps;
  const maxAge = { ...DEFAULT_SIGNATURE_MAX_AGE_MS, ...deps.signatureMaxAgeMs };
  const twilio = (secret: (variable: string) => string) => {
    const publicBaseUrl = secret('PUBLIC_BASE_URL');
    assertPublicBaseUrl(publicBaseUrl);
    return {
      authToken: secret('TWILIO_AUTH_TOKEN'),
      // Optional: only webhooks a Twilio Webhooks Rule signs with a SharedKey need it.
      sharedKeySecrets: (secrets.twilioSharedKeySecret ?? '')
        .split(',')
        .map((key) => key.trim())
        .filter((key) => key !== ''),
      publicBaseUrl,
      now: deps.now,
    };
  };
  const twilioVariables = {
    TWILIO_AUTH_TOKEN: secrets.twilioAuthToken,
    PUBLIC_BASE_URL: secrets.publicBaseUrl,
  };
  return [
    {
      path: '/webhooks/sendgrid',
      source: 'sendgrid',
      requires: { SENDGRID_WEBHOOK_PUBLIC_KEY: secrets.sendgridPublicKey },
      build: (secret) =>
        createSendgridWebhook({
          publicKey: parseSendgridPublicKey(secret('SENDGRID_WEBHOOK_PUBLIC_KEY')),
          maxAgeMs: maxAge.sendgrid,
          now: deps.now,
        }),
      reply: 'json',
    },
    {
      path: '/webhooks/twilio/sms',
      source: 'twilio',
      requires: twilioVariables,
      build: (secret) => createTwilioInboundWebhook(twilio(secret)),
      reply: 'twiml',
    },
    {
      path: '/webhooks/twilio/status',
      source: 'twilio',
      requires: twilioVariables,
      build: (secret) => createTwilioStatusWebhook(twilio(secret)),
      reply: 'json',
    },
    {
      path: '/webhooks/calcom',
      source: 'calcom',
      requires: { CALCOM_WEBHOOK_SECRET: secrets.calcomSecret },
      build: (secret) => createCalcomWebhook({ secret: secret('CALCOM_WEBHOOK_SECRET') }),
      reply: 'json',
    },
    {
      path: '/webhooks/calendly',
      source: 'calendly',
      requires: { CALENDLY_WEBHOOK_SIGNING_KEY: secrets.calendlySigningKey },
      build: (secret) =>
        createCalendlyWebhook({
          signingKey: secret('CALENDLY_WEBHOOK_SIGNING_KEY'),
          maxAgeMs: maxAge.calendly,
          now: deps.now,
        }),
      reply: 'json',
    },
    {
      path: '/webhooks/mailgun',
      source: 'mailgun',
      requires: { MAILGUN_WEBHOOK_SIGNING_KEY: secrets.mailgunSigningKey },
      build: (secret) =>
        createMailgunWebhook({
          signingKey: secret('MAILGUN_WEBHOOK_SIGNING_KEY'),
          maxAgeMs: maxAge.mailgun,
          replayGuard: deps.replayGuard,
          now: deps.now,
        }),
      reply: 'json',
    },
    {
      path: '/webhooks/postmark',
      source: 'postmark',
      requires: {
        POSTMARK_WEBHOOK_USER: secrets.postmarkUser,
        POSTMARK_WEBHOOK_PASSWORD: secrets.postmarkPassword,
      },
      build: (secret) =>
        createPostmarkWebhook({
          user: secret('POSTMARK_WEBHOOK_USER'),
          password: secret('POSTMARK_WEBHOOK_PASSWORD'),
        }),
      reply: 'json',
      authChallenge: POSTMARK_AUTH_CHALLENGE,
    },
    ...inboundRoutes(deps, maxAge.mailgun),
  ];
}

/** The inbound mail endpoints: replies read from the mail thread (inbound/inbound-reply.ts). */
function inboundRoutes(deps: WebhookDeps, mailgunMaxAgeMs: number): WebhookRoute[] {
  const { secrets } = deps;
  return [
    {
      path: '/webhooks/sendgrid/inbound',
      source: 'sendgrid',
      requires: {
        SENDGRID_INBOUND_USER: secrets.sendgridInboundUser,
        SENDGRID_INBOUND_PASSWORD: secrets.sendgridInboundPassword,
      },
      build: (secret) =>
        createSendgridInboundWebhook({
          user: secret('SENDGRID_INBOUND_USER'),
          password: secret('SENDGRID_INBOUND_PASSWORD'),
          now: deps.now,
        }),
      reply: 'json',
      authChallenge: basicChallenge(SENDGRID_INBOUND_REALM),
      bodyLimit: INBOUND_MAIL_BODY_LIMIT,
    },
    {
      path: '/webhooks/mailgun/inbound',
      source: 'mailgun',
      requires: { MAILGUN_WEBHOOK_SIGNING_KEY: secrets.mailgunSigningKey },
      build: (secret) =>
        createMailgunInboundWebhook({
          signingKey: secret('MAILGUN_WEBHOOK_SIGNING_KEY'),
          maxAgeMs: mailgunMaxAgeMs,
          replayGuard: deps.replayGuard,
          now: deps.now,
        }),
      reply: 'json',
      bodyLimit: INBOUND_MAIL_BODY_LIMIT,
    },
    {
      path: '/webhooks/postmark/inbound',
      source: 'postmark',
      requires: {
        POSTMARK_INBOUND_USER: secrets.postmarkInboundUser,
        POSTMARK_INBOUND_PASSWORD: secrets.postmarkInboundPassword,
      },
      build: (secret) =>
        createPostmarkInboundWebhook({
          user: secret('POSTMARK_INBOUND_USER'),
          password: secret('POSTMARK_INBOUND_PASSWORD'),
          now: deps.now,
        }),
      reply: 'json',
      authChallenge: basicChallenge(POSTMARK_INBOUND_REALM),
      bodyLimit: INBOUND_MAIL_BODY_LIMIT,
    },
  ];
}

/**
 * Raw bytes for these routes only: a signature is checked over exactly what
 * the provider sent, never over a re-serialised body.
 */
function rawBody(limit: string): RequestHandler {
  return express.raw({ type: () => true, limit });
}

function bodyBytes(req: Request): Buffer {
  const body: unknown = req.body;
  if (Buffer.isBuffer(body)) return body;
  // No body at all: the signature check decides (it fails, unless a provider signs nothing).
  if (body === undefined) return Buffer.alloc(0);
  // Another parser consumed the stream first: the raw bytes are gone and no
  // signature can be checked honestly. A wiring bug, so a 500, not a 4xx.
  throw new Error('webhooks router must be mounted before any body parser (express.json…)');
}

function twimlReply(ignored: readonly string[]): string {
  // Twilio wants TwiML back; an empty Response sends nothing to the lead. Why a
  // message led to no event is said in an XML comment (fixed reasons, never message text).
  const declaration = '<?xml version="1.0" encoding="UTF-8"?>';
  if (ignored.length === 0) return `${declaration}<Response/>`;
  return `${declaration}<Response><!-- ignored: ${ignored.join('; ').replace(/--/g, '-')} --></Response>`;
}

function endpoint(route: WebhookRoute, handler: WebhookHandler, deps: WebhookDeps): RequestHandler {
  return async (req: Request, res: Response) => {
    let result: WebhookResult;
    try {
      result = await handler({
        rawBody: bodyBytes(req),
        header: (name) => req.get(name),
        originalUrl: req.originalUrl,
      });
    } catch (error) {
      if (route.authChallenge !== undefined && error instanceof ProblemError && error.status === 401) {
        res.setHeader('WWW-Authenticate', route.authChallenge);
      }
      throw error;
    }
    // Only a stored event is acknowledged: ingest throwing reaches the error
    // handler as a 500, and the provider retries.
    if (result.events.length > 0) await deps.ingest(result.events);
    if (route.reply === 'twiml') {
      res.status(200).type('text/xml').send(twimlReply(result.ignored));
      return;
    }
    res.status(200).json({ received: result.events.length, ignored: result.ignored.length });
  };
}

/**
 * The provider webhooks: POST /webhooks/{sendgrid,twilio/sms,twilio/status,
 * calcom,calendly,mailgun,postmark} and the inbound mail of
 * /webhooks/{sendgrid,mailgun,postmark}/inbound. Mount it BEFORE the app's JSON body
 * parser, and before the not-found handler; the app's error handler renders
 * the problems. Handlers are built here, so a malformed key or
 * PUBLIC_BASE_URL fails at start; an unset one leaves its endpoint answering
 * 501 without reading the body.
 */
export function createWebhooksRouter(deps: WebhookDeps): Router {
  const router = Router();
  for (const route of routesFor(deps)) {
    const missing = Object.entries(route.requires)
      .filter(([, value]) => !present(value))
      .map(([variable]) => variable);
    if (missing.length > 0) {
      const problem = notConfigured(route.source, missing);
      router.post(route.path, () => {
        throw problem;
      });
      continue;
    }
    const handler = route.build((variable) => {
      const value = route.requires[variable];
      if (!present(value)) throw new Error(`${variable} is not set`);
      return value;
    });
    router.post(route.path, rawBody(route.bodyLimit ?? WEBHOOK_BODY_LIMIT), endpoint(route, handler, deps));
  }
  return router;
}

/** The secrets from an environment, empty strings counting as unset (for the service's wiring). */
export function webhookSecretsFromEnv(env: Readonly<Record<string, string | undefined>>): WebhookSecrets {
  const read = (name: string): string | undefined => (present(env[name]) ? env[name] : undefined);
  return {
    sendgridPublicKey: read('SENDGRID_WEBHOOK_PUBLIC_KEY'),
    twilioAuthToken: read('TWILIO_AUTH_TOKEN'),
    twilioSharedKeySecret: read('TWILIO_WEBHOOK_SHARED_KEY_SECRET'),
    publicBaseUrl: read('PUBLIC_BASE_URL'),
    calcomSecret: read('CALCOM_WEBHOOK_SECRET'),
    calendlySigningKey: read('CALENDLY_WEBHOOK_SIGNING_KEY'),
    mailgunSigningKey: read('MAILGUN_WEBHOOK_SIGNING_KEY'),
    postmarkUser: read('POSTMARK_WEBHOOK_USER'),
    postmarkPassword: read('POSTMARK_WEBHOOK_PASSWORD'),
    sendgridInboundUser: read('SENDGRID_INBOUND_USER'),
    sendgridInboundPassword: read('SENDGRID_INBOUND_PASSWORD'),
    postmarkInboundUser: read('POSTMARK_INBOUND_USER'),
    postmarkInboundPassword: read('POSTMARK_INBOUND_PASSWORD'),
  };
}
