import type { Plan } from '../../plans/plan-schema';

/**
 * Adaptive cadence (rule 10): a lead whose score rose since the last step gets
 * the next step sooner, one whose engagement faded (score decayed, no opens)
 * gets it later, always within the plan's bounds.
 */
export function adaptedDelay(
  state: { plan: { cadence: Plan['cadence'] }; scoreAtLastStep: number; opens: number },
  baseDelay: number,
  currentScore: number,
): { delay: number; why: string } {
  const { fastest, slowest } = state.plan.cadence;
  if (baseDelay === 0) return { delay: 0, why: 'no delay' };
  const rise = currentScore - state.scoreAtLastStep;
  if (rise >= 5)
    return { delay: Math.round(baseDelay * fastest), why: `engagement rising (+${rise.toFixed(1)} score)` };
  if (rise > 0) {
    const factor = 1 - (1 - fastest) * (rise / 5);
    return { delay: Math.round(baseDelay * factor), why: `engagement rising (+${rise.toFixed(1)} score)` };
  }
  if (state.opens === 0 && currentScore < 1) {
    return { delay: Math.round(baseDelay * slowest), why: 'no engagement yet' };
  }
  if (rise < -2) return { delay: Math.round(baseDelay * Math.min(slowest, 1.5)), why: 'engagement fading' };
  return { delay: baseDelay, why: 'steady engagement' };
}
