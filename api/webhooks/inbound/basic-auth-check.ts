import { checkBasicAuth } from '../postmark';
import type { ProviderSource } from '../provider-event';
import { invalidCredentials, missingCredentials } from '../webhook-problems';
import type { WebhookRequest } from '../webhook-request';

export interface BasicCredentials {
  user: string;
  password: string;
}

/** The WWW-Authenticate challenge of an endpoint guarded by HTTP Basic. */
export function basicChallenge(realm: string): string {
  return `Basic realm="${realm}", charset="UTF-8"`;
}

/**
 * Throws the 401 problem unless the request carries these credentials
 * (compared in constant time, postmark.ts checkBasicAuth). For providers that
 * sign nothing and call a URL holding `user:password@`.
 */
export function requireBasicAuth(
  source: ProviderSource,
  request: WebhookRequest,
  expected: BasicCredentials,
): void {
  const outcome = checkBasicAuth(request.header('Authorization'), expected);
  if (outcome === 'missing') throw missingCredentials(source);
  if (outcome === 'invalid') throw invalidCredentials(source);
}
