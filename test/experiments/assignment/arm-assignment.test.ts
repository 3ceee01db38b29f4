import chisquareQuantile from '@stdlib/stats-base-dists-chisquare-quantile';
import fc from 'fast-check';
import { xxHash32 } from 'js-xxhash';
import {
  assignArm,
  GLOBAL_CONTROL_ARM,
  type ArmAssignment,
} from '../../../experiments/assignment/arm-assignment';
import { unitHash } from '../../../experiments/assignment/unit-hash';
import { weightedPick } from '../../../experiments/assignment/weighted-pick';
import type { Experiment } from '../../../plans/experiment-schema';
import { randomIds, seededRandom } from '../seeded-random';

const experiment: Experiment = {
  id: 'holdout',
  salt: 'holdout/1',
  arms: [
    { id: 'control', share: 0.1, channels: [] },
    { id: 'email-only', share: 0.45, channels: ['email'] },
    { id: 'full', share: 0.45, channels: ['email', 'sms', 'linkedin', 'retargeting'] },
  ],
};

const ids = randomIds(seededRandom(20261203), 100_000);

function armOf(assignment: ArmAssignment): string {
  switch (assignment.kind) {
    case 'global-control':
      return assignment.arm;
    case 'arm':
      return assignment.arm.id;
    case 'none':
      return 'none';
  }
}

function countArms(leadIds: readonly string[], plan: Experiment | undefined, globalShare: number) {
  const counts = new Map<string, number>();
  for (const id of leadIds) {
    const arm = armOf(assignArm(id, plan, globalShare));
    counts.set(arm, (counts.get(arm) ?? 0) + 1);
  }
  return counts;
}

/** Pearson's statistic of observed counts against expected shares. */
function chiSquare(counts: ReadonlyMap<string, number>, shares: Record<string, number>, n: number): number {
  return Object.entries(shares).reduce((sum, [arm, share]) => {
    const expected = n * share;
    return sum + ((counts.get(arm) ?? 0) - expected) ** 2 / expected;
  }, 0);
}

describe('arm assignment', () => {
  test('the hash is xxHash32 as its reference defines it, and our salted points are pinned', () => {
    // Reference vectors of XXH32 with seed 0: any correct xxHash32 reproduces every assignment.
    expect(xxHash32('')).toBe(0x02cc5d05);
    expect(xxHash32('abc')).toBe(0x32d153ff);
    // A change here moves leads between arms of running experiments: never refresh these lightly.
    expect(unitHash('holdout/1', 'lead-1')).toBe(xxHash32('9:holdout/1:lead-1') / 2 ** 32);
    expect(unitHash('holdout/1', 'lead-1')).toBeCloseTo(0.91989078, 8);
    expect(['lead-1', 'lead-2', 'lead-3', 'lead-4'].map((id) => armOf(assignArm(id, experiment, 0)))).toEqual(
      ['full', 'email-only', 'full', 'email-only'],
    );
    expect(ids.slice(0, 6).map((id) => armOf(assignArm(id, experiment, 0.05)))).toEqual([
      'email-only',
      'email-only',
      'full',
      'email-only',
      GLOBAL_CONTROL_ARM,
      'email-only',
    ]);
  });

  test('100,000 random ids split 0.1 / 0.45 / 0.45 within the chi-square bound', () => {
    const counts = countArms(ids, experiment, 0);
    const shares = { control: 0.1, 'email-only': 0.45, full: 0.45 };
    // Two degrees of freedom; a fair split exceeds the 99.9 % quantile (13.8) once in a thousand seeds.
    expect(chiSquare(counts, shares, ids.length)).toBeLessThan(chisquareQuantile(0.999, 2));
    expect(counts.get('control')).toBeGreaterThan(9_000);
  });

  test('the global holdout comes first; the plan arms split the rest by their shares', () => {
    const counts = countArms(ids, experiment, 0.2);
    const shares = { [GLOBAL_CONTROL_ARM]: 0.2, control: 0.08, 'email-only': 0.36, full: 0.36 };
    expect(chiSquare(counts, shares, ids.length)).toBeLessThan(chisquareQuantile(0.999, 3));
    // The holdout does not depend on the plan: the same leads are held out of a plan with no experiment.
    const heldOut = ids.filter((id) => assignArm(id, experiment, 0.2).kind === 'global-control');
    expect(heldOut.every((id) => assignArm(id, undefined, 0.2).kind === 'global-control')).toBe(true);
    expect(ids.filter((id) => assignArm(id, undefined, 0.2).kind === 'none')).toHaveLength(
      ids.length - heldOut.length,
    );
  });

  test('the same lead always lands in the same arm', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ minLength: 1 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (id, salt, g) => {
          const plan = { ...experiment, salt };
          expect(assignArm(id, plan, g)).toEqual(assignArm(id, structuredClone(plan), g));
        },
      ),
    );
  });

  test('a new salt reshuffles: arms under two salts agree only as often as chance says', () => {
    const reshuffled = { ...experiment, salt: 'holdout/2' };
    const same = ids.filter(
      (id) => armOf(assignArm(id, experiment, 0)) === armOf(assignArm(id, reshuffled, 0)),
    ).length;
    // Independent draws agree with probability 0.1² + 0.45² + 0.45² = 0.415 (standard error 0.0016 here).
    expect(Math.abs(same / ids.length - 0.415)).toBeLessThan(0.008);
  });

  test('the global holdout has its own salt: independent of every plan salt', () => {
    const inControl = ids.filter((id) => armOf(assignArm(id, experiment, 0)) === 'control');
    const heldOut = inControl.filter((id) => assignArm(id, experiment, 0.1).kind === 'global-control');
    // About a tenth of the plan's control arm is also in the global holdout, not all or none of it.
    expect(heldOut.length / inControl.length).toBeGreaterThan(0.08);
    expect(heldOut.length / inControl.length).toBeLessThan(0.12);
  });

  test('a global share outside [0, 1) is refused', () => {
    expect(() => assignArm('lead', experiment, 1)).toThrow(RangeError);
    expect(() => assignArm('lead', experiment, -0.1)).toThrow(RangeError);
    expect(() => assignArm('lead', experiment, Number.NaN)).toThrow(RangeError);
  });
});

describe('weighted pick', () => {
  const items = [
    { id: 'a', w: 1 },
    { id: 'b', w: 3 },
  ];
  const pick = (point: number): string => weightedPick(point, items, (i) => i.w).id;

  test('walks the cumulative weights: a takes [0, 0.25), b the rest', () => {
    expect([0, 0.2499, 0.25, 0.9999999999].map(pick)).toEqual(['a', 'a', 'b', 'b']);
  });

  test('raising one weight moves only the points at that edge', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (point) => {
        const before = weightedPick(point, [1, 1, 2], (w) => w);
        const after = weightedPick(point, [1, 1, 2.2], (w) => w);
        // Only points that were in the first two slices can move, and only into the third.
        if (before !== after) expect(after).toBe(2.2);
      }),
    );
  });

  test('refuses what has no slice to land in', () => {
    expect(() => weightedPick(0.5, [], () => 1)).toThrow(RangeError);
    expect(() => weightedPick(0.5, items, () => 0)).toThrow(RangeError);
    expect(() => weightedPick(1, items, (i) => i.w)).toThrow(RangeError);
  });
});
