import type { LeadEventDataOf } from '../../workflows/lead-event';

/**
 * Twilio's 21610, "Attempt to send to unsubscribed recipient": the recipient
 * sent STOP to the number and the carrier (or Twilio's own opt-out handling)
 * refuses every further message. It is the lead's decision, not a failed send.
 */
export const TWILIO_UNSUBSCRIBED_RECIPIENT = 21610;

/**
 * The consent source a carrier opt-out is kept with: the words the rules
 * recorded for it before it became its own event, so the consent records
 * read the same over time.
 */
export const CARRIER_OPT_OUT_SOURCE = `carrier: recipient unsubscribed (${TWILIO_UNSUBSCRIBED_RECIPIENT})`;

type CanonicalSmsFailure =
  | { type: 'sms.failed'; data: LeadEventDataOf<'sms.failed'> }
  | { type: 'sms.opted_out'; data: LeadEventDataOf<'sms.opted_out'> };

/**
 * A failed SMS as the rules should see it, turned at the edge (the Twilio
 * status webhook, and `POST /v1/leads/:id/events` for backends that relay
 * Twilio's callbacks): a 21610 becomes `sms.opted_out` reported by the
 * carrier, keeping the code; anything else stays `sms.failed`. The rules read
 * no provider codes.
 */
export function canonicalSmsFailure(data: LeadEventDataOf<'sms.failed'>): CanonicalSmsFailure {
  const { errorCode } = data;
  if (errorCode === undefined || errorCode === null || Number(errorCode) !== TWILIO_UNSUBSCRIBED_RECIPIENT)
    return { type: 'sms.failed', data };
  // The rest (the message's final status…) stays as extra fields: kept, never read.
  return {
    type: 'sms.opted_out',
    data: { ...data, source: CARRIER_OPT_OUT_SOURCE, reportedBy: 'carrier', errorCode },
  };
}
