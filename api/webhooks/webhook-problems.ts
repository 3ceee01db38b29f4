import type { z } from 'zod';
import { webhookVerificationFailuresTotal } from '../../metrics/service-metrics';
import { ProblemError, validationProblem } from '../problem';
import type { ProviderSource } from './provider-event';

/**
 * The problems a webhook endpoint answers with. Status codes, consistently for
 * every provider:
 * - 501 the provider is not configured (names the variables to set);
 * - 401 the request cannot be authenticated: signature or credentials missing,
 *   wrong, or signed too long ago;
 * - 403 the signature is authentic but was already used for another payload
 *   (a token that does not cover the body, reused); a verified redelivery of
 *   the same request is never refused: it is answered 2xx and applies nothing;
 * - 400 authentic, but the payload is malformed.
 * Details never echo what was sent: signatures are secrets-derived and
 * payloads carry personal data.
 */

const PROVIDER_NAMES: Record<ProviderSource, string> = {
  sendgrid: 'SendGrid',
  twilio: 'Twilio',
  calcom: 'Cal.com',
  calendly: 'Calendly',
  mailgun: 'Mailgun',
  postmark: 'Postmark',
};

/** Every refusal of an unverifiable request is counted where its problem is made. */
function countRefusal(source: ProviderSource, reason: string): void {
  webhookVerificationFailuresTotal.inc({ provider: source, reason });
}

export function providerName(source: ProviderSource): string {
  return PROVIDER_NAMES[source];
}

export function notConfigured(source: ProviderSource, variables: readonly string[]): ProblemError {
  return new ProblemError(
    501,
    'webhook-not-configured',
    'Webhook not configured',
    `The ${providerName(source)} webhook is off: set ${variables.join(' and ')}.`,
  );
}

export function missingSignature(source: ProviderSource, what: string): ProblemError {
  countRefusal(source, 'signature-missing');
  return new ProblemError(
    401,
    'webhook-signature-missing',
    'Webhook signature missing',
    `The ${providerName(source)} webhook needs ${what}.`,
  );
}

export function invalidSignature(source: ProviderSource): ProblemError {
  countRefusal(source, 'signature-invalid');
  return new ProblemError(
    401,
    'webhook-signature-invalid',
    'Webhook signature invalid',
    `The ${providerName(source)} signature does not match this request.`,
  );
}

export function staleSignature(source: ProviderSource, maxAgeMs: number): ProblemError {
  countRefusal(source, 'signature-stale');
  return new ProblemError(
    401,
    'webhook-signature-stale',
    'Webhook signature stale',
    `The ${providerName(source)} signature timestamp is more than ${Math.round(maxAgeMs / 1000)} seconds from now.`,
  );
}

export function replayedSignature(source: ProviderSource): ProblemError {
  countRefusal(source, 'signature-replayed');
  return new ProblemError(
    403,
    'webhook-signature-replayed',
    'Webhook signature replayed',
    `This ${providerName(source)} signature was already used with another payload.`,
  );
}

export function missingCredentials(source: ProviderSource): ProblemError {
  countRefusal(source, 'credentials-missing');
  return new ProblemError(
    401,
    'webhook-credentials-missing',
    'Webhook credentials missing',
    `The ${providerName(source)} webhook needs HTTP Basic credentials.`,
  );
}

export function invalidCredentials(source: ProviderSource): ProblemError {
  countRefusal(source, 'credentials-invalid');
  return new ProblemError(
    401,
    'webhook-credentials-invalid',
    'Webhook credentials invalid',
    `The ${providerName(source)} webhook credentials are wrong.`,
  );
}

export function malformedJson(): ProblemError {
  return new ProblemError(400, 'malformed-json', 'Malformed JSON', 'The request body is not valid JSON.');
}

/** A payload that fails its schema: the app's usual 400, with issues and without values. */
export function invalidPayload(error: z.ZodError): ProblemError {
  return validationProblem(error, 'body');
}
