import type { LeadPath, PathTouch } from './lead-path';

/**
 * The touches a model may credit, oldest first: sent (never a held-out ghost
 * or a failed send) and, for a converted lead, strictly before the
 * conversion — a touch at or after the conversion cannot have caused it. A
 * lead that did not convert keeps every sent touch (the Markov model needs its
 * path to the null state). Ties in time keep their input order, so the result
 * is deterministic for the same rows.
 */
export function creditableTouches(path: LeadPath): PathTouch[] {
  const { convertedAt } = path;
  return path.touches
    .filter((touch) => touch.outcome === 'sent' && (convertedAt === null || touch.at < convertedAt))
    .map((touch, index) => ({ touch, index }))
    .sort((a, b) => a.touch.at - b.touch.at || a.index - b.index)
    .map(({ touch }) => touch);
}
