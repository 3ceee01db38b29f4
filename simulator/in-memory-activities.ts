import { Context } from '@temporalio/activity';
import { recordEffects, recordSend, type SimulationRecord } from '../simulation/simulation-record';
import type { NurtureActivities } from '../workflows/activity-contract';

/**
 * The activities of a time-skipping simulation: the real workflow calls
 * them, and they record what the in-process mode records.
 */
export function createInMemoryActivities(record: SimulationRecord): NurtureActivities {
  return {
    // The server's (skipped) clock when the workflow scheduled the send.
    sendTouch: (input) =>
      Promise.resolve(recordSend(record, input, Context.current().info.currentAttemptScheduledTimestampMs)),
    applyEffects: (input) => Promise.resolve(recordEffects(record, input)),
    deliverNotifications: () => Promise.resolve({ delivered: 0 }),
    pauseAccount: () => Promise.resolve({ paused: 0 }),
  };
}
