import fc from 'fast-check';
import type { Plan } from '../../plans/plan-schema';
import type { NurtureInput } from '../../workflows/engine/inputs';
import type { LeadArm } from '../../workflows/engine/state';
import { LEAD_EVENT_TYPES, type LeadEventType } from '../../workflows/lead-event';
import { shippedPlan, startOf } from './builders';
import { DAY, event, runEngine, type Scripted } from './engine-harness';

/**
 * Random leads, random event streams (every event type, sales actions,
 * suppressions, colleague pauses) and random clocks and zones for 90
 * simulated days: the scenarios the engine's fast-check properties run over.
 */
const DEFAULT_PLAN = shippedPlan('default');

export const ZONES = [
  'America/Chicago',
  'America/New_York',
  'America/Los_Angeles',
  'America/St_Johns',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Tokyo',
  'Australia/Lord_Howe',
  'Australia/Adelaide',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'UTC',
];

function mostly(value: boolean): fc.Arbitrary<boolean> {
  return fc.constantFrom(value, value, value, !value);
}

const dataArb = fc.record(
  {
    path: fc.constantFrom('/pricing', '/demo', '/trial/start', '/blog/post', '/'),
    bounceType: fc.constantFrom('bounce', 'blocked'),
    machineOpen: fc.boolean(),
    autoReply: fc.boolean(),
    scope: fc.constantFrom('global', 'list'),
    channel: fc.constantFrom('email', 'sms', 'linkedin', 'ads'),
    granted: fc.boolean(),
  },
  { requiredKeys: [] },
);

const inputArb: fc.Arbitrary<(id: number) => NurtureInput> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.tuple(fc.constantFrom(...LEAD_EVENT_TYPES), dataArb).map(
      ([type, data]) =>
        (id: number) =>
          event(`e${String(id)}`, type, data),
    ),
  },
  {
    weight: 12,
    arbitrary: fc
      .constantFrom<LeadEventType>(
        'email.opened',
        'web.page_visited',
        'email.clicked',
        'trial.started',
        'webinar.attended',
      )
      .chain((type) => dataArb.map((data) => (id: number) => event(`e${String(id % 7)}`, type, data))),
  },
  {
    weight: 1,
    arbitrary: fc.constant((): NurtureInput => ({ kind: 'suppress', reason: 'test', source: 'api' })),
  },
  {
    weight: 1,
    arbitrary: fc.constant((): NurtureInput => ({
      kind: 'account-pause',
      byLeadId: 'other',
      reason: 'colleague booked',
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom<NurtureInput>(
        { kind: 'sales', sales: { action: 'ack', by: 'rep' } },
        { kind: 'sales', sales: { action: 'resume', by: 'rep' } },
        { kind: 'sales', sales: { action: 'handoff', by: 'rep', note: null } },
        { kind: 'sales', sales: { action: 'close', by: 'rep', reason: 'done' } },
      )
      .map((input) => () => input),
  },
);

export const scenarioArb = fc.record({
  startAt: fc
    .date({
      min: new Date('2020-01-01T00:00:00Z'),
      max: new Date('2035-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.getTime()),
  zone: fc.constantFrom(...ZONES),
  // Biased towards leads that can receive SMS, so the SMS rules are exercised often.
  consent: fc.record({ email: mostly(true), sms: mostly(true), ads: fc.boolean() }),
  hasPhone: mostly(true),
  ownerId: fc.constantFrom('rep-1', null),
  industry: fc.constantFrom(null, 'healthcare', 'software'),
  preferredChannel: fc.constantFrom(null, 'email' as const, 'sms' as const),
  inputs: fc.array(fc.tuple(fc.integer({ min: 0, max: 90 * DAY }), inputArb), { maxLength: 40 }),
  failSends: mostly(false),
});

export type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** Runs a scenario through the engine, on the default plan unless told, in an arm if given. */
export function simulate(s: Scenario, options: { plan?: Plan; arm?: LeadArm } = {}) {
  const start = startOf({
    consent: s.consent,
    profile: {
      timezone: s.zone,
      hasPhone: s.hasPhone,
      ownerId: s.ownerId,
      industry: s.industry,
      preferredChannel: s.preferredChannel,
    },
    plan: options.plan ?? DEFAULT_PLAN,
  });
  const script: Scripted[] = s.inputs.map(([offset, make], i) => ({
    at: s.startAt + offset,
    input: make(i),
  }));
  return runEngine({ ...start, arm: options.arm }, script, {
    startAt: s.startAt,
    until: s.startAt + 90 * DAY,
    failSends: s.failSends,
  });
}
