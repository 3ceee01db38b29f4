/**
 * How many SMS segments a text takes, and in which encoding (3GPP TS 23.038).
 * Carriers bill per segment and a long SMS arrives in pieces on some phones,
 * so a plan declares how many segments its SMS may take and is refused at
 * load when a worst-case rendering needs more.
 *
 * A text whose every character is in the GSM-7 default alphabet or its
 * extension table goes as GSM-7: 160 septets in one segment, 153 per segment
 * once concatenated (the user data header takes the rest); extension-table
 * characters are sent as escape + character, two septets. Any other character
 * (a curly quote, an emoji, most accented letters) switches the whole message
 * to UCS-2: 70 UTF-16 code units alone, 67 per segment concatenated. A
 * character is never split across segments (an escape pair, a surrogate pair),
 * which is why the count packs characters rather than dividing a length.
 *
 * Pure: no dependencies, so it can also run wherever a text is measured.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export const SEGMENT_LIMITS: Readonly<Record<SmsEncoding, { single: number; concatenated: number }>> = {
  'GSM-7': { single: 160, concatenated: 153 },
  'UCS-2': { single: 70, concatenated: 67 },
};

/** The GSM 03.38 default alphabet, one septet each (LF and CR included; 0x1B is the escape, not a character). */
const GSM7_BASIC = new Set(
  [
    '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ',
    ' !"#¤%&\'()*+,-./0123456789:;<=>?',
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§',
    '¿abcdefghijklmnopqrstuvwxyzäöñüà',
  ].join(''),
);

/** The extension table: each is sent as escape + character, so it counts as two septets. */
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

export interface SmsMeasure {
  encoding: SmsEncoding;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
  /** Distinct characters that forced UCS-2, in order of appearance (empty for GSM-7). */
  nonGsmCharacters: string[];
}

/** Septets a character takes in GSM-7, or null when GSM-7 cannot carry it. */
function gsm7Cost(char: string): 1 | 2 | null {
  if (GSM7_BASIC.has(char)) return 1;
  if (GSM7_EXTENSION.has(char)) return 2;
  return null;
}

export function isGsm7(text: string): boolean {
  for (const char of text) if (gsm7Cost(char) === null) return false;
  return true;
}

export function measureSms(text: string): SmsMeasure {
  const nonGsm = new Set<string>();
  for (const char of text) if (gsm7Cost(char) === null) nonGsm.add(char);
  const encoding: SmsEncoding = nonGsm.size === 0 ? 'GSM-7' : 'UCS-2';
  // Code points, not graphemes, are what the encodings count: an astral
  // character (most emoji) is one item of length 2, i.e. two UTF-16 code
  // units that must stay together; a skin-tone modifier is its own item.
  const costs = Array.from(text, (char) => (encoding === 'GSM-7' ? (gsm7Cost(char) ?? 2) : char.length));
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  const limits = SEGMENT_LIMITS[encoding];
  return { encoding, units, segments: countSegments(costs, limits), nonGsmCharacters: [...nonGsm] };
}

/** One segment if everything fits, else greedy packing into concatenated segments. */
function countSegments(costs: readonly number[], limits: { single: number; concatenated: number }): number {
  const total = costs.reduce((sum, cost) => sum + cost, 0);
  if (total <= limits.single) return 1;
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > limits.concatenated) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return segments;
}
