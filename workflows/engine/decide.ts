import { pruneHistory } from '../rules/frequency-caps';
import type { Decision } from './commands';
import type { NurtureInput } from './inputs';
import { onEvent } from './on-event';
import type { NurtureState } from './state';
import { isActive } from './status';
import { Step } from './step';
import { onEmailResult } from './tracks/email-sequence';
import { onSales } from './tracks/handoff';
import { onStart, pauseForAccount, stopEverything, suppressionReason } from './tracks/lifecycle';
import { syncAudience } from './tracks/retargeting';
import { onSmsResult } from './tracks/sms-follow-up';
import { onTimer } from './wake-up';

/**
 * The nurture's rules as one pure function: state + input + now → next state
 * and commands, each decision with its rule, inputs and reason. No clock, no
 * I/O, no Temporal: the workflow is a thin shell that waits, calls this and
 * carries out the commands. This file only dispatches: each track of rules
 * lives in tracks/, the leaf rules they ask in ../rules/.
 */
export function decide(state: NurtureState, input: NurtureInput, now: number): Decision {
  const step = new Step(state);
  switch (input.kind) {
    case 'start':
      onStart(step, now);
      break;
    case 'timer':
      onTimer(step, now);
      break;
    case 'event':
      onEvent(step, input.event, now);
      break;
    case 'touch-result':
      if (input.channel === 'email') onEmailResult(step, input, now);
      else if (input.channel === 'sms') onSmsResult(step, input, now);
      break;
    case 'sales':
      onSales(step, input.sales, now);
      break;
    case 'suppress':
      stopEverything(step, now, 'suppressed', suppressionReason(input.source, input.reason), input.source);
      break;
    case 'account-pause':
      pauseForAccount(step, input.byLeadId, input.reason);
      break;
  }
  if (isActive(step.state)) syncAudience(step, now);
  // Keep only the sends a cap or cooldown can still see: the state stays small for months.
  if (step.state.sent !== state.sent) {
    const { sent, plan } = step.state;
    step.set({ sent: pruneHistory(sent, now, plan.caps, plan.cooldowns) });
  }
  return step.result();
}
