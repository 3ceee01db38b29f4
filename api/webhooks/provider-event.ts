import type { LeadEventDataOf, LeadEventType } from '../../workflows/lead-event';

/** The providers whose webhooks this module verifies. */
export type ProviderSource = 'sendgrid' | 'twilio' | 'calcom' | 'calendly' | 'mailgun' | 'postmark';

/**
 * How to find the lead an event is about. The ids are the ones the service put
 * in the outgoing message (custom args, user variables, metadata, callback URL)
 * and come back untouched; the email or phone is the fallback when the message
 * was not ours or carried no ids.
 */
export interface ProviderEventMatch {
  leadId?: string;
  touchKey?: string;
  email?: string;
  phone?: string;
  /**
   * For an inbound reply: the touch-key digests of the Message-IDs its
   * In-Reply-To and References name (touchDigestOfMessageId), nearest first.
   * They name the touch answered even when someone else replies for the lead.
   */
  threadDigests?: string[];
}

/** Flat facts about the message an adapter adds to any type's data; never a whole payload or a body. */
export type ProviderEventData = Record<string, string | number | boolean | null>;

/**
 * One provider event mapped to a canonical lead event, ready for the inbox:
 * each type with its own `data` (workflows/lead-event.ts), so an adapter
 * cannot hand the rules a field of the wrong shape. Provider codes are turned
 * into canonical events here, at the edge (Twilio 21610 → sms.opted_out).
 */
export type ProviderEvent = ProviderEventWith<ProviderEventEnvelope>;

/** The union over every type of `envelope` with that type's data (an adapter may fill in `source` last). */
export type ProviderEventWith<E> = {
  [T in LeadEventType]: E & { type: T; data: LeadEventDataOf<T> };
}[LeadEventType];

/** What every provider event carries besides its type and data. */
export interface ProviderEventEnvelope {
  source: ProviderSource;
  /**
   * Stable per provider event, so a redelivered or replayed webhook maps to the
   * same id and the inbox can drop the duplicate: SendGrid sg_event_id, Twilio
   * MessageSid (+ ':' + MessageStatus for status callbacks), Cal.com
   * triggerEvent + ':' + uid, Calendly event + ':' + payload uri, Mailgun
   * event-data id, Postmark RecordType + MessageID + the record's own time.
   */
  externalId: string;
  /** ISO 8601, UTC. */
  occurredAt: string;
  match: ProviderEventMatch;
}
