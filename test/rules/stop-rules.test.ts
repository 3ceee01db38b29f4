import { LEAD_EVENT_TYPES } from '../../workflows/lead-event';
import { stopBeforeSend, stopsSendOn, type RecordedStops } from '../../workflows/rules/stop-rules';

const nothing: RecordedStops = {
  suppression: null,
  stoppingEvent: null,
  latestOptChange: null,
  consentRegranted: false,
};

describe('stopsSendOn: which events cancel a send in flight (the workflow)', () => {
  test('a booking or a spam report cancels a send on any channel; an opt-out only its own', () => {
    const cancelling = (channel: 'email' | 'sms') => LEAD_EVENT_TYPES.filter((t) => stopsSendOn(t, channel));
    expect(cancelling('email')).toEqual(['email.unsubscribed', 'email.spam_reported', 'meeting.booked']);
    expect(cancelling('sms')).toEqual(['email.spam_reported', 'sms.opted_out', 'meeting.booked']);
  });
});

describe('stopBeforeSend: what stops a send just before the provider (the send activity)', () => {
  test.each<[string, 'email' | 'sms', Partial<RecordedStops>, string | null]>([
    ['nothing recorded', 'email', {}, null],
    [
      'a suppression',
      'sms',
      { suppression: { reason: 'asked by phone' } },
      'lead suppressed (asked by phone)',
    ],
    ['a booking', 'email', { stoppingEvent: { type: 'meeting.booked' } }, 'lead stopped by meeting.booked'],
    [
      'an SMS STOP as the latest change',
      'sms',
      { latestOptChange: { type: 'sms.opted_out' } },
      'sms opt-out recorded (sms.opted_out)',
    ],
    ['an SMS START after the STOP', 'sms', { latestOptChange: { type: 'sms.opted_in' } }, null],
    [
      'an unsubscribe',
      'email',
      { latestOptChange: { type: 'email.unsubscribed' } },
      'email opt-out recorded (email.unsubscribed)',
    ],
    [
      'an unsubscribe lifted by a later email consent grant',
      'email',
      { latestOptChange: { type: 'email.unsubscribed' }, consentRegranted: true },
      null,
    ],
  ])('%s (%s)', (_story, channel, recorded, reason) => {
    expect(stopBeforeSend(channel, { ...nothing, ...recorded })).toBe(reason);
  });
});
