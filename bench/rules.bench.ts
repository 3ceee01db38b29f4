/**
 * Throughput of the pure workflow rules, one core, warm formatter cache.
 * Run: npx tsx bench/rules.bench.ts   (prints figures; asserts nothing)
 *
 * The budget that matters: a decision (send window + caps + cooldowns) must
 * manage ≥ 100k evaluations/s, so that replaying a long nurture history stays cheap.
 *
 * "warm": instants within one year, so local-time's per-day offset memo holds
 * every day after the first pass (a worker deciding for many leads in a zone).
 * "cold": instants spread over 1900–2100, far more days than the memo keeps,
 * so nearly every call reads the zone through the cached formatter.
 */
import type { CapRule, Cooldown } from '../plans/plan-schema';
import type { Channel } from '../workflows/rules/channels';
import { checkCaps, checkCooldown, pruneHistory, type SentRecord } from '../workflows/rules/frequency-caps';
import {
  formatLocal,
  instantOfLocal,
  localDateTime,
  localDayKey,
  zoneOffsetMinutes,
} from '../workflows/rules/local-time';
import { applyPoints, decayedScore } from '../workflows/rules/scoring';
import { checkSendWindow, DEFAULT_SMS_WINDOW, nextWindowOpening } from '../workflows/rules/send-window';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ZONE = 'America/Chicago';
const START = Date.parse('2026-01-01T00:00:00Z');
const SAMPLES = 4096;
const RUN_MS = 400;

/** A fixed pseudo-random sequence, so every run measures the same inputs. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const next = lcg(42);
const instants = Array.from({ length: SAMPLES }, () => START + Math.floor(next() * 365 * DAY));
const COLD_FROM = Date.parse('1900-01-01T00:00:00Z');
// Many more distinct days than the memo keeps per zone (4096), so it keeps starting over.
const COLD_SAMPLES = 60_000;
const coldInstants = Array.from(
  { length: COLD_SAMPLES },
  () => COLD_FROM + Math.floor(next() * 200 * 365 * DAY),
);
const CHANNELS: Channel[] = ['email', 'sms', 'linkedin', 'retargeting'];
const channelAt = (i: number): Channel => CHANNELS[i % CHANNELS.length] ?? 'email';
const histories: SentRecord[][] = instants.map((t, i) =>
  Array.from({ length: 20 }, (_, k) => ({
    channel: channelAt(i + k),
    at: t - Math.floor(next() * 10 * DAY),
  })),
);
/** The warm histories, moved next to each cold instant. */
const coldHistories: SentRecord[][] = coldInstants.map((t, i) => {
  const warm = histories[i % SAMPLES] ?? [];
  const shift = t - (instants[i % SAMPLES] ?? START);
  return warm.map((r) => ({ channel: r.channel, at: r.at + shift }));
});
const CAPS: CapRule[] = [
  { channel: 'sms', max: 2, rolling: 7 * DAY },
  { channel: 'sms', max: 1, perLocalDay: true },
  { channel: 'any', max: 5, rolling: 3 * DAY },
];
const COOLDOWNS: Cooldown[] = [
  { from: 'email', to: 'sms', after: 4 * HOUR },
  { from: 'any', to: 'sms', after: HOUR },
];
/** Instants inside / outside the default 09:00–20:00 window, to time both paths of checkSendWindow. */
const insideInstants = instants.filter((t) => checkSendWindow(t, ZONE, DEFAULT_SMS_WINDOW).inside);
const outsideInstants = instants.filter((t) => !checkSendWindow(t, ZONE, DEFAULT_SMS_WINDOW).inside);
const locals = instants.map((t) => localDateTime(t, ZONE));

let sink = 0;

function measure(name: string, inputs: number, run: (i: number) => number): void {
  for (let i = 0; i < 20_000; i++) sink += run(i % inputs);
  let count = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < RUN_MS) {
    for (let i = 0; i < 1000; i++) sink += run((count + i) % inputs);
    count += 1000;
    elapsed = performance.now() - started;
  }
  const perSecond = (count / elapsed) * 1000;
  const micros = (elapsed * 1000) / count;
  console.log(
    `${name.padEnd(48)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} /s ${micros.toFixed(2).padStart(8)} µs`,
  );
}

const at = (list: readonly number[], i: number): number => list[i] ?? START;

console.log(
  `rules benchmark: node ${process.version}, zone ${ZONE} (formatter cached), ${RUN_MS} ms per line\n`,
);
console.log(`${'function'.padEnd(48)} ${'evaluations'.padStart(15)} ${'per call'.padStart(11)}`);

measure(
  'new Intl.DateTimeFormat per call (for contrast)',
  SAMPLES,
  (i) =>
    new Intl.DateTimeFormat('en-US', { timeZone: ZONE, hourCycle: 'h23', hour: 'numeric' }).format(
      at(instants, i),
    ).length,
);
function decision(now: number, history: readonly SentRecord[]): number {
  const window = checkSendWindow(now, ZONE, DEFAULT_SMS_WINDOW);
  const caps = checkCaps(history, 'sms', now, ZONE, CAPS);
  const cooldown = checkCooldown(history, 'sms', now, COOLDOWNS);
  return (window.inside ? 1 : 0) + (caps.allowed ? 1 : 0) + (cooldown.allowed ? 1 : 0);
}

console.log('\nwarm (2026 instants; per-day offset memo hits)');
measure('localDateTime', SAMPLES, (i) => localDateTime(at(instants, i), ZONE).hour);
measure('zoneOffsetMinutes', SAMPLES, (i) => zoneOffsetMinutes(at(instants, i), ZONE));
measure('localDayKey', SAMPLES, (i) => localDayKey(at(instants, i), ZONE).length);
measure('formatLocal', SAMPLES, (i) => formatLocal(at(instants, i), ZONE).length);
measure('instantOfLocal', SAMPLES, (i) => instantOfLocal(locals[i] ?? localDateTime(START, ZONE), ZONE));
measure('checkSendWindow (inside)', insideInstants.length, (i) =>
  checkSendWindow(at(insideInstants, i), ZONE, DEFAULT_SMS_WINDOW).inside ? 1 : 0,
);
measure('checkSendWindow (outside → next opening)', outsideInstants.length, (i) => {
  const check = checkSendWindow(at(outsideInstants, i), ZONE, DEFAULT_SMS_WINDOW);
  return check.inside ? 0 : check.nextOpening;
});
measure('nextWindowOpening (09:00–20:00 daily)', SAMPLES, (i) =>
  nextWindowOpening(at(instants, i), ZONE, DEFAULT_SMS_WINDOW),
);
measure('nextWindowOpening (Mon–Fri 09:00–17:00)', SAMPLES, (i) =>
  nextWindowOpening(at(instants, i), ZONE, { start: '09:00', end: '17:00', weekdays: [1, 2, 3, 4, 5] }),
);
measure('checkCaps (3 caps, 20 records)', SAMPLES, (i) =>
  checkCaps(histories[i] ?? [], 'sms', at(instants, i), ZONE, CAPS).allowed ? 1 : 0,
);
measure('checkCooldown (2 cooldowns, 20 records)', SAMPLES, (i) =>
  checkCooldown(histories[i] ?? [], 'sms', at(instants, i), COOLDOWNS).allowed ? 1 : 0,
);
measure(
  'pruneHistory (20 records)',
  SAMPLES,
  (i) => pruneHistory(histories[i] ?? [], at(instants, i), CAPS, COOLDOWNS).length,
);
measure('decayedScore', SAMPLES, (i) => decayedScore(42, START, at(instants, i), 7 * DAY));
measure(
  'applyPoints',
  SAMPLES,
  (i) => applyPoints({ score: 42, at: START }, 10, at(instants, i), 7 * DAY).score,
);
measure('decision: window + caps + cooldown', SAMPLES, (i) => decision(at(instants, i), histories[i] ?? []));

console.log('\ncold (1900–2100 instants; almost every day is new to the memo)');
measure('localDateTime', COLD_SAMPLES, (i) => localDateTime(at(coldInstants, i), ZONE).hour);
measure('checkSendWindow', COLD_SAMPLES, (i) =>
  checkSendWindow(at(coldInstants, i), ZONE, DEFAULT_SMS_WINDOW).inside ? 1 : 0,
);
measure('nextWindowOpening (09:00–20:00 daily)', COLD_SAMPLES, (i) =>
  nextWindowOpening(at(coldInstants, i), ZONE, DEFAULT_SMS_WINDOW),
);
measure('checkCaps (3 caps, 20 records)', COLD_SAMPLES, (i) =>
  checkCaps(coldHistories[i] ?? [], 'sms', at(coldInstants, i), ZONE, CAPS).allowed ? 1 : 0,
);
measure('decision: window + caps + cooldown', COLD_SAMPLES, (i) =>
  decision(at(coldInstants, i), coldHistories[i] ?? []),
);

console.log(`\n(checksum ${sink % 1000})`);
