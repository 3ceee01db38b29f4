import type { ProviderEventMatch } from './provider-event';

/**
 * Names under which outgoing messages carry the lead id and touch key, so a
 * provider event can be tied back to the touch that caused it. Email providers
 * return them as SendGrid custom args, Mailgun user-variables, Postmark
 * Metadata and Cal.com booking metadata; Twilio returns the status-callback
 * URL, so there they are query parameters. The sending side must use these.
 */
export const EMAIL_CORRELATION_KEYS = { leadId: 'lead_id', touchKey: 'touch_key' } as const;
export const TWILIO_CALLBACK_QUERY_KEYS = { leadId: 'leadId', touchKey: 'touchKey' } as const;

// Generous bounds: the ids are ours, so anything longer or empty did not come from us.
const MAX_ID_LENGTH = 500;

function usableId(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH ? value : undefined;
}

/**
 * The lead id and touch key found in a provider's key/value bag. A value that
 * is not a usable string is treated as absent (the email or phone then decides)
 * rather than failing the whole delivery.
 */
export function correlationFrom(
  bag: Readonly<Record<string, unknown>> | undefined,
  keys: { readonly leadId: string; readonly touchKey: string } = EMAIL_CORRELATION_KEYS,
): Pick<ProviderEventMatch, 'leadId' | 'touchKey'> {
  if (bag === undefined) return {};
  const leadId = usableId(bag[keys.leadId]);
  const touchKey = usableId(bag[keys.touchKey]);
  return {
    ...(leadId === undefined ? {} : { leadId }),
    ...(touchKey === undefined ? {} : { touchKey }),
  };
}

/** The match for an event: correlation ids plus the contact the provider reported. */
export function matchOf(
  correlation: Pick<ProviderEventMatch, 'leadId' | 'touchKey'>,
  contact: Pick<ProviderEventMatch, 'email' | 'phone'>,
): ProviderEventMatch {
  return {
    ...correlation,
    ...(contact.email === undefined ? {} : { email: contact.email }),
    ...(contact.phone === undefined ? {} : { phone: contact.phone }),
  };
}
