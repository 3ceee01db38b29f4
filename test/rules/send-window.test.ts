import fc from 'fast-check';
import { at, instants, offsetTransitions, VARIED_ZONES } from '../support/time-zones';
import { localDateTime } from '../../workflows/rules/local-time';
import {
  checkSendWindow,
  DEFAULT_SMS_WINDOW,
  isInsideSendWindow,
  nextWindowOpening,
} from '../../workflows/rules/send-window';
import type { SendWindow } from '../../plans/plan-schema';

const iso = (ms: number): string => new Date(ms).toISOString();
const MINUTE = 60_000;
const QUARTER = 15 * MINUTE;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const WEEKDAYS = [1, 2, 3, 4, 5];

const ZONES = VARIED_ZONES;

const TRANSITIONS = offsetTransitions();

/** Half the runs land within three days of a zone transition, where the bugs live. */
const zonedInstants = fc.oneof(
  fc.record({ instant: instants, zone: fc.constantFrom(...ZONES) }),
  fc
    .tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -3 * DAY, max: 3 * DAY }))
    .map(([transition, shift]) => ({ instant: transition.at + shift, zone: transition.zone })),
);

const clock = (quarters: number): string =>
  `${String(Math.floor(quarters / 4)).padStart(2, '0')}:${String((quarters % 4) * 15).padStart(2, '0')}`;

/** Windows on quarter hours, including ones that straddle or sit inside 02:00–03:00, where DST moves clocks. */
const windows: fc.Arbitrary<SendWindow> = fc
  .record({
    startQuarter: fc.integer({ min: 0, max: 95 }),
    length: fc.integer({ min: 1, max: 96 }),
    weekdays: fc.subarray(EVERY_DAY, { minLength: 1 }),
  })
  .map(({ startQuarter, length, weekdays }) => ({
    start: clock(startQuarter),
    end: clock(Math.min(96, startQuarter + length)),
    weekdays,
  }));

/** The definition, straight from the lead's wall clock: the oracle the fast path is checked against. */
function insideByWallClock(instant: number, zone: string, window: SendWindow): boolean {
  const local = localDateTime(instant, zone);
  const time = `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`;
  return window.weekdays.includes(local.weekday) && time >= window.start && time < window.end;
}

/**
 * Every offset of these zones is a multiple of 15 minutes, so between zone
 * transitions "inside" only changes on quarter hours. Scanning quarter-hour
 * slots plus the transitions themselves (St John's moved its clocks at 00:01
 * until 2011) finds the exact opening.
 */
function bruteForceOpening(instant: number, zone: string, window: SendWindow): number {
  const horizon = instant + 16 * DAY;
  const points = TRANSITIONS.filter((t) => t.zone === zone && t.at > instant && t.at < horizon).map(
    (t) => t.at,
  );
  for (let slot = instant; slot < horizon; slot += QUARTER) points.push(slot);
  points.sort((a, b) => a - b);
  const opening = points.find((point) => insideByWallClock(point, zone, window));
  if (opening === undefined) throw new Error('no opening within 16 days');
  return opening;
}

const SMS: SendWindow = { start: '09:00', end: '20:00', weekdays: EVERY_DAY };

describe('nextWindowOpening: stories', () => {
  test.each([
    [
      'pricing visit at 23:30 in America/Chicago → next opening 09:00 the next morning',
      '2026-03-04T05:30:00Z',
      'America/Chicago',
      SMS,
      '2026-03-04T15:00:00Z',
    ],
    [
      'webinar ends 10:00 in America/Chicago → inside, sends right away',
      '2026-03-04T16:00:00Z',
      'America/Chicago',
      SMS,
      '2026-03-04T16:00:00Z',
    ],
    [
      'click at 20:00 sharp in America/Chicago → the end is exclusive, wait for 09:00 tomorrow',
      '2026-03-05T02:00:00Z',
      'America/Chicago',
      SMS,
      '2026-03-05T15:00:00Z',
    ],
    [
      'Saturday 21:00 before Chicago springs forward → Sunday 09:00 CDT, an hour earlier in UTC',
      '2026-03-08T03:00:00Z',
      'America/Chicago',
      SMS,
      '2026-03-08T14:00:00Z',
    ],
    [
      'Saturday 21:00 before Chicago falls back → Sunday 09:00 CST, an hour later in UTC',
      '2026-11-01T02:00:00Z',
      'America/Chicago',
      SMS,
      '2026-11-01T15:00:00Z',
    ],
    [
      'Friday 20:30 in Chicago, weekdays only → Monday 09:00, across the spring-forward weekend',
      '2026-03-07T02:30:00Z',
      'America/Chicago',
      { start: '09:00', end: '17:00', weekdays: WEEKDAYS },
      '2026-03-09T14:00:00Z',
    ],
    [
      'a window opening at 02:30 on Chicago spring-forward day opens when the clock lands on 03:00',
      '2026-03-08T06:00:00Z',
      'America/Chicago',
      { start: '02:30', end: '05:00', weekdays: EVERY_DAY },
      '2026-03-08T08:00:00Z',
    ],
    [
      'a 02:00–02:45 window does not exist on Chicago spring-forward day → it opens Monday 02:00',
      '2026-03-08T06:00:00Z',
      'America/Chicago',
      { start: '02:00', end: '02:45', weekdays: EVERY_DAY },
      '2026-03-09T07:00:00Z',
    ],
    [
      'at 01:40 CDT on fall-back day, a 01:00–01:30 window reopens when the clock falls back to 01:00 CST',
      '2026-11-01T06:40:00Z',
      'America/Chicago',
      { start: '01:00', end: '01:30', weekdays: EVERY_DAY },
      '2026-11-01T07:00:00Z',
    ],
    [
      'at 01:10 CST, the second time round, a 01:30 window start means 01:30 CST, not the 01:30 CDT already past',
      '2026-11-01T07:10:00Z',
      'America/Chicago',
      { start: '01:30', end: '03:00', weekdays: EVERY_DAY },
      '2026-11-01T07:30:00Z',
    ],
    [
      'Saturday 22:00 before London springs forward → Sunday 08:00 BST',
      '2026-03-28T22:00:00Z',
      'Europe/London',
      { start: '08:00', end: '20:00', weekdays: EVERY_DAY },
      '2026-03-29T07:00:00Z',
    ],
    [
      'Saturday 22:00 BST before London falls back → Sunday 08:00 GMT',
      '2026-10-24T21:00:00Z',
      'Europe/London',
      { start: '08:00', end: '20:00', weekdays: EVERY_DAY },
      '2026-10-25T08:00:00Z',
    ],
    [
      'a 01:00–01:45 London window on spring-forward day is skipped → Monday 01:00 BST',
      '2026-03-28T23:30:00Z',
      'Europe/London',
      { start: '01:00', end: '01:45', weekdays: EVERY_DAY },
      '2026-03-30T00:00:00Z',
    ],
    [
      '20:30 in Asia/Kolkata (+05:30) → 09:00 IST the next day',
      '2026-03-04T15:00:00Z',
      'Asia/Kolkata',
      SMS,
      '2026-03-05T03:30:00Z',
    ],
    [
      '20:45 in Asia/Kathmandu (+05:45) → 09:00 NPT the next day',
      '2026-03-04T15:00:00Z',
      'Asia/Kathmandu',
      SMS,
      '2026-03-05T03:15:00Z',
    ],
    [
      'Saturday 21:00 before Lord Howe moves clocks half an hour → Sunday 09:00 at +11',
      '2026-10-03T10:30:00Z',
      'Australia/Lord_Howe',
      SMS,
      '2026-10-03T22:00:00Z',
    ],
    [
      'a 02:00 window start inside the half-hour Lord Howe gap → opens at 02:30',
      '2026-10-03T14:30:00Z',
      'Australia/Lord_Howe',
      { start: '02:00', end: '04:00', weekdays: EVERY_DAY },
      '2026-10-03T15:30:00Z',
    ],
    [
      'Sunday 20:00 UTC is Monday 08:00 in Pacific/Auckland → a Monday-only window opens at 09:00 that Monday',
      '2026-06-07T20:00:00Z',
      'Pacific/Auckland',
      { start: '09:00', end: '17:00', weekdays: [1] },
      '2026-06-07T21:00:00Z',
    ],
    [
      'Sunday 20:00 UTC is already Monday in Pacific/Auckland → a Sunday-only window waits six days',
      '2026-06-07T20:00:00Z',
      'Pacific/Auckland',
      { start: '09:00', end: '17:00', weekdays: [7] },
      '2026-06-13T21:00:00Z',
    ],
    [
      "Boa Vista's one-week summer time (2000): a Saturday 23:15 window opens on summer time, not an hour later",
      '2000-10-08T03:50:00Z',
      'America/Boa_Vista',
      { start: '23:15', end: '23:45', weekdays: [6] },
      '2000-10-15T02:15:00Z',
    ],
    [
      'a window until 24:00 is open at 23:59',
      '2026-03-05T05:59:00Z',
      'America/Chicago',
      { start: '18:00', end: '24:00', weekdays: EVERY_DAY },
      '2026-03-05T05:59:00Z',
    ],
  ])('%s', (_story, from, zone, window, expected) => {
    expect(iso(nextWindowOpening(at(from), zone, window))).toBe(iso(at(expected)));
  });
});

describe('checkSendWindow: stories', () => {
  test('pricing visit at 23:30 in America/Chicago → outside, says so in local time', () => {
    expect(checkSendWindow(at('2026-03-04T05:30:00Z'), 'America/Chicago', DEFAULT_SMS_WINDOW)).toEqual({
      inside: false,
      localTime: '23:30 Tue',
      nextOpening: at('2026-03-04T15:00:00Z'),
    });
  });

  test('10:15 on a Wednesday in Kathmandu → inside', () => {
    expect(checkSendWindow(at('2026-03-04T04:30:00Z'), 'Asia/Kathmandu', DEFAULT_SMS_WINDOW)).toEqual({
      inside: true,
      localTime: '10:15 Wed',
    });
  });

  test('the default SMS window is 09:00–20:00 every day; plans narrow it', () => {
    expect(DEFAULT_SMS_WINDOW).toEqual({ start: '09:00', end: '20:00', weekdays: [1, 2, 3, 4, 5, 6, 7] });
  });

  test.each([
    ['no weekdays', { start: '09:00', end: '20:00', weekdays: [] }, /no weekdays/],
    ['start after end', { start: '20:00', end: '09:00', weekdays: EVERY_DAY }, /before end/],
    ['start equal to end', { start: '09:00', end: '09:00', weekdays: EVERY_DAY }, /before end/],
    ['a weekday 0', { start: '09:00', end: '20:00', weekdays: [0] }, /ISO weekday/],
    ['a time like 9:00', { start: '9:00', end: '20:00', weekdays: EVERY_DAY }, /24h time/],
  ])('a window with %s is a plan error and throws', (_story, window, message) => {
    expect(() => nextWindowOpening(at('2026-03-04T05:30:00Z'), 'UTC', window)).toThrow(message);
    expect(() => checkSendWindow(at('2026-03-04T05:30:00Z'), 'UTC', window)).toThrow(message);
  });
});

describe('send window: properties over 2000–2040 and 16 zones', () => {
  test('the next opening is never before the instant asked about', () => {
    fc.assert(
      fc.property(zonedInstants, windows, ({ instant, zone }, window) => {
        expect(nextWindowOpening(instant, zone, window)).toBeGreaterThanOrEqual(instant);
      }),
      { numRuns: 5000 },
    );
  });

  test('the window is open at the next opening, on the wall clock', () => {
    fc.assert(
      fc.property(zonedInstants, windows, ({ instant, zone }, window) => {
        const opening = nextWindowOpening(instant, zone, window);
        expect(checkSendWindow(opening, zone, window).inside).toBe(true);
        expect(insideByWallClock(opening, zone, window)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  test('no sampled instant between now and the next opening is inside the window', () => {
    fc.assert(
      fc.property(
        zonedInstants,
        windows,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
        ({ instant, zone }, window, fractions) => {
          const opening = nextWindowOpening(instant, zone, window);
          if (opening - instant < 2) return;
          const samples = [
            ...fractions.map((f) => instant + 1 + Math.floor(f * (opening - instant - 2))),
            opening - 1,
            opening - MINUTE,
            opening - HOUR,
          ].filter((s) => s > instant && s < opening);
          for (const sample of samples) {
            expect({ sample: iso(sample), inside: insideByWallClock(sample, zone, window) }).toEqual({
              sample: iso(sample),
              inside: false,
            });
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('from a quarter hour, the opening equals a slot-by-slot scan of the wall clock', () => {
    fc.assert(
      fc.property(zonedInstants, windows, ({ instant, zone }, window) => {
        const slot = Math.floor(instant / QUARTER) * QUARTER;
        expect(iso(nextWindowOpening(slot, zone, window))).toBe(iso(bruteForceOpening(slot, zone, window)));
      }),
      { numRuns: 2000 },
    );
  });

  test('checkSendWindow agrees with nextWindowOpening and reads the local time', () => {
    fc.assert(
      fc.property(zonedInstants, windows, ({ instant, zone }, window) => {
        const check = checkSendWindow(instant, zone, window);
        const opening = nextWindowOpening(instant, zone, window);
        expect(check.inside).toBe(opening === instant);
        expect(isInsideSendWindow(instant, zone, window)).toBe(check.inside);
        if (!check.inside) expect(check.nextOpening).toBe(opening);
        expect(check.localTime).toMatch(/^([01]\d|2[0-3]):[0-5]\d (Mon|Tue|Wed|Thu|Fri|Sat|Sun)$/);
      }),
      { numRuns: 3000 },
    );
  });
});
