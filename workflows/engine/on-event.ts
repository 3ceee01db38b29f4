import {
  readLeadEvent,
  REPLY_EVENTS,
  type LeadEventOf,
  type LeadEventType,
  type RecordedLeadEvent,
} from '../lead-event';
import { highIntentTrigger } from '../rules/intent';
import { SEEN_EVENT_IDS_LIMIT, type NurtureState } from './state';
import { isActive } from './status';
import type { Step } from './step';
import {
  onBounced,
  onConsentUpdated,
  onSmsOptedIn,
  onSmsOptedOut,
  onSpamReported,
  onUnsubscribed,
} from './tracks/consent';
import { applyScoreThresholds, changeStatus, onOpened, scoreEvent } from './tracks/engagement';
import { onReply } from './tracks/handoff';
import { onLegacySmsFailed } from './tracks/legacy-carrier-opt-out';
import { onMeetingBooked, onMeetingCanceled } from './tracks/lifecycle';
import { onConnectionAccepted, onRequestSent } from './tracks/linkedin-task';
import { queueSms } from './tracks/sms-follow-up';

/** Each type's handler receives its own typed event. */
type EventHandlers = { [T in LeadEventType]: (step: Step, event: LeadEventOf<T>, now: number) => void };

const recordOnly = (): void => undefined;

/** Which track an event belongs to. Every event type has its line: a new type without one does not compile. */
const ON_EVENT: EventHandlers = {
  'email.delivered': (step, event) => {
    if (step.state.emailBlocked === null)
      step.set({ emailRelationship: true, lastTouch: markDelivered(step.state, event) });
  },
  'email.opened': onOpened,
  'email.clicked': (step) => {
    step.set({ clicks: step.state.clicks + 1 });
  },
  'email.bounced': onBounced,
  'email.unsubscribed': onUnsubscribed,
  'email.spam_reported': (step, _event, now) => {
    onSpamReported(step, now);
  },
  'email.replied': onReply,
  'sms.delivered': recordOnly,
  // Recorded only; runs from before rules version 3 keep reading Twilio's 21610 here.
  'sms.failed': onLegacySmsFailed,
  'sms.replied': onReply,
  'sms.opted_out': onSmsOptedOut,
  'sms.opted_in': onSmsOptedIn,
  'linkedin.connection_accepted': onConnectionAccepted,
  'linkedin.replied': onReply,
  'linkedin.request_sent': onRequestSent,
  'web.page_visited': recordOnly,
  'webinar.registered': recordOnly,
  'webinar.attended': recordOnly,
  'trial.started': recordOnly,
  'form.submitted': recordOnly,
  'meeting.booked': onMeetingBooked,
  'meeting.canceled': onMeetingCanceled,
  'consent.updated': onConsentUpdated,
};

/**
 * A reply weighs the score and the hand-off itself; a spam report and a
 * booking end the nurture. After these, intent and thresholds are not asked.
 */
const ENDS_ITS_OWN_STEP: readonly LeadEventType[] = [
  ...REPLY_EVENTS,
  'email.spam_reported',
  'meeting.booked',
];

/**
 * A lead event: dropped if already applied, recorded only once the nurture
 * has ended; otherwise scored, handed to its track, then checked for high
 * intent (the SMS follow-up) and score thresholds.
 */
export function onEvent(step: Step, recorded: RecordedLeadEvent, now: number): void {
  if (step.state.seenEventIds.includes(recorded.id)) return;
  const event = readLeadEvent(recorded);
  step.set({ seenEventIds: [...step.state.seenEventIds, event.id].slice(-SEEN_EVENT_IDS_LIMIT) });
  if (!isActive(step.state)) {
    step.record({
      rule: 'lifecycle',
      outcome: 'ignored',
      reason: `${event.type} recorded; the nurture has ended (${step.state.status})`,
      data: { eventId: event.id },
    });
    return;
  }
  scoreEvent(step, event, now);
  toTrack(step, event, now);
  if (ENDS_ITS_OWN_STEP.includes(event.type) || !isActive(step.state)) return;
  const trigger = highIntentTrigger(event, step.state.plan, step.state.clicks);
  if (trigger !== null) {
    if (step.state.status !== 'high-intent') changeStatus(step, 'high-intent', trigger);
    queueSms(step, trigger, event.id, now);
  }
  applyScoreThresholds(step, now);
}

function toTrack<T extends LeadEventType>(step: Step, event: LeadEventOf<T>, now: number): void {
  const handler: EventHandlers[T] = ON_EVENT[event.type];
  handler(step, event, now);
}

function markDelivered(
  state: NurtureState,
  event: LeadEventOf<'email.delivered'>,
): NurtureState['lastTouch'] {
  const key = event.data.touchKey ?? null;
  if (state.lastTouch === null || (key !== null && key !== state.lastTouch.key)) return state.lastTouch;
  return { ...state.lastTouch, delivered: true };
}
