/**
 * Decision-function throughput: how many `decide()` evaluations one core runs
 * per second on a realistic mix (timers, opens, page visits that trigger the
 * SMS window and cap checks in a non-UTC zone). Budget: ≥ 100k/s.
 * Run: npx tsx bench/decide.bench.ts
 */
import { PlanCatalog } from '../plans/plan-catalog';
import { decide } from '../workflows/engine/decide';
import type { NurtureInput } from '../workflows/engine/inputs';
import { initialState, type NurtureState } from '../workflows/engine/state';

const plan = PlanCatalog.load().latest('default');
if (plan === undefined) throw new Error('default plan missing');
const start = Date.parse('2026-11-23T21:00:00Z');
const base = initialState(
  {
    leadId: 'bench',
    workflowId: 'nurture-bench',
    plan,
    profile: {
      timezone: 'America/Chicago',
      ownerId: 'rep',
      hasPhone: true,
      persona: null,
      industry: null,
      stage: null,
      preferredChannel: null,
    },
    consent: {
      email: { granted: true, source: 'bench', at: 0 },
      sms: { granted: true, source: 'bench', at: 0 },
    },
  },
  start,
);
let state: NurtureState = decide(base, { kind: 'start' }, start).state;
state = decide(
  state,
  {
    kind: 'touch-result',
    touchKey: state.lastTouch?.key ?? '',
    channel: 'email',
    outcome: 'sent',
    delivered: true,
  },
  start,
).state;

const inputs: NurtureInput[] = [
  { kind: 'timer' },
  { kind: 'event', event: { id: 'x', type: 'email.opened', occurredAt: '', data: {} } },
  { kind: 'event', event: { id: 'y', type: 'web.page_visited', occurredAt: '', data: { path: '/pricing' } } },
  { kind: 'event', event: { id: 'z', type: 'email.clicked', occurredAt: '', data: {} } },
];

const N = 200_000;
let sink = 0;
const began = process.hrtime.bigint();
for (let i = 0; i < N; i += 1) {
  const input = inputs[i % inputs.length] ?? { kind: 'timer' };
  // Always from the same state, so each evaluation does the full work.
  const result = decide(state, input, start + (i % 1000) * 60_000);
  sink += result.commands.length;
}
const seconds = Number(process.hrtime.bigint() - began) / 1e9;
const heap = process.memoryUsage().heapUsed / 1024 / 1024;
process.stdout.write(
  `decide(): ${String(N)} evaluations in ${seconds.toFixed(2)} s = ${Math.round(N / seconds).toLocaleString('en-US')}/s ` +
    `(commands ${String(sink)}); state JSON ${String(JSON.stringify(state).length)} bytes; heap ${heap.toFixed(0)} MB\n`,
);
