import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { MAX_TOKEN_LENGTH, UNSUBSCRIBE_TOKEN_SHAPE } from '../../activities/unsubscribe-link';
import { json, problem, problemContent, v1 } from './openapi-parts';

/** The routes outside /v1: the unsubscribe links, health checks and provider webhooks. */
export function registerPublicPaths(registry: OpenAPIRegistry): void {
  registerUnsubscribe(registry);
  for (const path of ['/healthz', '/readyz']) {
    registry.registerPath({
      method: 'get',
      path,
      summary: path === '/healthz' ? 'The process is up' : 'Database and Temporal answer',
      responses: { 200: json('Ready.'), 503: json('Not ready.') },
    });
  }
  v1(registry, {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics of this process',
    description:
      'Prometheus text format 0.0.4: touches, decisions, events, webhook verification failures, hand-off SLA ' +
      'breaches, consent refusals, inbox backlog, bulk rows pending, HTTP durations. `METRICS_PORT` serves the ' +
      'same text without a key on its own listener.',
    scopes: ['read'],
    responses: {
      200: { description: 'The metrics.', content: { 'text/plain': { schema: { type: 'string' } } } },
    },
  });
  registerWebhooks(registry);
}

const html = { 'text/html': { schema: { type: 'string' as const } } };

/** Browsers get a page, a client that prefers JSON gets problem+json: both are documented per status. */
function pageOrProblem(description: string) {
  return { description, content: { ...html, ...problemContent } };
}

function registerUnsubscribe(registry: OpenAPIRegistry): void {
  const params = z.strictObject({
    token: z
      .string()
      .max(MAX_TOKEN_LENGTH)
      .regex(UNSUBSCRIBE_TOKEN_SHAPE)
      .describe('The signed token from the email: `<payload>.<signature>`, base64url.'),
  });
  const errors = {
    400: pageOrProblem('Not the shape of an unsubscribe link (cut short, or mangled).'),
    404: pageOrProblem('Not a link this service signed.'),
    501: problem('UNSUBSCRIBE_SECRET is not set (a client that asked for JSON).'),
    503: { description: 'UNSUBSCRIBE_SECRET is not set (a browser).', content: html },
  };
  registry.registerPath({
    method: 'get',
    path: '/u/{token}',
    summary: 'Unsubscribe confirmation page (never unsubscribes: mail scanners follow links)',
    description: 'HTML unless the client prefers JSON (`Accept`), errors included.',
    request: { params },
    responses: { 200: { description: 'A page with a button that POSTs.', content: html }, ...errors },
  });
  const form = {
    schema: {
      type: 'object' as const,
      properties: { 'List-Unsubscribe': { type: 'string' as const, enum: ['One-Click'] } },
    },
  };
  registry.registerPath({
    method: 'post',
    path: '/u/{token}',
    summary: 'Unsubscribe at once (RFC 8058 one-click, or the page button)',
    description:
      'Any body unsubscribes; `List-Unsubscribe=One-Click` (RFC 8058) is recorded as the mailbox’s one-click.',
    request: {
      params,
      body: {
        content: {
          'application/x-www-form-urlencoded': form,
          'multipart/form-data': form,
        },
      },
    },
    responses: {
      200: { description: 'Unsubscribed (or already).', content: html },
      ...errors,
      413: problem('The body exceeds 4 kB.'),
    },
  });
}

const WEBHOOKS = [
  ['/webhooks/sendgrid', 'SendGrid Event Webhook (signed, ECDSA)'],
  ['/webhooks/twilio/sms', 'Twilio inbound SMS (X-Twilio-Signature)'],
  ['/webhooks/twilio/status', 'Twilio message status callback (X-Twilio-Signature)'],
  ['/webhooks/calcom', 'Cal.com bookings (X-Cal-Signature-256)'],
  ['/webhooks/calendly', 'Calendly v2 invitee events (Calendly-Webhook-Signature)'],
  ['/webhooks/mailgun', 'Mailgun events (signature in the body)'],
  ['/webhooks/postmark', 'Postmark events (HTTP Basic)'],
  ['/webhooks/sendgrid/inbound', 'SendGrid Inbound Parse: replies (multipart form, HTTP Basic)'],
  ['/webhooks/mailgun/inbound', 'Mailgun route forwards: replies (form, signature in the fields)'],
  ['/webhooks/postmark/inbound', 'Postmark inbound mail: replies (JSON, HTTP Basic)'],
] as const;

function registerWebhooks(registry: OpenAPIRegistry): void {
  for (const [path, summary] of WEBHOOKS) {
    const ok =
      path === '/webhooks/twilio/sms'
        ? {
            description: 'Recorded (or a duplicate); an empty TwiML reply.',
            content: { 'text/xml': { schema: { type: 'string' as const } } },
          }
        : json('Recorded (or a duplicate).');
    registry.registerPath({
      method: 'post',
      path,
      summary,
      description:
        "Verified over the raw body with the provider's signature; no API key. See api/webhooks/README.md.",
      responses: {
        200: ok,
        400: problem('Authentic, but the payload is malformed.'),
        401: problem('Missing, bad or stale signature or credentials.'),
        403: problem('An authentic signature already used (a replay).'),
        ...(path.endsWith('/inbound')
          ? {
              413: problem('The mail, attachments included, exceeds 30 MB.'),
              415: problem('Not a form (multipart/form-data or form-urlencoded).'),
            }
          : { 413: problem('The body exceeds 1 MB.') }),
        501: problem('Not configured: the detail names the variable to set.'),
      },
    });
  }
}
