import fc from 'fast-check';
import { at, instants, offsetTransitions, VARIED_ZONES } from '../support/time-zones';
import {
  formatLocal,
  instantOfLocal,
  isValidTimeZone,
  localDateTime,
  localDayBounds,
  localDayKey,
  zoneOffsetMinutes,
} from '../../workflows/rules/local-time';

const MINUTE = 60_000;
const HOUR = 3_600_000;

const ZONES = VARIED_ZONES;

const zones = fc.constantFrom(...ZONES);

const TRANSITIONS = offsetTransitions();

/** Half the runs land within a day of a zone transition, where the bugs live. */
const zonedInstants = fc.oneof(
  fc.record({ instant: instants, zone: zones }),
  fc
    .tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -24 * HOUR, max: 24 * HOUR }))
    .map(([transition, shift]) => ({ instant: transition.at + shift, zone: transition.zone })),
);

/** Independent oracles, built the slow way: a fresh formatter per zone with other options. */
const offsetOracles = new Map<string, Intl.DateTimeFormat>();
function oracleOffsetMinutes(instant: number, zone: string): number {
  let formatter = offsetOracles.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetOracles.set(zone, formatter);
  }
  const name = formatter.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const match = /GMT([+-])(\d\d):(\d\d)/.exec(name);
  if (match === null) return 0; // "GMT" alone means +00:00
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

const weekdayOracles = new Map<string, Intl.DateTimeFormat>();
function oracleWeekday(instant: number, zone: string): string {
  let formatter = weekdayOracles.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short' });
    weekdayOracles.set(zone, formatter);
  }
  return formatter.format(instant);
}

describe('localDateTime', () => {
  test('a Sunday-evening UTC instant is already Monday morning in Pacific/Auckland', () => {
    expect(localDateTime(at('2026-06-07T20:00:00Z'), 'Pacific/Auckland')).toEqual({
      year: 2026,
      month: 6,
      day: 8,
      hour: 8,
      minute: 0,
      second: 0,
      weekday: 1,
    });
    expect(localDateTime(at('2026-06-07T20:00:00Z'), 'UTC').weekday).toBe(7);
  });

  test('midnight reads 00, never 24', () => {
    expect(localDateTime(at('2026-01-01T06:00:00Z'), 'America/Chicago')).toMatchObject({ day: 1, hour: 0 });
  });

  test('the weekday always matches what Intl prints for the local date', () => {
    fc.assert(
      fc.property(zonedInstants, ({ instant, zone }) => {
        const names = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
        expect(names[localDateTime(instant, zone).weekday - 1]).toBe(oracleWeekday(instant, zone));
      }),
      { numRuns: 3000 },
    );
  });
});

const fieldOracles = new Map<string, Intl.DateTimeFormat>();
function oracleFields(instant: number, zone: string): Record<string, number> {
  let formatter = fieldOracles.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    fieldOracles.set(zone, formatter);
  }
  const fields: Record<string, number> = {};
  for (const part of formatter.formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return fields;
}

describe('localDateTime against the formatter', () => {
  test('every field matches Intl, whether the day was seen before or not (the per-day offset memo is invisible)', () => {
    fc.assert(
      fc.property(
        zonedInstants,
        fc.integer({ min: -30 * HOUR, max: 30 * HOUR }),
        ({ instant, zone }, hop) => {
          for (const t of [instant, instant + hop, instant]) {
            const { year, month, day, hour, minute, second } = localDateTime(t, zone);
            expect({ year, month, day, hour, minute, second }).toEqual(oracleFields(t, zone));
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('zoneOffsetMinutes', () => {
  test.each([
    ['America/Chicago in winter', '2026-01-15T12:00:00Z', 'America/Chicago', -360],
    ['America/Chicago in summer', '2026-07-15T12:00:00Z', 'America/Chicago', -300],
    ['America/Chicago one second before spring-forward', '2026-03-08T07:59:59Z', 'America/Chicago', -360],
    ['America/Chicago at spring-forward', '2026-03-08T08:00:00Z', 'America/Chicago', -300],
    ['Europe/London in BST', '2026-07-01T00:00:00Z', 'Europe/London', 60],
    ['Asia/Kolkata, half an hour off', '2026-07-01T00:00:00Z', 'Asia/Kolkata', 330],
    ['Asia/Kathmandu, 45 minutes off', '2026-07-01T00:00:00Z', 'Asia/Kathmandu', 345],
    ['Australia/Lord_Howe in its half-hour summer time', '2026-01-01T00:00:00Z', 'Australia/Lord_Howe', 660],
    ['Australia/Lord_Howe in winter', '2026-07-01T00:00:00Z', 'Australia/Lord_Howe', 630],
  ])('%s', (_story, iso, zone, minutes) => {
    expect(zoneOffsetMinutes(at(iso), zone)).toBe(minutes);
  });

  test('agrees with the GMT offset Intl names, at any instant in any zone', () => {
    fc.assert(
      fc.property(zonedInstants, ({ instant, zone }) => {
        expect(zoneOffsetMinutes(instant, zone)).toBe(oracleOffsetMinutes(instant, zone));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('localDayKey and formatLocal', () => {
  test('late evening in Chicago is still the previous UTC day', () => {
    expect(localDayKey(at('2026-03-04T05:30:00Z'), 'America/Chicago')).toBe('2026-03-03');
    expect(formatLocal(at('2026-03-04T05:30:00Z'), 'America/Chicago')).toBe('23:30 Tue');
  });

  test('Kathmandu reads quarter past, with a zero-padded hour', () => {
    expect(formatLocal(at('2026-03-04T03:15:00Z'), 'Asia/Kathmandu')).toBe('09:00 Wed');
    expect(localDayKey(at('2026-03-04T18:15:00Z'), 'Asia/Kathmandu')).toBe('2026-03-05');
  });
});

describe('instantOfLocal', () => {
  const local = (year: number, month: number, day: number, hour: number, minute: number) => ({
    year,
    month,
    day,
    hour,
    minute,
  });

  test.each([
    ['an ordinary Chicago morning', local(2026, 3, 4, 9, 0), 'America/Chicago', '2026-03-04T15:00:00Z'],
    [
      '02:30 on Chicago spring-forward day never happens → 03:00 CDT',
      local(2026, 3, 8, 2, 30),
      'America/Chicago',
      '2026-03-08T08:00:00Z',
    ],
    [
      '01:30 on Chicago fall-back day happens twice → the first, still CDT',
      local(2026, 11, 1, 1, 30),
      'America/Chicago',
      '2026-11-01T06:30:00Z',
    ],
    [
      '01:30 on London spring-forward day never happens → 02:00 BST',
      local(2026, 3, 29, 1, 30),
      'Europe/London',
      '2026-03-29T01:00:00Z',
    ],
    [
      '01:30 on London fall-back day happens twice → the first, still BST',
      local(2026, 10, 25, 1, 30),
      'Europe/London',
      '2026-10-25T00:30:00Z',
    ],
    [
      '02:15 in the half-hour Lord Howe gap → 02:30 summer time',
      local(2026, 10, 4, 2, 15),
      'Australia/Lord_Howe',
      '2026-10-03T15:30:00Z',
    ],
    [
      '01:45 in the half-hour Lord Howe overlap → the first, still +11',
      local(2026, 4, 5, 1, 45),
      'Australia/Lord_Howe',
      '2026-04-04T14:45:00Z',
    ],
    ['09:00 in Kolkata is 03:30 UTC', local(2026, 3, 4, 9, 0), 'Asia/Kolkata', '2026-03-04T03:30:00Z'],
    ['09:00 in Kathmandu is 03:15 UTC', local(2026, 3, 4, 9, 0), 'Asia/Kathmandu', '2026-03-04T03:15:00Z'],
    [
      'Santiago skips midnight when summer time starts → the day begins at 01:00',
      local(2026, 9, 6, 0, 0),
      'America/Santiago',
      '2026-09-06T04:00:00Z',
    ],
  ])('%s', (_story, wall, zone, iso) => {
    expect(new Date(instantOfLocal(wall, zone)).toISOString()).toBe(new Date(at(iso)).toISOString());
  });

  test('round trip: every minute maps back to itself, or to the earlier twin of a repeated hour', () => {
    fc.assert(
      fc.property(zonedInstants, ({ instant, zone }) => {
        const minute = Math.floor(instant / MINUTE) * MINUTE;
        const l = localDateTime(minute, zone);
        const back = instantOfLocal(l, zone);
        if (back !== minute) {
          expect(back).toBeLessThan(minute);
          expect(minute - back).toBeLessThanOrEqual(HOUR);
          expect(localDateTime(back, zone)).toEqual(l);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('any wall time resolves to an instant that reads it, or to the end of the gap that skipped it', () => {
    fc.assert(
      fc.property(zonedInstants, fc.integer({ min: 0, max: 1439 }), ({ instant, zone }, minuteOfDay) => {
        const day = localDateTime(instant, zone);
        const wall = { ...day, hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 };
        const resolved = instantOfLocal(wall, zone);
        const read = localDateTime(resolved, zone);
        const readsWall = read.hour === wall.hour && read.minute === wall.minute && read.day === wall.day;
        if (!readsWall) {
          // Skipped: one minute earlier the clock still showed a time before the wall time.
          expect(zoneOffsetMinutes(resolved - 1000, zone)).toBeLessThan(zoneOffsetMinutes(resolved, zone));
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('localDayBounds', () => {
  test.each([
    ['Chicago spring-forward day lasts 23 hours', '2026-03-08T18:00:00Z', 'America/Chicago', 23],
    ['Chicago fall-back day lasts 25 hours', '2026-11-01T18:00:00Z', 'America/Chicago', 25],
    ['an ordinary London day lasts 24 hours', '2026-06-01T12:00:00Z', 'Europe/London', 24],
    ['Lord Howe spring-forward day lasts 23½ hours', '2026-10-04T02:00:00Z', 'Australia/Lord_Howe', 23.5],
    [
      'Santiago fall-back at midnight makes a 25-hour Saturday',
      '2026-04-04T12:00:00Z',
      'America/Santiago',
      25,
    ],
  ])('%s', (_story, iso, zone, hours) => {
    const { start, end } = localDayBounds(at(iso), zone);
    expect((end - start) / HOUR).toBe(hours);
  });

  test('the bounds hold the instant, and each is the first instant of its local date', () => {
    fc.assert(
      fc.property(zonedInstants, ({ instant, zone }) => {
        const { start, end } = localDayBounds(instant, zone);
        expect(start).toBeLessThanOrEqual(instant);
        expect(end).toBeGreaterThan(instant);
        expect(localDayKey(start, zone)).toBe(localDayKey(instant, zone));
        expect(localDayKey(end - 1, zone)).toBe(localDayKey(instant, zone));
        expect(localDayKey(start - 1, zone)).not.toBe(localDayKey(instant, zone));
        expect(localDayKey(end, zone)).not.toBe(localDayKey(instant, zone));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('a missing zone', () => {
  test("a lead whose zone is missing from JSON state is refused, not read in the worker's own zone", () => {
    const missing = undefined as unknown as string;
    expect(isValidTimeZone(missing)).toBe(false);
    expect(() => localDateTime(at('2026-03-04T05:30:00Z'), missing)).toThrow(RangeError);
  });
});

describe('isValidTimeZone', () => {
  test.each([
    ['America/Chicago', true],
    ['Asia/Kathmandu', true],
    ['UTC', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
    ['not a zone', false],
  ])('%s → %s', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });
});

test('the zone list really has transitions to aim at (guards the generators above)', () => {
  const zonesWithTransitions = new Set(TRANSITIONS.map((t) => t.zone));
  expect(zonesWithTransitions.has('America/Chicago')).toBe(true);
  expect(zonesWithTransitions.has('Australia/Lord_Howe')).toBe(true);
  expect(zonesWithTransitions.has('Asia/Kolkata')).toBe(false);
  expect(TRANSITIONS.filter((t) => t.zone === 'America/Chicago')).toHaveLength(82);
});
