import binomial from '@stdlib/random-base-binomial';
import mt19937 from '@stdlib/random-base-mt19937';

/** Seeded draws for the simulations in these tests: the same numbers on every run and machine. */
export interface SeededRandom {
  /** A uniformly random 32-bit unsigned integer. */
  uint32(): number;
  /** The number of successes in `trials` draws of probability `p`. */
  binomial(trials: number, p: number): number;
}

/** Both kinds of draw come from one Mersenne Twister stream; stdlib's binomial sampler takes it as uniforms in [0, 1). */
export function seededRandom(seed: number): SeededRandom {
  const words = mt19937.factory({ seed });
  const draws = binomial.factory({ prng: () => words() / 2 ** 32 });
  return { uint32: () => words(), binomial: (trials, p) => (trials === 0 ? 0 : draws(trials, p)) };
}

/** Ids shaped like the UUIDs most lead sources mint, from seeded words. */
export function randomIds(random: SeededRandom, count: number): string[] {
  const hex = (): string => random.uint32().toString(16).padStart(8, '0');
  return Array.from({ length: count }, () => {
    const a = hex() + hex() + hex() + hex();
    return `${a.slice(0, 8)}-${a.slice(8, 12)}-${a.slice(12, 16)}-${a.slice(16, 20)}-${a.slice(20)}`;
  });
}
