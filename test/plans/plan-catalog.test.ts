import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXPERIMENT_PLAN_FIELDS } from '../../plans/experiment-schema';
import { PlanCatalog, PlanError } from '../../plans/plan-catalog';
import { planSchema } from '../../plans/plan-schema';
import { base, catalogOf, issuesOf, messageOf, SHIPPED_DIR, shippedTemplates } from './plan-folder';

const HOUR = 3_600_000;

describe('plans', () => {
  test('the shipped plans load: default waits 48h for an open, demo seconds', () => {
    const catalog = PlanCatalog.load();
    expect(catalog.ids()).toEqual(['default', 'demo', 'experiment']);
    expect(catalog.latest('default')?.openWindow).toBe(48 * HOUR);
    expect(catalog.latest('demo')?.openWindow).toBeLessThan(60_000);
    // demo is the default plan with short windows: same steps, same content (it names default's templates).
    expect(catalog.latest('demo')?.emailSteps.map((s) => s.variants)).toEqual(
      catalog.latest('default')?.emailSteps.map((s) => s.variants),
    );
    expect(catalog.latest('demo')?.sms.body).toBe(catalog.latest('default')?.sms.body);
    expect(catalog.latest('demo')?.linkedin).toEqual(catalog.latest('default')?.linkedin);
  });

  test('the loaded plan carries its texts, inlined from the template files', () => {
    const plan = PlanCatalog.load().latest('default');
    const welcomeB = readFileSync(
      path.join(SHIPPED_DIR, 'templates/default/v2/welcome.email.b.liquid'),
      'utf8',
    );
    expect(welcomeB.startsWith(`Subject: ${plan?.emailSteps[0]?.variants[1]?.subject ?? '?'}\n\n`)).toBe(
      true,
    );
    expect(plan?.emailSteps[0]?.variants[1]).toEqual({
      id: 'b',
      subject: 'The one-page overview you asked for',
      body: expect.stringMatching(
        /^Hi \{\{ firstName \| default: 'there' \}\},\n\nAs promised: .*\n\{\{ ownerName/s,
      ),
    });
    // The one final line break of a file is not part of the text.
    expect(`${plan?.sms.body ?? '?'}\n`).toBe(shippedTemplates['follow-up.sms.a.liquid']);
    expect(`${plan?.linkedin.connectionNote ?? '?'}\n`).toBe(shippedTemplates['connect.linkedin.a.liquid']);
  });

  test('the loaded plan keeps the shape workflow inputs have: no load-time fields', () => {
    const plan = PlanCatalog.load().latest('demo');
    // A plan without an experiment has none of its optional fields (experiment-schema.ts).
    const fields = Object.keys(planSchema.shape).filter((k) => !EXPERIMENT_PLAN_FIELDS.includes(k));
    expect(Object.keys(plan ?? {})).toEqual(fields);
    expect(plan).not.toHaveProperty('templates');
    expect(Object.keys(plan?.sms ?? {})).toEqual(['window', 'body', 'relevance']);
    expect(Object.keys(plan?.emailSteps[0]?.variants[0] ?? {})).toEqual(['id', 'subject', 'body']);
    expect(Object.keys(plan?.linkedin ?? {})).toEqual(['connectionNote']);
  });

  test('the latest version of a plan is the one enrollment gets', () => {
    const catalog = catalogOf({ plan: base }, { plan: { ...base, version: 2, name: 'P2' } });
    expect(catalog.latest('p')).toMatchObject({ version: 2, name: 'P2' });
  });

  test('an invalid plan is refused at load, naming the file and the field', () => {
    expect(() => catalogOf({ plan: { ...base, openWindow: 'two days' } })).toThrow(PlanError);
    expect(messageOf({ plan: { ...base, openWindow: 'two days' } })).toMatch(
      /plan-0\.json.*openWindow: must be a duration/,
    );
    expect(messageOf({ plan: { ...base, emailSteps: [...base.emailSteps, ...base.emailSteps] } })).toMatch(
      /emailSteps\.6\.id: duplicate step id "welcome"/,
    );
    expect(messageOf({ plan: { ...base, surprise: 1 } })).toMatch(/surprise/);
    expect(
      messageOf({
        plan: { ...base, sms: { ...base.sms, window: { start: '21:00', end: '09:00', weekdays: [1] } } },
      }),
    ).toMatch(/sms\.window\.end: start must be before end/);
    expect(messageOf({ plan: { ...base, scoring: { ...base.scoring, handoffAt: 1 } } })).toMatch(
      /scoring\.handoffAt/,
    );
    expect(issuesOf({ plan: { ...base, sms: { ...base.sms, maxSegments: 0 } } })).toEqual([
      expect.objectContaining({ file: 'plan-0.json', field: 'sms.maxSegments' }),
    ]);
  });

  test('texts written in the plan file (the old format) are refused: they belong in template files', () => {
    expect(messageOf({ plan: { ...base, linkedin: { connectionNote: 'Hi' } } })).toMatch(
      /plan-0\.json.*linkedin/,
    );
    const inlined = {
      ...base,
      emailSteps: base.emailSteps.map((s) => ({ ...s, variants: [{ id: 'a', subject: 's', body: 'b' }] })),
    };
    expect(messageOf({ plan: inlined })).toMatch(
      /emailSteps\.0\.variants\.0: Unrecognized keys: "subject", "body"/,
    );
    expect(messageOf({ plan: { ...base, sms: { ...base.sms, body: 'Hi' } } })).toMatch(
      /sms: Unrecognized key: "body"/,
    );
  });

  test('the same version defined twice is refused', () => {
    expect(messageOf({ plan: base }, { plan: base })).toMatch(/plan p v1 is defined twice/);
  });

  test('durations parse to milliseconds', () => {
    const plan = PlanCatalog.load().latest('default');
    expect(plan?.disengagedAfter).toBe(14 * 24 * HOUR);
    expect(catalogOf({ plan: { ...base, openWindow: '90s' } }).latest('p')?.openWindow).toBe(90_000);
  });
});
