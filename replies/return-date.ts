import * as chrono from 'chrono-node';
import { DAY_MS, instantOfLocal, localDayBounds, zoneOffsetMinutes } from '../workflows/rules/local-time';

/**
 * The day an out-of-office says its sender is back, read from the reply's
 * text in English, German, French or Spanish. "Back on 14 March" gives the
 * 14th; "away until 14 March" and "out 3-13 March" give the day after the
 * last day away. A return date the text does not give is null, and the plan's
 * postpone applies. The instant is the start of that day (or the time, when
 * the text says one) in the lead's time zone: the send window then decides
 * the hour.
 */
export function returnDateIn(text: string, at: { receivedAt: Date; timeZone: string }): Date | null {
  const sample = text.slice(0, MAX_SCANNED_CHARS);
  const candidates = PARSERS.flatMap((parser) =>
    parser.parse(
      sample,
      { instant: at.receivedAt, timezone: zoneOffsetMinutes(at.receivedAt.getTime(), at.timeZone) },
      { forwardDate: true },
    ),
  )
    .map((result) => candidateOf(sample, result, at))
    .filter((candidate): candidate is Candidate => candidate !== null)
    .filter(
      ({ instant }) =>
        instant > at.receivedAt.getTime() && instant - at.receivedAt.getTime() <= MAX_ABSENCE_MS,
    );
  if (candidates.length === 0) return null;
  // A date the text ties to coming back beats any other date it mentions
  // (the day it was written, a colleague's dates); among equals, the latest.
  const best = candidates.reduce((a, b) =>
    b.tied > a.tied || (b.tied === a.tied && b.instant > a.instant) ? b : a,
  );
  return new Date(best.instant);
}

// An out-of-office is short; a long quoted thread below it holds other people's dates.
const MAX_SCANNED_CHARS = 2_000;
// Beyond a year it is not an absence (parental leave is announced, not auto-replied).
const MAX_ABSENCE_MS = 366 * DAY_MS;

const PARSERS = [chrono.en.casual, chrono.de.casual, chrono.fr.casual, chrono.es.casual];

/** Words just before a date that say "I am back then" or "away until then", in the four languages. */
const BACK_ON =
  /(back|return|returning|returns|zurück|wieder|retour|rentre|de vuelta|regreso|regresaré|vuelvo|volveré|reincorporo)\b[^.!?\n]{0,30}$/iu;
const AWAY_UNTIL =
  /((until|till|through|bis|jusqu'au|jusqu’au|jusqu'à|jusqu’à|hasta)\b[^.!?\n]{0,12}|\b(to|au|al)\s*|[-–]\s*)$/iu;

interface Candidate {
  instant: number;
  /** 1 when the words before the date say it is the return (or the last day away). */
  tied: number;
}

function candidateOf(text: string, result: chrono.ParsedResult, at: { timeZone: string }): Candidate | null {
  const before = text.slice(Math.max(0, result.index - 60), result.index);
  // chrono's types say undefined; at run time a single date has `end: null`.
  const end = result.end as chrono.ParsedComponents | null | undefined;
  if (end !== undefined && end !== null) {
    // A range is the absence itself: back the day after it ends.
    return { instant: dayAfter(end, at.timeZone), tied: 1 };
  }
  if (BACK_ON.test(before)) return { instant: startOf(result.start, at.timeZone), tied: 1 };
  if (AWAY_UNTIL.test(before)) return { instant: dayAfter(result.start, at.timeZone), tied: 1 };
  return { instant: startOf(result.start, at.timeZone), tied: 0 };
}

function startOf(components: chrono.ParsedComponents, timeZone: string): number {
  const certainTime = components.isCertain('hour');
  return instantOfLocal(
    {
      year: components.get('year') ?? 0,
      month: components.get('month') ?? 1,
      day: components.get('day') ?? 1,
      hour: certainTime ? (components.get('hour') ?? 0) : 0,
      minute: certainTime ? (components.get('minute') ?? 0) : 0,
    },
    timeZone,
  );
}

function dayAfter(components: chrono.ParsedComponents, timeZone: string): number {
  return localDayBounds(startOf(components, timeZone), timeZone).end;
}
