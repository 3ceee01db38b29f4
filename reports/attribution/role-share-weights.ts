/**
 * Position-based models give fixed shares to touches that play a role (first
 * touch, first engagement, last touch before the conversion) and spread the
 * rest evenly over the touches that play none. One rule covers every short
 * or degenerate path, so U- and W-shaped can never disagree on how to treat
 * them:
 * - a touch that plays several roles takes every one of their shares;
 * - a share with no touch to take it (no touches between the roles, no
 *   engagement touch) is dropped, and what is left is scaled back to 1.
 * So U-shaped gives one touch 100%, two touches 50/50, and three or more
 * 40 / 20 spread / 40; W-shaped's cases are listed at wShapedWeights.
 */

interface Role {
  share: number;
  /** Which touch plays the role; null when none does. */
  index: number | null;
}

function roleShareWeights(count: number, roles: readonly Role[], restShare: number): number[] {
  if (count === 0) return [];
  const weights = new Array<number>(count).fill(0);
  const roleHolders = new Set<number>();
  for (const role of roles) {
    if (role.index === null) continue;
    weights[role.index] = (weights[role.index] ?? 0) + role.share;
    roleHolders.add(role.index);
  }
  const rest = weights.map((_, index) => index).filter((index) => !roleHolders.has(index));
  for (const index of rest) weights[index] = restShare / rest.length;
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}

/** U-shaped (position-based): 40% first touch, 40% last, 20% spread over the touches between. */
export function uShapedWeights(count: number): number[] {
  return roleShareWeights(
    count,
    [
      { share: 0.4, index: 0 },
      { share: 0.4, index: count - 1 },
    ],
    0.2,
  );
}

/**
 * The engagement touch: the latest touch at or before the lead's first
 * engagement, the one the lead was answering. None when the lead never
 * engaged, or engaged before any touch (an inbound lead).
 */
export function engagementTouchIndex(
  touchTimes: readonly number[],
  firstEngagementAt: number | null,
): number | null {
  if (firstEngagementAt === null) return null;
  let found: number | null = null;
  touchTimes.forEach((at, index) => {
    if (at <= firstEngagementAt) found = index;
  });
  return found;
}

/**
 * W-shaped: 30% first touch, 30% the engagement touch, 30% last touch before
 * the conversion, 10% spread over the others. With the rule above:
 * - one touch: 100%;
 * - the engagement touch is the first (or the last) touch: that touch takes
 *   60%, the other end 30%, the others 10% (two touches: 2/3 and 1/3);
 * - three touches, the middle one the engagement touch: a third each;
 * - no engagement touch: 30 / 10 spread / 30 scaled by 1/0.7, so 3/7 to each
 *   end and 1/7 spread between (two touches: 50/50).
 */
export function wShapedWeights(touchTimes: readonly number[], firstEngagementAt: number | null): number[] {
  const count = touchTimes.length;
  return roleShareWeights(
    count,
    [
      { share: 0.3, index: 0 },
      { share: 0.3, index: engagementTouchIndex(touchTimes, firstEngagementAt) },
      { share: 0.3, index: count - 1 },
    ],
    0.1,
  );
}
