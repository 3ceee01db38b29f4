import type { LeadEventOf } from '../../lead-event';
import type { ConsentChannel } from '../../rules/channels';
import type { Step } from '../step';
import { stopEverything } from './lifecycle';

/**
 * Consent per channel, each change kept with its source and time (rule 5),
 * and the email address's own blocks (bounce, unsubscribe, spam report).
 * The gate reads what is kept here (channel-policy.ts).
 */
export function consentChange(
  step: Step,
  channel: ConsentChannel,
  granted: boolean,
  source: string,
  now: number,
): void {
  step.set({ consent: { ...step.state.consent, [channel]: { granted, source, at: now } } });
  step.emit({ type: 'record-consent', channel, granted, source, at: now });
  step.record({
    rule: 'consent',
    outcome: granted ? 'granted' : 'withdrawn',
    reason: `${channel} consent ${granted ? 'granted' : 'withdrawn'} via ${source}`,
    data: { consentSource: source },
  });
}

export function onBounced(step: Step, event: LeadEventOf<'email.bounced'>): void {
  if (event.data.bounceType === 'blocked') {
    step.recordEvent(
      event,
      'delivery',
      'email blocked by the receiving server (temporary): address not suppressed',
      'email',
    );
    return;
  }
  step.set({ emailBlocked: 'bounced', emailRelationship: false });
  step.record({
    rule: 'consent',
    outcome: 'email-stopped',
    channel: 'email',
    reason: 'email bounced: no more email to this address',
    data: { eventId: event.id },
  });
}

export function onUnsubscribed(step: Step, event: LeadEventOf<'email.unsubscribed'>, now: number): void {
  const source = event.data.source ?? 'email unsubscribe';
  consentChange(step, 'email', false, source, now);
  step.set({ emailBlocked: 'unsubscribed' });
  if (event.data.scope === 'global') {
    stopEverything(step, now, 'opted-out', 'global unsubscribe: every channel stops', source);
  }
}

export function onSpamReported(step: Step, now: number): void {
  consentChange(step, 'email', false, 'spam report', now);
  stopEverything(step, now, 'opted-out', 'spam report: every channel stops', 'spam report');
}

/** STOP from the lead, or the carrier reporting it (Twilio 21610, turned into this event at the edge). */
export function onSmsOptedOut(step: Step, event: LeadEventOf<'sms.opted_out'>, now: number): void {
  consentChange(step, 'sms', false, event.data.source ?? 'sms STOP', now);
  if (step.state.pendingSms === null) return;
  step.set({ pendingSms: null });
  step.record({
    rule: 'consent',
    outcome: 'dropped',
    channel: 'sms',
    reason: 'pending sms dropped: the lead opted out',
  });
}

export function onSmsOptedIn(step: Step, event: LeadEventOf<'sms.opted_in'>, now: number): void {
  consentChange(step, 'sms', true, event.data.source ?? 'sms START', now);
}

export function onConsentUpdated(step: Step, event: LeadEventOf<'consent.updated'>, now: number): void {
  // Both are required at the API; an event recorded before that may lack them.
  const { channel, granted } = event.data;
  if (channel !== undefined && granted !== undefined) {
    consentChange(step, channel, granted, event.data.source ?? 'consent update', now);
    if (channel === 'email' && granted && step.state.emailBlocked === 'unsubscribed')
      step.set({ emailBlocked: null });
  } else {
    step.record({
      rule: 'consent',
      outcome: 'ignored',
      reason: 'consent.updated without a channel (email, sms, linkedin, ads) and a boolean granted',
      data: { eventId: event.id },
    });
  }
}
