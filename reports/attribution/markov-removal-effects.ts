import { solveLinearSystem } from './linear-system';

/**
 * The first-order Markov-chain removal effect (Anderl et al., 2016): every
 * journey is a walk start → states… → conversion | null; transition
 * probabilities are the observed transition counts, normalised per state.
 * A state's removal effect is the share of the chain's conversion
 * probability lost when walks entering that state go to null instead:
 * (P − P without s) / P. Removing a state only moves probability to null, so
 * every effect lies in [0, 1].
 *
 * Repeats of a state (email → email) are self-loops; they delay absorption
 * but do not change where a walk ends, so paths need no deduplication. A
 * journey with no state never passes through a channel and is left out.
 */
export interface Journey {
  states: readonly string[];
  converted: boolean;
}

export interface RemovalEffects {
  /** P(start ⇒ conversion) in the fitted chain; 0 when nothing converted. */
  conversionProbability: number;
  /** Per state seen in any journey, its removal effect. */
  removalEffects: ReadonlyMap<string, number>;
}

const START = '(start)';
const CONVERSION = '(conversion)';
const NULL = '(null)';
const RESERVED = new Set([START, CONVERSION, NULL]);

type TransitionCounts = Map<string, Map<string, number>>;

function countTransitions(journeys: readonly Journey[]): TransitionCounts {
  const counts: TransitionCounts = new Map();
  const add = (from: string, to: string): void => {
    const row = counts.get(from) ?? new Map<string, number>();
    row.set(to, (row.get(to) ?? 0) + 1);
    counts.set(from, row);
  };
  for (const journey of journeys) {
    if (journey.states.length === 0) continue;
    const walk = [START, ...journey.states, journey.converted ? CONVERSION : NULL];
    for (let step = 1; step < walk.length; step += 1) add(walk[step - 1] ?? START, walk[step] ?? NULL);
  }
  return counts;
}

/**
 * P(start ⇒ conversion) with `removed` (if any) turned into null. Over the
 * transient states T: x_s = Σ_t P(s→t)·x_t + P(s→conversion), solved exactly.
 */
function conversionProbability(counts: TransitionCounts, removed: string | null): number {
  const transient = [...counts.keys()].filter((state) => state !== removed);
  const position = new Map(transient.map((state, index) => [state, index]));
  const matrix = transient.map((from) => {
    const row = counts.get(from) ?? new Map<string, number>();
    const total = [...row.values()].reduce((sum, count) => sum + count, 0);
    const coefficients = transient.map((to): number => (to === from ? 1 : 0));
    for (const [to, count] of row) {
      const index = position.get(to);
      if (index !== undefined) coefficients[index] = (coefficients[index] ?? 0) - count / total;
    }
    return { coefficients, toConversion: (row.get(CONVERSION) ?? 0) / total };
  });
  const solution = solveLinearSystem(
    matrix.map((row) => row.coefficients),
    matrix.map((row) => row.toConversion),
  );
  const start = position.get(START);
  return start === undefined ? 0 : (solution[start] ?? 0);
}

export function markovRemovalEffects(journeys: readonly Journey[]): RemovalEffects {
  for (const journey of journeys) {
    const reserved = journey.states.find((state) => RESERVED.has(state));
    if (reserved !== undefined) throw new RangeError(`"${reserved}" is reserved for the chain's own states`);
  }
  const counts = countTransitions(journeys);
  const states = [...counts.keys()].filter((state) => state !== START);
  const baseline = counts.size === 0 ? 0 : conversionProbability(counts, null);
  const removalEffects = new Map(
    states.map((state) => [
      state,
      baseline === 0 ? 0 : Math.max(0, (baseline - conversionProbability(counts, state)) / baseline),
    ]),
  );
  return { conversionProbability: baseline, removalEffects };
}
