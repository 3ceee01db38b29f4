import { mkdtempSync, writeFileSync } from 'node:fs';
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

const minimal: PlanInput = {
  id: 'p',
  version: 1,
  name: 'P',
  openWindow: '48h',
  emailSteps: [{ id: 'one', delay: '0s', template: { subject: 's', body: 'b' } }],
};

describe('plans', () => {
  test('the shipped plans load: default waits 48h for an open, demo seconds', () => {
    const catalog = PlanCatalog.load();
    expect(catalog.ids()).toEqual(['default', 'demo']);
    expect(catalog.latest('default')?.openWindow).toBe(48 * HOUR);
    expect(catalog.latest('demo')?.openWindow).toBeLessThan(60_000);
    // demo is the default plan with short windows: same steps, same content.
    expect(catalog.latest('demo')?.emailSteps.map((s) => s.template)).toEqual(
      catalog.latest('default')?.emailSteps.map((s) => s.template),
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
  });

  test('the same version defined twice is refused', () => {
    expect(() => catalogOf(minimal, minimal)).toThrow(/defined twice/);
  });

  test('durations parse to milliseconds', () => {
    expect(planSchema.parse({ ...minimal, openWindow: '90s' }).openWindow).toBe(90_000);
    expect(planSchema.parse({ ...minimal, openWindow: '3d' }).openWindow).toBe(72 * HOUR);
  });
});
