import {
  DEFAULT_TARGET_INFORMATION,
  normalMixtureHalfWidth,
  normalMixtureInterval,
  rhoForInformation,
} from '../../../experiments/statistics/normal-mixture-sequence';
import type { Proportion } from '../../../experiments/statistics/proportion';
import { newcombeInterval } from '../../../experiments/statistics/newcombe-interval';
import { twoProportionZTest } from '../../../experiments/statistics/two-proportion-z-test';
import { seededRandom, type SeededRandom } from '../seeded-random';

const of = (successes: number, trials: number): Proportion => ({ successes, trials });

interface Outcome {
  /** Any daily look's interval excluded zero. */
  anytime: boolean;
  /** Any daily look's fixed-horizon z-test had p < 0.05. */
  naive: boolean;
}

/** One experiment, looked at every day: 100 leads a day split by a fair coin, each converting with its arm's rate. */
function runExperiment(random: SeededRandom, days: number, rates: readonly [number, number]): Outcome {
  const a = of(0, 0);
  const b = of(0, 0);
  const outcome = { anytime: false, naive: false };
  for (let day = 0; day < days; day += 1) {
    const inA = random.binomial(100, 0.5);
    a.trials += inA;
    b.trials += 100 - inA;
    a.successes += random.binomial(inA, rates[0]);
    b.successes += random.binomial(100 - inA, rates[1]);
    if (a.trials === 0 || b.trials === 0) continue;
    const [low, high] = normalMixtureInterval(a, b).interval;
    if (low > 0 || high < 0) outcome.anytime = true;
    if (twoProportionZTest(a, b).pValue < 0.05) outcome.naive = true;
  }
  return outcome;
}

describe('normal-mixture confidence sequence', () => {
  test('ρ places the narrowest point of the boundary at the target information', () => {
    const alpha = 0.05;
    const rho = rhoForInformation(DEFAULT_TARGET_INFORMATION, alpha);
    // At α = 0.05 the optimum is x = −W₋₁(−α²/e) = 9.21197, so ρ = target / 8.21197.
    expect(DEFAULT_TARGET_INFORMATION / rho).toBeCloseTo(8.21197, 4);
    const x = DEFAULT_TARGET_INFORMATION / rho + 1;
    expect(x - Math.log(x)).toBeCloseTo(1 + 2 * Math.log(1 / alpha), 10);
    const width = (r: number): number => normalMixtureHalfWidth(DEFAULT_TARGET_INFORMATION, alpha, r);
    expect(width(rho)).toBeLessThan(width(rho * 1.05));
    expect(width(rho)).toBeLessThan(width(rho / 1.05));
  });

  test('wider than the fixed-horizon interval (the price of peeking), narrowing as leads come in', () => {
    const small = normalMixtureInterval(of(50, 1_000), of(40, 1_000)).interval;
    const large = normalMixtureInterval(of(500, 10_000), of(400, 10_000)).interval;
    const [nLow, nHigh] = newcombeInterval(of(50, 1_000), of(40, 1_000));
    expect(small[1] - small[0]).toBeGreaterThan(nHigh - nLow);
    expect(large[1] - large[0]).toBeLessThan(small[1] - small[0]);
    expect(large[0]).toBeLessThan(0.01);
    expect(large[1]).toBeGreaterThan(0.01);
    // At the target (2,000 a side at 5 %) it is about 1.55 times the fixed-horizon width.
    const [cLow, cHigh] = normalMixtureInterval(of(100, 2_000), of(100, 2_000)).interval;
    const [fLow, fHigh] = newcombeInterval(of(100, 2_000), of(100, 2_000));
    expect((cHigh - cLow) / (fHigh - fLow)).toBeGreaterThan(1.4);
    expect((cHigh - cLow) / (fHigh - fLow)).toBeLessThan(1.7);
  });

  test('an arm at 0 of n or n of n does not claim certainty', () => {
    const { interval } = normalMixtureInterval(of(0, 5), of(5, 5));
    expect(interval[0]).toBe(-1);
    expect(interval[1]).toBeGreaterThan(0);
  });

  test('A/A, 1,000 experiments looked at daily for 60 days: at most 5 % false alarms, while the daily z-test exceeds 5 %', () => {
    const random = seededRandom(20261203);
    const runs = Array.from({ length: 1_000 }, () => runExperiment(random, 60, [0.05, 0.05]));
    const anytime = runs.filter((r) => r.anytime).length / runs.length;
    const naive = runs.filter((r) => r.naive).length / runs.length;
    expect(anytime).toBeLessThanOrEqual(0.05);
    expect(naive).toBeGreaterThan(0.05);
    // With this seed: 1.2 % for the sequence, 32.5 % for the daily z-test (peeking 60 times at a 5 % test).
    expect(naive).toBeGreaterThan(3 * 0.05);
  });

  test('a real uplift (5 % → 8 %) is still found within 60 days in most experiments', () => {
    const random = seededRandom(11);
    const runs = Array.from({ length: 300 }, () => runExperiment(random, 60, [0.08, 0.05]));
    expect(runs.filter((r) => r.anytime).length / runs.length).toBeGreaterThan(0.8);
  });
});
