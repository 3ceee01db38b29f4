import { experimentSchema, conversionsOf, type Experiment } from '../../plans/experiment-schema';
import { PlanCatalog } from '../../plans/plan-catalog';
import { planFileSchema, type PlanFileInput } from '../../plans/plan-schema';
import { base } from './plan-folder';

const DAY = 86_400_000;

type Arm = Experiment['arms'][number];
const full: Arm = { id: 'full', share: 0.45, channels: ['email', 'sms', 'linkedin', 'retargeting'] };
const emailOnly: Arm = { id: 'email-only', share: 0.45, channels: ['email'] };
const control: Arm = { id: 'control', share: 0.1, channels: [] };
const arms = [full, emailOnly, control];
const experiment = { id: 'holdout', salt: 'holdout/1', arms };

/** The messages of a plan file's issues, as "field: message". */
function problems(plan: PlanFileInput): string[] {
  const parsed = planFileSchema.safeParse(plan);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

function experimentProblems(value: unknown): string[] {
  const parsed = experimentSchema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('experiments in plans', () => {
  test('the shipped plan "experiment" is the default plan with arms full 45 %, email-only 45 %, control 10 %', () => {
    const catalog = PlanCatalog.load();
    const plan = catalog.latest('experiment');
    expect(plan?.experiment?.arms.map((a) => [a.id, a.share])).toEqual([
      ['full', 0.45],
      ['email-only', 0.45],
      ['control', 0.1],
    ]);
    expect(plan?.conversions).toEqual({ goals: ['meeting.booked'], window: 90 * DAY });
    expect(plan?.emailSteps).toEqual(catalog.latest('default')?.emailSteps);
    // Nobody is held out by surprise: the plans a newcomer uses have no arms.
    expect(catalog.latest('default')).not.toHaveProperty('experiment');
    expect(catalog.latest('demo')).not.toHaveProperty('experiment');
  });

  test('a plan without a conversions block converts on a booked meeting within 90 days', () => {
    const plan = PlanCatalog.load().latest('default');
    expect(plan && conversionsOf(plan)).toEqual({ goals: ['meeting.booked'], window: 90 * DAY });
    const parsed = planFileSchema.parse({ ...base, conversions: { goals: ['trial.started'] } });
    expect(parsed.conversions).toEqual({ goals: ['trial.started'], window: 90 * DAY });
    expect(planFileSchema.parse({ ...base, conversions: { window: '30d' } }).conversions?.window).toBe(
      30 * DAY,
    );
  });

  test('shares sum to 1 within 1e-9', () => {
    expect(experimentProblems(experiment)).toEqual([]);
    // Thirds written to ten places are off by 1e-10: close enough. To six places they are not.
    const thirds = (share: number) => ['a', 'b', 'c'].map((id) => ({ id, share, channels: [] }));
    expect(experimentProblems({ ...experiment, arms: thirds(0.3333333333) })).toEqual([]);
    expect(experimentProblems({ ...experiment, arms: thirds(0.333333) })).toEqual([
      "arms: the arms' shares must sum to 1 (they sum to 0.999999)",
    ]);
    expect(
      experimentProblems({ ...experiment, arms: [full, { ...emailOnly, share: 0.5 }, control] }),
    ).toEqual(["arms: the arms' shares must sum to 1 (they sum to 1.05)"]);
  });

  test('arm ids are unique slugs; control gets nothing; the global holdout is not a plan arm', () => {
    const withArm = (arm: object, at = 2) => ({
      ...experiment,
      arms: arms.map((a, i) => (i === at ? arm : a)),
    });
    expect(experimentProblems(withArm({ ...control, id: 'Control Group' }))).toEqual([
      'arms.2.id: must be a lowercase slug',
    ]);
    expect(experimentProblems(withArm({ ...control, id: 'full' }))).toEqual([
      'arms.2.id: duplicate arm id "full"',
    ]);
    expect(experimentProblems(withArm({ ...control, channels: ['email'] }))).toEqual([
      'arms.2.channels: the control arm gets no touch: its channels must be []',
    ]);
    expect(experimentProblems(withArm({ ...control, id: 'global-control' }))[0]).toMatch(
      /arms\.2\.id: "global-control" is the service-wide holdout/,
    );
    expect(experimentProblems(withArm({ ...emailOnly, channels: ['email', 'email'] }, 1))).toEqual([
      'arms.1.channels: lists a channel twice',
    ]);
    expect(experimentProblems(withArm({ ...emailOnly, channels: ['fax'] }, 1))[0]).toMatch(
      /^arms\.1\.channels\.0:/,
    );
    expect(experimentProblems(withArm({ ...control, share: 0 }))[0]).toMatch(
      /^arms\.2\.share: must be above 0/,
    );
    expect(experimentProblems({ ...experiment, arms: [{ ...full, share: 1 }] })).toEqual([
      'arms: needs at least two arms to compare',
    ]);
    expect(experimentProblems({ ...experiment, salt: '  ' })).toEqual(['salt: must not be empty']);
  });

  test('the experiment fields are refused in a plan file with the field named', () => {
    expect(problems({ ...base, experiment: { ...experiment, arms: [full, full] } })).toContain(
      'experiment.arms.1.id: duplicate arm id "full"',
    );
    expect(
      problems({ ...base, conversions: { goals: ['lead.sneezed'] } } as unknown as PlanFileInput)[0],
    ).toMatch(/^conversions\.goals\.0:/);
    expect(problems({ ...base, conversions: { goals: [] } })[0]).toMatch(/^conversions\.goals:/);
    expect(problems({ ...base, conversions: { window: '0d' } })).toEqual([
      'conversions.window: must be longer than 0',
    ]);
  });

  test('variant weights name the steps and every variant of each step they list', () => {
    expect(problems({ ...base, variantWeights: { welcome: { a: 3, b: 1 } } })).toEqual([]);
    expect(problems({ ...base, variantWeights: { welcom: { a: 1 } } })).toEqual([
      'variantWeights.welcom: no email step "welcom" in this plan',
    ]);
    expect(problems({ ...base, variantWeights: { welcome: { a: 1, c: 1 } } })).toEqual([
      'variantWeights.welcome: step "welcome" has no variant c',
      'variantWeights.welcome: weights for step "welcome" miss b',
    ]);
    expect(problems({ ...base, variantWeights: { welcome: { a: 1, b: 0 } } })).toEqual([
      'variantWeights.welcome.b: must be above 0',
    ]);
  });
});
