import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PlanCatalog, PlanError } from '../../plans/plan-catalog';
import { planSchema, type PlanInput } from '../../plans/plan-schema';

const HOUR = 3_600_000;

function catalogOf(...plans: unknown[]): PlanCatalog {
  const dir = mkdtempSync(path.join(tmpdir(), 'plans-'));
  plans.forEach((plan, i) => {
    writeFileSync(path.join(dir, `plan-${String(i)}.json`), JSON.stringify(plan));
  });
  return PlanCatalog.load(dir);
}

/** The shipped default plan, as written in its file, with one email step. */
const minimal: PlanInput = {
  ...(JSON.parse(readFileSync(path.join(__dirname, '../../plans/default.json'), 'utf8')) as PlanInput),
  id: 'p',
  version: 1,
  name: 'P',
  emailSteps: [{ id: 'one', delay: '0s', variants: [{ id: 'a', subject: 's', body: 'b' }] }],
};

describe('plans', () => {
  test('the shipped plans load: default waits 48h for an open, demo seconds', () => {
    const catalog = PlanCatalog.load();
    expect(catalog.ids()).toEqual(['default', 'demo']);
    expect(catalog.latest('default')?.openWindow).toBe(48 * HOUR);
    expect(catalog.latest('demo')?.openWindow).toBeLessThan(60_000);
    // demo is the default plan with short windows: same steps, same content.
    expect(catalog.latest('demo')?.emailSteps.map((s) => s.variants)).toEqual(
      catalog.latest('default')?.emailSteps.map((s) => s.variants),
    );
  });

  test('the latest version of a plan is the one enrollment gets', () => {
    const catalog = catalogOf(minimal, { ...minimal, version: 2, name: 'P2' });
    expect(catalog.latest('p')).toMatchObject({ version: 2, name: 'P2' });
  });

  test('an invalid plan is refused at load, naming the file and the field', () => {
    expect(() => catalogOf({ ...minimal, openWindow: 'two days' })).toThrow(PlanError);
    expect(() => catalogOf({ ...minimal, openWindow: 'two days' })).toThrow(
      /plan-0\.json.*openWindow: must be a duration/,
    );
    expect(() =>
      catalogOf({ ...minimal, emailSteps: [...minimal.emailSteps, ...minimal.emailSteps] }),
    ).toThrow(/emailSteps\.1\.id: duplicate step id "one"/);
    expect(() => catalogOf({ ...minimal, surprise: 1 })).toThrow(/surprise/);
    expect(() =>
      catalogOf({
        ...minimal,
        sms: { ...minimal.sms, window: { start: '21:00', end: '09:00', weekdays: [1] } },
      }),
    ).toThrow(/sms\.window\.end: start must be before end/);
    expect(() => catalogOf({ ...minimal, scoring: { ...minimal.scoring, handoffAt: 1 } })).toThrow(
      /scoring\.handoffAt/,
    );
  });

  test('the same version defined twice is refused', () => {
    expect(() => catalogOf(minimal, minimal)).toThrow(/defined twice/);
  });

  test('durations parse to milliseconds', () => {
    expect(planSchema.parse({ ...minimal, openWindow: '90s' }).openWindow).toBe(90_000);
    expect(planSchema.parse({ ...minimal, openWindow: '3d' }).openWindow).toBe(72 * HOUR);
  });
});
