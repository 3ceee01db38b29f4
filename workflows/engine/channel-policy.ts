import { consentChannelOf, type Channel } from '../rules/channels';
import type { DecisionData, RuleName } from './commands';
import { ghostOf, isHeldOut } from './held-out';
import type { NurtureState } from './state';
import { isActive, type NurtureStatus } from './status';

/**
 * Which channel a lead may be touched on right now, and if not, why. One
 * function answers for every channel so that the order of the checks (and so
 * the reason a person reads) is the same everywhere:
 * lifecycle → pause → consent → channel-specific blocks → do-not-cross →
 * status matrix → segment eligibility.
 */
export type ChannelCheck = { ok: true } | { ok: false; rule: RuleName; reason: string; data: DecisionData };

/** Product brief, rule 3: which channels each status may use for direct touches. */
export const STATUS_CHANNELS: Record<NurtureStatus, readonly Channel[]> = {
  new: ['email', 'linkedin', 'retargeting'],
  engaged: ['email', 'linkedin', 'retargeting'],
  'high-intent': ['email', 'sms', 'linkedin', 'retargeting'],
  disengaged: ['email', 'retargeting'],
  converted: [],
  suppressed: [],
  'opted-out': [],
  completed: [],
};

export function checkChannel(state: NurtureState, channel: Channel): ChannelCheck {
  const status = state.status;
  if (!isActive(state)) {
    return no('lifecycle', `${channel} skipped: nurture is ${status}`, { status });
  }
  if (state.pause !== null && channel !== 'retargeting') {
    return no('pause', `${channel} skipped: automated touches paused (${state.pause.detail})`, {
      pause: state.pause.reason,
    });
  }
  const consent = state.consent[consentChannelOf(channel)];
  const consentData = { consent: consent?.granted ?? null, consentSource: consent?.source ?? null };
  switch (channel) {
    case 'email':
      if (state.emailBlocked !== null) {
        return no('consent', `email skipped: address ${state.emailBlocked}`, {
          emailBlocked: state.emailBlocked,
        });
      }
      if (consent?.granted !== true) {
        return no('consent', `email skipped: no email consent${sourceText(consent)}`, consentData);
      }
      break;
    case 'sms':
      // Explicit opt-in only: absence of an answer is not consent (rule 5).
      if (consent?.granted !== true) {
        return no('consent', `sms skipped: no explicit SMS opt-in${sourceText(consent)}`, consentData);
      }
      if (!state.profile.hasPhone) return no('consent', 'sms skipped: no phone number on file', {});
      if (!emailRelationshipFor(state, channel)) {
        return no('do-not-cross', 'sms skipped: no email relationship yet (no email delivered)', {});
      }
      break;
    case 'linkedin':
      if (state.profile.ownerId === null)
        return no('coordination', 'linkedin skipped: no named rep assigned', {});
      if (!emailRelationshipFor(state, channel)) {
        return no('do-not-cross', 'linkedin skipped: no email relationship yet', {});
      }
      break;
    case 'retargeting':
      if (consent?.granted === false) {
        return no('consent', `retargeting skipped: ads consent withdrawn${sourceText(consent)}`, consentData);
      }
      break;
  }
  if (!STATUS_CHANNELS[status].includes(channel)) {
    return no('status-matrix', `${channel} skipped: not used for ${status} leads`, { status });
  }
  const denied = state.plan.eligibility.find(
    (rule) => rule.deny.includes(channel) && matchesSegment(state, rule.when),
  );
  if (denied !== undefined) {
    return no('eligibility', `${channel} skipped: ${denied.reason}`, {
      persona: state.profile.persona,
      industry: state.profile.industry,
      stage: state.profile.stage,
    });
  }
  return { ok: true };
}

/**
 * Rule 2 for this channel. A held-out channel's ghost touch follows the
 * emails the lead would have got (a held-out email counts); a real touch
 * needs a real delivered email, whatever the ghosts did.
 */
function emailRelationshipFor(state: NurtureState, channel: Channel): boolean {
  return state.emailRelationship || (isHeldOut(state, channel) && ghostOf(state).emailSent);
}

function matchesSegment(
  state: NurtureState,
  when: { persona?: string[] | undefined; industry?: string[] | undefined; stage?: string[] | undefined },
): boolean {
  const { persona, industry, stage } = state.profile;
  return (
    (when.persona === undefined || (persona !== null && when.persona.includes(persona))) &&
    (when.industry === undefined || (industry !== null && when.industry.includes(industry))) &&
    (when.stage === undefined || (stage !== null && when.stage.includes(stage)))
  );
}

function sourceText(consent: { granted: boolean; source: string } | undefined): string {
  if (consent === undefined) return '';
  return ` (${consent.granted ? 'granted' : 'withdrawn'} via ${consent.source})`;
}

function no(rule: RuleName, reason: string, data: DecisionData): ChannelCheck {
  return { ok: false, rule, reason, data };
}

/**
 * A stated channel preference (seed 002): the preferred channel leads, the
 * others are occasional nudges only, at most one per NUDGE_INTERVAL_MS.
 */
export const NUDGE_INTERVAL_MS = 7 * 86_400_000;

export function nudgeLimited(state: NurtureState, channel: Channel): boolean {
  const preferred = state.profile.preferredChannel;
  // Email carries the narrative whatever the preference; retargeting is ambient.
  return preferred !== null && preferred !== channel && (channel === 'sms' || channel === 'linkedin');
}
