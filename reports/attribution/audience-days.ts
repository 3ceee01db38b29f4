import type { PathTouch, TouchOutcome } from './lead-path';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One stay of a lead in a stage's retargeting audience. */
export interface AudienceExposure {
  /** The stage audience, used as the touch's plan step. */
  step: string;
  joinedAt: number;
  /** null while the lead is still in the audience. */
  leftAt: number | null;
  /** `held-out` for the ghost join the engine records when the lead's arm withholds ads. */
  outcome: TouchOutcome;
}

/**
 * Retargeting has no discrete send: its exposure is counted in audience-days.
 * Each 24-hour period the lead spends in the audience, counted from the join
 * and cut at `until` (the conversion, or the end of the report), is one touch
 * at the start of that period; a partial last day counts as a day, because
 * the ads ran on it. So a lead retargeted for ten days before converting
 * carries ten retargeting touches, and a linear model weighs the channel by
 * its exposure, as the issue asks.
 */
export function audienceDayTouches(exposure: AudienceExposure, until: number): PathTouch[] {
  const end = Math.min(exposure.leftAt ?? until, until);
  if (!(end > exposure.joinedAt)) return [];
  const days = Math.ceil((end - exposure.joinedAt) / DAY_MS);
  return Array.from({ length: days }, (_, day) => ({
    channel: 'retargeting' as const,
    step: exposure.step,
    at: exposure.joinedAt + day * DAY_MS,
    outcome: exposure.outcome,
  }));
}
