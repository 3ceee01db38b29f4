import { GLOBAL_CONTROL_ARM } from '../../../experiments/assignment/arm-assignment';
import { planExperimentCounts } from '../../../experiments/report/plan-experiment-counts';
import { belongsTo, plannedArms } from '../../../experiments/report/planned-arms';
import { shippedPlan } from '../../support/builders';

const plan = shippedPlan('experiment');
const experiment = (() => {
  if (plan.experiment === undefined) throw new Error('the experiment plan has no experiment');
  return plan.experiment;
})();

describe('plannedArms', () => {
  test('without a global holdout the plan arms are the whole split', () => {
    expect(plannedArms(experiment, 0).map((a) => [a.id, a.share])).toEqual([
      ['full', 0.45],
      ['email-only', 0.45],
      ['control', 0.1],
    ]);
  });

  test.each([0.01, 0.2, 0.5])('with GLOBAL_CONTROL_SHARE %s the shares still sum to 1', (g) => {
    const arms = plannedArms(experiment, g);
    expect(arms.at(-1)).toEqual({ id: GLOBAL_CONTROL_ARM, share: g, channels: [] });
    expect(arms.reduce((sum, a) => sum + a.share, 0)).toBeCloseTo(1, 12);
  });
});

describe('belongsTo', () => {
  const [full] = plannedArms(experiment, 0.1);
  const holdout = plannedArms(experiment, 0.1).at(-1);
  test.each([
    ['a plan arm of this experiment', { arm: 'full', experimentId: experiment.id }, full, true],
    ["an earlier experiment's arm of the same name", { arm: 'full', experimentId: 'earlier' }, full, false],
    ['another arm', { arm: 'control', experimentId: experiment.id }, full, false],
    ['the global holdout', { arm: GLOBAL_CONTROL_ARM, experimentId: null }, holdout, true],
    [
      'a plan arm named like the holdout',
      { arm: GLOBAL_CONTROL_ARM, experimentId: experiment.id },
      holdout,
      false,
    ],
  ])('%s: %s', (_label, group, arm, expected) => {
    if (arm === undefined) throw new Error('no arm');
    expect(belongsTo(group, arm, experiment)).toBe(expected);
  });
});

describe('planExperimentCounts', () => {
  const weighted = { ...plan, variantWeights: { welcome: { a: 3, b: 1 } } };

  test("every declared arm and variant, 0 where nothing was counted, the plan's weights", () => {
    const counts = planExperimentCounts(
      weighted,
      experiment,
      {
        arms: [
          { arm: 'full', experimentId: experiment.id, leads: 10, conversions: 2 },
          { arm: 'full', experimentId: 'an-earlier-one', leads: 99, conversions: 9 },
        ],
        variants: [
          { step: 'welcome', variant: 'b', sent: 4, opened: 2, clicked: 1, replied: 0, converted: 1 },
          { step: 'welcome', variant: 'gone', sent: 7, opened: 7, clicked: 7, replied: 7, converted: 7 },
        ],
      },
      0,
    );
    expect(counts.arms).toEqual([
      { id: 'full', share: 0.45, leads: 10, conversions: 2 },
      { id: 'email-only', share: 0.45, leads: 0, conversions: 0 },
      { id: 'control', share: 0.1, leads: 0, conversions: 0 },
    ]);
    expect(counts.steps?.map((s) => s.step)).toEqual(plan.emailSteps.map((s) => s.id));
    expect(counts.steps?.[0]?.variants).toEqual([
      { id: 'a', weight: 3, sent: 0, opened: 0, clicked: 0, replied: 0, converted: 0 },
      { id: 'b', weight: 1, sent: 4, opened: 2, clicked: 1, replied: 0, converted: 1 },
    ]);
  });
});
