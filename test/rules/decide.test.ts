import fc from 'fast-check';
import { decide, initialState } from '../../workflows/rules/decide';
import type { NurtureInput, NurtureState } from '../../workflows/rules/nurture-state';
import { shippedPlan } from '../support/builders';
import type { LeadEventType } from '../../workflows/lead-event';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-24T09:00:00Z');

function start(): { state: NurtureState; commands: ReturnType<typeof decide>['commands'] } {
  const state = initialState({ leadId: 'l1', workflowId: 'nurture-l1', plan: shippedPlan('default') });
  return decide(state, { kind: 'start' }, T0);
}

function event(id: string, type: LeadEventType): NurtureInput {
  return { kind: 'event', event: { id, type, occurredAt: new Date(T0).toISOString(), data: {} } };
}

function sendKeys(commands: ReturnType<typeof decide>['commands']): string[] {
  return commands.flatMap((c) => (c.type === 'send-email' ? [c.touchKey] : []));
}

describe('decide: table', () => {
  test('start records the enrollment and sends the first email at once', () => {
    const { state, commands } = start();
    expect(commands.map((c) => c.type)).toEqual(['record-decision', 'send-email']);
    expect(sendKeys(commands)).toEqual(['nurture-l1:v1:welcome:email:a']);
    expect(state).toMatchObject({
      phase: 'scheduled',
      dueAt: null,
      lastTouchKey: 'nurture-l1:v1:welcome:email:a',
    });
  });

  test('a sent email opens a 48h window', () => {
    const { state } = start();
    const sent = decide(
      state,
      { kind: 'touch-result', touchKey: 'nurture-l1:v1:welcome:email:a', outcome: 'sent' },
      T0,
    );
    expect(sent.state).toMatchObject({ phase: 'awaiting-open', dueAt: T0 + 48 * HOUR });
  });

  test('a failed send is explained and the plan moves on', () => {
    const { state } = start();
    const failed = decide(
      state,
      {
        kind: 'touch-result',
        touchKey: 'nurture-l1:v1:welcome:email:a',
        outcome: 'failed',
        reason: 'invalid address',
      },
      T0,
    );
    expect(failed.commands).toContainEqual({
      type: 'record-decision',
      decision: expect.objectContaining({
        outcome: 'email-failed',
        reason: 'email "welcome" was not sent: invalid address',
      }),
    });
    expect(failed.state).toMatchObject({ phase: 'scheduled', stepIndex: 1, dueAt: T0 + 72 * HOUR });
  });

  test('a timer before the due time does nothing', () => {
    const { state } = start();
    const sent = decide(
      state,
      { kind: 'touch-result', touchKey: 'nurture-l1:v1:welcome:email:a', outcome: 'sent' },
      T0,
    );
    expect(decide(sent.state, { kind: 'timer' }, T0 + 47 * HOUR)).toEqual({
      state: sent.state,
      commands: [],
    });
  });

  test('two opens make a new lead engaged, with the reason', () => {
    const { state } = start();
    const sent = decide(
      state,
      { kind: 'touch-result', touchKey: 'nurture-l1:v1:welcome:email:a', outcome: 'sent' },
      T0,
    );
    const one = decide(sent.state, event('o1', 'email.opened'), T0 + HOUR);
    const two = decide(one.state, event('o2', 'email.opened'), T0 + 2 * HOUR);
    expect(one.state.status).toBe('new');
    expect(two.state.status).toBe('engaged');
    expect(two.commands).toContainEqual({
      type: 'record-decision',
      decision: expect.objectContaining({ rule: 'status', outcome: 'engaged' }),
    });
  });
});

// Random walks through the engine: any mix of events, timers and send results, in any order.
const eventTypes: LeadEventType[] = ['email.opened', 'email.clicked', 'meeting.booked', 'web.page_visited'];
const stepArb = fc.oneof(
  fc.record({ kind: fc.constant('timer' as const), advance: fc.integer({ min: 0, max: 100 * HOUR }) }),
  fc.record({
    kind: fc.constant('event' as const),
    advance: fc.integer({ min: 0, max: 10 * HOUR }),
    id: fc.integer({ min: 0, max: 20 }).map(String),
    type: fc.constantFrom(...eventTypes),
  }),
);

interface Walk {
  sends: { key: string; at: number }[];
  bookedAt: number | null;
  final: NurtureState;
  appliedEventIds: string[];
}

type Step =
  { kind: 'timer'; advance: number } | { kind: 'event'; advance: number; id: string; type: LeadEventType };

function walk(steps: Step[], failSends: boolean): Walk {
  const plan = shippedPlan('default');
  let now = T0;
  let state = initialState({ leadId: 'l1', workflowId: 'nurture-l1', plan });
  const sends: { key: string; at: number }[] = [];
  const appliedEventIds: string[] = [];
  let bookedAt: number | null = null;
  const run = (input: NurtureInput) => {
    const queue = [input];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const before = state;
      const result = decide(state, next, now);
      state = result.state;
      if (next.kind === 'event' && before.seenEventIds.length !== state.seenEventIds.length) {
        appliedEventIds.push(next.event.id);
      }
      for (const key of sendKeys(result.commands)) {
        sends.push({ key, at: now });
        queue.push({
          kind: 'touch-result',
          touchKey: key,
          outcome: failSends ? 'failed' : 'sent',
          reason: 'x',
        });
      }
    }
  };
  run({ kind: 'start' });
  for (const step of steps) {
    now += step.advance;
    if (step.kind === 'timer') run({ kind: 'timer' });
    else {
      run(event(step.id, step.type));
      if (step.type === 'meeting.booked' && bookedAt === null && state.status === 'converted') bookedAt = now;
    }
  }
  return { sends, bookedAt, final: state, appliedEventIds };
}

describe('decide: properties', () => {
  test('no touch key is ever sent twice', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), fc.boolean(), (steps, failSends) => {
        const { sends } = walk(steps, failSends);
        expect(new Set(sends.map((s) => s.key)).size).toBe(sends.length);
      }),
    );
  });

  test('nothing is sent after a booking', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
        const { sends, bookedAt } = walk(steps, false);
        if (bookedAt !== null) expect(sends.filter((s) => s.at > bookedAt)).toEqual([]);
      }),
    );
  });

  test('an event id is applied at most once', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
        const { appliedEventIds } = walk(steps, false);
        expect(new Set(appliedEventIds).size).toBe(appliedEventIds.length);
      }),
    );
  });

  test('at most one email per plan step, and never more than the plan has', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 80 }), fc.boolean(), (steps, failSends) => {
        const { sends } = walk(steps, failSends);
        expect(sends.length).toBeLessThanOrEqual(shippedPlan('default').emailSteps.length);
      }),
    );
  });

  test('the state stays plain JSON (it survives continue-as-new unchanged)', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        const { final } = walk(steps, false);
        expect(JSON.parse(JSON.stringify(final))).toEqual(final);
      }),
    );
  });
});
