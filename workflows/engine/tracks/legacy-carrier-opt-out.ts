import type { LeadEventOf } from '../../lead-event';
import type { Step } from '../step';
import { consentChange } from './consent';

/**
 * Compatibility only, for runs under rules version 2 or older. Until version
 * 3 Twilio's 21610 (the carrier says the recipient unsubscribed: STOP sent to
 * the number) arrived as `sms.failed`, and the consent track withdrew SMS
 * consent on its error code. Since then the webhook turns it into
 * `sms.opted_out` (reportedBy: carrier) at the edge, and the rules read no
 * provider codes. Histories recorded before the `carrier-opt-out-at-the-edge`
 * patch hold such sms.failed events and must replay as they ran, so those runs
 * keep this rule; delete this file once no run older than version 3 is open.
 */
export function onLegacySmsFailed(step: Step, event: LeadEventOf<'sms.failed'>, now: number): void {
  if (step.state.rulesVersion >= 3) return;
  const code = event.data.errorCode;
  if (code === 21610 || code === '21610') {
    consentChange(step, 'sms', false, 'carrier: recipient unsubscribed (21610)', now);
  }
}
