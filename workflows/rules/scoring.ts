/**
 * Engagement score with exponential decay: last month's pricing visit should
 * count for less than this morning's. Pure and clock-free (sandbox-safe).
 */

/**
 * The score `since` was last updated, decayed to `now` by half every
 * `halfLifeMs`.
 * - now ≤ since (an event that arrived out of order): no decay.
 * - halfLifeMs = Infinity: never decays.
 * - halfLifeMs = 0: no memory at all; any time passed leaves 0.
 * Negative or NaN half-lives are plan errors and throw.
 */
export function decayedScore(score: number, since: number, now: number, halfLifeMs: number): number {
  if (Number.isNaN(halfLifeMs) || halfLifeMs < 0) {
    throw new Error(`score half-life must be ≥ 0 ms or Infinity, got ${halfLifeMs}`);
  }
  const elapsed = now - since;
  if (!(elapsed > 0) || halfLifeMs === Infinity) return score;
  if (halfLifeMs === 0) return 0;
  return score * Math.pow(0.5, elapsed / halfLifeMs);
}

function roundToCents(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Decays the score to `now`, then adds `points` (negative points subtract).
 * Never below 0. Rounded to 2 decimals so replays and continue-as-new carry
 * short, stable numbers rather than float noise. The anchor never moves back
 * in time, so a late-arriving event cannot make later decay count twice.
 */
export function applyPoints(
  current: { score: number; at: number },
  points: number,
  now: number,
  halfLifeMs: number,
): { score: number; at: number } {
  if (!Number.isFinite(points)) throw new Error(`score points must be a finite number, got ${points}`);
  const decayed = decayedScore(current.score, current.at, now, halfLifeMs);
  // Math.max(0, -0) is +0, so a score rounded down to zero is stored as plain 0.
  return { score: Math.max(0, roundToCents(Math.max(0, decayed + points))), at: Math.max(current.at, now) };
}
