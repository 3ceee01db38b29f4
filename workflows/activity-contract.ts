import type { DecisionData, DecisionOutcome, Effect, RuleName } from './engine/commands';

/**
 * What the workflow asks of its activities, declared on the workflow's side:
 * the workflow proxies this interface and `activities/` implements it, so the
 * vocabulary points one way (activities import the workflow's types, never
 * the other way round). Inputs and results are plain JSON: they live in
 * workflow history.
 */
export interface NurtureActivities {
  /** Sends one touch exactly once under its key (activities/send-touch.ts). */
  sendTouch(input: SendTouchInput): Promise<TouchOutcome>;
  /** Records one step's decisions and database effects in one transaction (activities/apply-effects.ts). */
  applyEffects(input: ApplyEffectsInput): Promise<{ notificationKeys: string[] }>;
  deliverNotifications(input: { keys: string[] }): Promise<{ delivered: number }>;
  /** Pauses colleagues at the same account (activities/pause-account.ts). */
  pauseAccount(input: { leadId: string; reason: string }): Promise<{ paused: number }>;
}

export interface SendTouchInput {
  channel: 'email' | 'sms';
  touchKey: string;
  leadId: string;
  workflowId: string;
  planId: string;
  planVersion: number;
  step: string;
  variant: string;
  subject: string | null;
  body: string;
  vars: Record<string, string>;
  /** ISO instant after which the provider must not be called (end of the SMS window), or null. */
  notAfter: string | null;
}

export type TouchOutcome =
  { outcome: 'sent'; providerMessageId: string; delivered: boolean } | { outcome: 'failed'; reason: string };

/** A decision as the workflow records it: numbered (its key), times in ISO. */
export interface DecisionRow {
  key: string;
  rule: RuleName;
  outcome: DecisionOutcome;
  reason: string;
  channel: string | null;
  data: DecisionData;
  nextEligibleAt: string | null;
  decidedAt: string;
}

export interface ApplyEffectsInput {
  leadId: string;
  workflowId: string;
  at: string;
  decisions: DecisionRow[];
  effects: Effect[];
}
