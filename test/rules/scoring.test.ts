import fc from 'fast-check';
import { applyPoints, decayedScore } from '../../workflows/rules/scoring';

const at = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const T0 = at('2026-03-04T15:00:00Z');

describe('decayedScore', () => {
  test.each([
    [
      'a pricing visit worth 40 is worth 20 a week later with a one-week half-life',
      40,
      T0,
      T0 + WEEK,
      WEEK,
      20,
    ],
    ['and 10 after two weeks', 40, T0, T0 + 2 * WEEK, WEEK, 10],
    ['no time passed → no decay', 40, T0, T0, WEEK, 40],
    [
      'an event stamped before the last update (out of order) → no decay, never growth',
      40,
      T0,
      T0 - DAY,
      WEEK,
      40,
    ],
    ['an infinite half-life never decays', 40, T0, T0 + 52 * WEEK, Infinity, 40],
    ['a zero half-life forgets at once: a millisecond later nothing is left', 40, T0, T0 + 1, 0, 0],
    ['a zero half-life with no time passed keeps the score', 40, T0, T0, 0, 40],
  ])('%s', (_story, score, since, now, halfLife, expected) => {
    expect(decayedScore(score, since, now, halfLife)).toBeCloseTo(expected, 10);
  });

  test.each([
    ['negative', -WEEK],
    ['NaN', Number.NaN],
  ])('a %s half-life is a plan error and throws', (_story, halfLife) => {
    expect(() => decayedScore(40, T0, T0 + DAY, halfLife)).toThrow(/half-life/);
  });

  const scores = fc.double({ min: 0, max: 10_000, noNaN: true });
  const instants = fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2040-12-31T23:59:59Z') });
  const halfLives = fc.integer({ min: HOUR, max: 52 * WEEK });
  const spans = fc.integer({ min: 0, max: 104 * WEEK });

  test('decay never increases a score and never makes it negative', () => {
    fc.assert(
      fc.property(scores, instants, spans, halfLives, (score, since, span, halfLife) => {
        const decayed = decayedScore(score, since, since + span, halfLife);
        expect(decayed).toBeGreaterThanOrEqual(0);
        expect(decayed).toBeLessThanOrEqual(score);
      }),
      { numRuns: 5000 },
    );
  });

  test('decaying in two steps is decaying once (the workflow may wake up any number of times)', () => {
    fc.assert(
      fc.property(scores, instants, spans, spans, halfLives, (score, since, first, second, halfLife) => {
        const once = decayedScore(score, since, since + first + second, halfLife);
        const twice = decayedScore(
          decayedScore(score, since, since + first, halfLife),
          since + first,
          since + first + second,
          halfLife,
        );
        expect(Math.abs(once - twice)).toBeLessThanOrEqual(1e-9 * Math.max(1, score));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('applyPoints', () => {
  test('a webinar (+30) a week after a pricing visit (40, one-week half-life) → 20 + 30 = 50', () => {
    expect(applyPoints({ score: 40, at: T0 }, 30, T0 + WEEK, WEEK)).toEqual({ score: 50, at: T0 + WEEK });
  });

  test('an unsubscribe (-100) cannot push the score below 0', () => {
    expect(applyPoints({ score: 35, at: T0 }, -100, T0 + DAY, WEEK)).toEqual({ score: 0, at: T0 + DAY });
  });

  test('the score is kept to 2 decimals so state stays stable', () => {
    // 10 decayed by a third of a half-life is 7.937005…
    expect(applyPoints({ score: 10, at: T0 }, 0, T0 + WEEK / 3, WEEK)).toEqual({
      score: 7.94,
      at: T0 + WEEK / 3,
    });
  });

  test('an event that arrives out of order adds its points without moving the decay anchor back', () => {
    expect(applyPoints({ score: 40, at: T0 }, 5, T0 - DAY, WEEK)).toEqual({ score: 45, at: T0 });
  });

  test('non-finite points are a bug and throw', () => {
    expect(() => applyPoints({ score: 40, at: T0 }, Number.NaN, T0, WEEK)).toThrow(/points/);
    expect(() => applyPoints({ score: 40, at: T0 }, Infinity, T0, WEEK)).toThrow(/points/);
  });

  test('any sequence of events keeps a score ≥ 0 with at most 2 decimals and a clock that never goes back', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z') }),
        fc.integer({ min: HOUR, max: 52 * WEEK }),
        fc.array(
          fc.record({
            points: fc.integer({ min: -5000, max: 5000 }).map((p) => p / 100),
            gap: fc.integer({ min: -DAY, max: 30 * DAY }),
          }),
          { maxLength: 50 },
        ),
        (start, halfLife, events) => {
          let state = { score: 0, at: start };
          let now = start;
          const broken: string[] = [];
          for (const { points, gap } of events) {
            now += gap;
            const next = applyPoints(state, points, now, halfLife);
            // Plain checks in the loop: 150k expect() calls would dominate the run time.
            if (!(next.score >= 0) || Object.is(next.score, -0)) broken.push(`negative score ${next.score}`);
            if (Math.round(next.score * 100) / 100 !== next.score)
              broken.push(`more than 2 decimals: ${next.score}`);
            if (next.at !== Math.max(state.at, now)) broken.push(`anchor moved to ${next.at}`);
            state = next;
          }
          expect(broken).toEqual([]);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
