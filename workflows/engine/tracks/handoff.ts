import type { ReplyEvent } from '../../lead-event';
import { isAutoReply, returnDateOf } from '../../rules/auto-reply';
import { formatDuration } from '../../rules/format-duration';
import type { HandoffContext } from '../commands';
import type { SalesAction } from '../inputs';
import type { NurtureState } from '../state';
import { isActive } from '../status';
import type { Step } from '../step';
import { onTimer } from '../wake-up';
import { applyScoreThresholds, currentScore } from './engagement';
import { finish } from './lifecycle';

/**
 * Replies go to sales (rule 8): a hand-off to the owner pauses automated
 * touches until sales resumes them; unacknowledged past the SLA, it escalates
 * to the backup owner. An out-of-office answer is not a reply: it postpones.
 */
export function onReply(step: Step, event: ReplyEvent, now: number): void {
  const channel = event.type.split('.')[0] ?? 'email';
  if (isAutoReply(event)) {
    const { plan, pause } = step.state;
    const back = returnDateOf(event, now);
    const until = back ?? now + plan.autoReply.postpone;
    step.set({ pause: pause ?? { reason: 'auto-reply', detail: 'an out-of-office reply', until } });
    step.record({
      rule: 'replies',
      outcome: 'postponed',
      reason: `auto-reply on ${channel} is not a reply: next touch postponed to ${new Date(until).toISOString()}${back === null ? ` (plan delay ${formatDuration(plan.autoReply.postpone)})` : ' (return date)'}`,
      data: { eventId: event.id },
      nextEligibleAt: until,
    });
    return;
  }
  applyScoreThresholds(step, now);
  if (step.state.handoff === null || step.state.handoff.status !== 'open')
    openHandoff(step, now, `${channel} reply`);
  if (step.state.plan.accountStop.onReply)
    step.emit({ type: 'pause-account', reason: `a colleague (${step.state.leadId}) replied` });
}

export function openHandoff(step: Step, now: number, reason: string): void {
  const { workflowId, plan, profile } = step.state;
  const key = `${workflowId}:handoff:${String(now)}`;
  const handoff = {
    key,
    reason,
    status: 'open' as const,
    openedAt: now,
    slaDueAt: now + plan.handoff.sla,
    ownerId: profile.ownerId,
  };
  step.set({
    handoff,
    pause: { reason: 'handoff', detail: `hand-off to sales (${reason})`, until: null },
    pendingSms: null,
  });
  step.emit({ type: 'open-handoff', key, context: handoffContext(step.state, now) });
  step.emit({ type: 'notify-crm', kind: 'handoff', reason });
  step.record({
    rule: 'replies',
    outcome: 'handoff',
    reason: `handed off to ${profile.ownerId ?? 'the sales queue'}: ${reason}; automated touches paused; acknowledge within ${formatDuration(plan.handoff.sla)}`,
    data: { handoffKey: key },
    nextEligibleAt: handoff.slaDueAt,
  });
}

/** The wake-up's part: an open hand-off past its SLA goes to the backup owner. */
export function checkHandoffSla(step: Step, now: number): void {
  const handoff = step.state.handoff;
  if (handoff?.status !== 'open' || handoff.slaDueAt > now) return;
  const { plan } = step.state;
  const backup = plan.handoff.backupOwner;
  step.set({ handoff: { ...handoff, status: 'escalated' } });
  step.emit({
    type: 'escalate-handoff',
    key: handoff.key,
    backupOwner: backup,
    context: handoffContext(step.state, now),
  });
  step.record({
    rule: 'replies',
    outcome: 'escalated',
    reason: `hand-off not acknowledged within ${formatDuration(plan.handoff.sla)}: escalated to ${backup}, alert raised`,
    data: { handoffKey: handoff.key, backupOwner: backup },
  });
}

export function handoffContext(state: NurtureState, now: number): HandoffContext {
  const last = state.lastTouch;
  return {
    leadId: state.leadId,
    status: state.status,
    score: Math.round(currentScore(state, now) * 100) / 100,
    ownerId: state.profile.ownerId,
    reason: state.handoff?.reason ?? 'sales request',
    lastTouchDelivered:
      last === null ? null : { channel: last.channel, key: last.key, at: new Date(last.at).toISOString() },
    recommendedNextStep: recommendNextStep(state),
    slaDueAt: new Date(state.handoff?.slaDueAt ?? now + state.plan.handoff.sla).toISOString(),
  };
}

function recommendNextStep(state: NurtureState): string {
  if (state.handoff?.reason.includes('reply') === true) return 'answer the reply personally today';
  if (state.status === 'high-intent') return 'call or message now: recent high-intent activity';
  if (state.status === 'engaged') return 'send a personal note offering a short call';
  return 'review the timeline before reaching out';
}

export function onSales(step: Step, sales: SalesAction, now: number): void {
  const { status, handoff } = step.state;
  if (!isActive(step.state)) {
    step.record({
      rule: 'lifecycle',
      outcome: 'ignored',
      reason: `sales ${sales.action} by ${sales.by} ignored: nurture is ${status}`,
    });
    return;
  }
  switch (sales.action) {
    case 'handoff':
      if (handoff?.status !== 'open' && handoff?.status !== 'escalated') {
        openHandoff(step, now, `requested by ${sales.by}${sales.note === null ? '' : `: ${sales.note}`}`);
      }
      return;
    case 'ack':
      if (handoff === null || handoff.status === 'acknowledged') return;
      step.set({ handoff: { ...handoff, status: 'acknowledged' } });
      step.emit({ type: 'acknowledge-handoff', handoffKey: handoff.key, by: sales.by });
      step.record({
        rule: 'replies',
        outcome: 'acknowledged',
        reason: `hand-off acknowledged by ${sales.by}`,
        data: { handoffKey: handoff.key },
      });
      return;
    case 'resume':
      step.set({ pause: null, handoff: null });
      step.record({
        rule: 'replies',
        outcome: 'resumed',
        reason: `automated touches resumed by ${sales.by}`,
      });
      onTimer(step, now);
      return;
    case 'close':
      finish(step, 'completed', `closed by ${sales.by}: ${sales.reason}`, now);
      return;
  }
}
