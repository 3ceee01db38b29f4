import { Context } from '@temporalio/activity';
import type {
  ApplyEffectsInput,
  DecisionRow,
  NurtureActivities,
  SendTouchInput,
  TouchOutcome,
} from '../workflows/activity-contract';

/**
 * The activities of a simulation: nothing leaves the process and nothing is
 * written to the service's database. Sends "succeed" (delivered), effects and
 * decisions are collected for the timeline.
 */
export interface SimulationRecord {
  decisions: DecisionRow[];
  touches: { at: string; channel: string; step: string; variant: string; key: string }[];
  effects: { at: string; type: string; detail: string }[];
}

export function createInMemoryActivities(record: SimulationRecord): NurtureActivities {
  return {
    sendTouch: (input: SendTouchInput): Promise<TouchOutcome> => {
      if (!record.touches.some((t) => t.key === input.touchKey)) {
        // The server's (skipped) clock when the workflow scheduled the send.
        const at = Context.current().info.currentAttemptScheduledTimestampMs;
        record.touches.push({
          at: new Date(at).toISOString(),
          channel: input.channel,
          step: input.step,
          variant: input.variant,
          key: input.touchKey,
        });
      }
      return Promise.resolve({
        outcome: 'sent',
        providerMessageId: `sim:${input.touchKey}`,
        delivered: true,
      });
    },
    applyEffects: (input: ApplyEffectsInput) => {
      for (const d of input.decisions)
        if (!record.decisions.some((r) => r.key === d.key)) record.decisions.push(d);
      for (const e of input.effects) {
        const detail =
          e.type === 'set-audience'
            ? `${e.from ?? '∅'} → ${e.to ?? '∅'}`
            : e.type === 'create-linkedin-task'
              ? `for ${e.ownerId}`
              : '';
        record.effects.push({ at: input.at, type: e.type, detail });
      }
      return Promise.resolve({ notificationKeys: [] });
    },
    deliverNotifications: () => Promise.resolve({ delivered: 0 }),
    pauseAccount: () => Promise.resolve({ paused: 0 }),
  };
}
