import type { RecordedLeadEvent } from '../lead-event';
import type { Channel } from '../rules/channels';

/** What can move a nurture: the engine's one entry point, `decide`, takes one of these at a time. */
export type NurtureInput =
  | { kind: 'start' }
  | { kind: 'timer' }
  | { kind: 'event'; event: RecordedLeadEvent }
  | TouchResult
  | { kind: 'sales'; sales: SalesAction }
  | { kind: 'suppress'; reason: string; source: string }
  | { kind: 'account-pause'; byLeadId: string; reason: string };

/** A send's outcome, fed back by the workflow after the provider answered. */
export type TouchResult =
  | { kind: 'touch-result'; touchKey: string; channel: Channel; outcome: 'sent'; delivered: boolean }
  | { kind: 'touch-result'; touchKey: string; channel: Channel; outcome: 'failed'; reason: string };

export type SalesAction =
  | { action: 'handoff'; by: string; note: string | null }
  | { action: 'ack'; by: string }
  | { action: 'resume'; by: string }
  | { action: 'close'; by: string; reason: string };
