/**
 * How much of one message repeats another (product rule 7, distinct content:
 * each channel gets "same theme, different angle"). Texts are compared as
 * words, not characters, so that changed punctuation, case, accents or line
 * breaks do not hide a copy, and the measures are sets of word shingles
 * (runs of k consecutive words), which ignore word order beyond k.
 *
 * Pure, no dependencies.
 */

/** Shingle length in words: short enough to catch a copied phrase, long enough that "hi there" is not one. */
export const SHINGLE_WORDS = 3;

/**
 * When a channel's text counts as a repeat of an email: most of its shingles
 * appear in the email, or it shares a run of this many words (a copied
 * sentence) wherever it sits.
 */
export const REPEAT_THRESHOLDS = { containment: 0.6, longestRun: 8 } as const;

/** Lowercase words with accents, punctuation and spacing removed: "Café, 10-min!" → ["cafe", "10", "min"]. */
export function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

function shingles(tokens: readonly string[], k: number): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + k <= tokens.length; i += 1) out.add(tokens.slice(i, i + k).join(' '));
  return out;
}

/**
 * Both texts' shingles at the same length: k words, or fewer when a text is
 * shorter than that, so a two-word text is still compared as its one phrase.
 */
function shinglePair(a: string, b: string): [Set<string>, Set<string>] {
  const wa = words(a);
  const wb = words(b);
  const k = Math.max(1, Math.min(SHINGLE_WORDS, wa.length, wb.length));
  return [shingles(wa, k), shingles(wb, k)];
}

function common(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let n = 0;
  for (const item of a) if (b.has(item)) n += 1;
  return n;
}

/** Jaccard similarity of the two texts' shingles: 1 for the same words, 0 for nothing in common; symmetric. */
export function similarity(a: string, b: string): number {
  const [sa, sb] = shinglePair(a, b);
  const union = sa.size + sb.size - common(sa, sb);
  // Two texts without a word (empty, or punctuation only) are the same text.
  return union === 0 ? 1 : common(sa, sb) / union;
}

/**
 * The share of `part`'s shingles found in `whole`. Unlike similarity, a short
 * SMS lifted from a long email scores high here: the email's other sentences
 * do not dilute it.
 */
export function containment(part: string, whole: string): number {
  const [sp, sw] = shinglePair(part, whole);
  return sp.size === 0 ? 0 : common(sp, sw) / sp.size;
}

/** The longest run of consecutive words the two texts share (longest common substring over words). */
export function longestCommonRun(a: string, b: string): number {
  const wa = words(a);
  const wb = words(b);
  let best = 0;
  // One row of the classic dynamic programme: run[j] = length of the common run ending at wa[i], wb[j].
  let previous = new Array<number>(wb.length + 1).fill(0);
  for (const wordA of wa) {
    const current = new Array<number>(wb.length + 1).fill(0);
    wb.forEach((wordB, j) => {
      if (wordA === wordB) {
        const run = (previous[j] ?? 0) + 1;
        current[j + 1] = run;
        if (run > best) best = run;
      }
    });
    previous = current;
  }
  return best;
}

export interface Repetition {
  containment: number;
  longestRun: number;
}

/**
 * Whether `text` (an SMS, a LinkedIn note) repeats `reference` (an email's
 * subject or body), with the figures that decided it, or null when it does not.
 */
export function repetition(text: string, reference: string): Repetition | null {
  const found = { containment: containment(text, reference), longestRun: longestCommonRun(text, reference) };
  return found.containment >= REPEAT_THRESHOLDS.containment ||
    found.longestRun >= REPEAT_THRESHOLDS.longestRun
    ? found
    : null;
}
