import type { LeadEventType } from '../lead-event';

/**
 * When a send must not go out, whatever the workflow has applied so far
 * (rule 4). The workflow asks `stopsSendOn` to cancel a send in flight when
 * such an event arrives; the send activity asks `stopBeforeSend` over what the
 * database holds, just before it calls the provider. One list for both, so
 * the two guards cannot disagree.
 */
export type SendChannel = 'email' | 'sms';

/** Events after which nothing may go out on any channel. */
export const STOPPING_EVENTS = [
  'meeting.booked',
  'email.spam_reported',
] as const satisfies readonly LeadEventType[];

/** The event that withdraws each sending channel. */
export const OPT_OUT_EVENTS = {
  email: 'email.unsubscribed',
  sms: 'sms.opted_out',
} as const satisfies Record<SendChannel, LeadEventType>;

/**
 * The events that change a channel's opt-out, newest wins. SMS has its
 * opt-in event (START); email has none: a later grant of email consent (a new
 * signup) lifts an unsubscribe instead.
 */
export const OPT_CHANGE_EVENTS = {
  email: ['email.unsubscribed'],
  sms: ['sms.opted_out', 'sms.opted_in'],
} as const satisfies Record<SendChannel, readonly LeadEventType[]>;

/** Whether an event arriving while a send on `channel` is in flight cancels that send. */
export function stopsSendOn(type: LeadEventType, channel: SendChannel): boolean {
  return (STOPPING_EVENTS as readonly LeadEventType[]).includes(type) || OPT_OUT_EVENTS[channel] === type;
}

/** What is recorded for the lead, as the send activity read it. */
export interface RecordedStops {
  suppression: { reason: string } | null;
  /** Any event of STOPPING_EVENTS. */
  stoppingEvent: { type: LeadEventType } | null;
  /** The newest event of OPT_CHANGE_EVENTS for the channel. */
  latestOptChange: { type: LeadEventType } | null;
  /** Email only: consent granted again after that opt-out. */
  consentRegranted: boolean;
}

/** Why the send must not go out, in words for the touch row, or null when nothing stops it. */
export function stopBeforeSend(channel: SendChannel, recorded: RecordedStops): string | null {
  if (recorded.suppression !== null) return `lead suppressed (${recorded.suppression.reason})`;
  if (recorded.stoppingEvent !== null) return `lead stopped by ${recorded.stoppingEvent.type}`;
  const optOut = OPT_OUT_EVENTS[channel];
  if (recorded.latestOptChange?.type !== optOut) return null;
  if (channel === 'email' && recorded.consentRegranted) return null;
  return `${channel} opt-out recorded (${optOut})`;
}
