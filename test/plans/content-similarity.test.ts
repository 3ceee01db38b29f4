import fc from 'fast-check';
import {
  containment,
  longestCommonRun,
  REPEAT_THRESHOLDS,
  repetition,
  similarity,
  words,
} from '../../plans/content-similarity';

const EMAIL =
  'Hi Ada,\n\nA short case study from a team with the same problem, and what they measured after 30 days.\n\nBest,\nrep-7';

/** Sentences built from a small vocabulary, so that generated texts share words often. */
const text = fc
  .array(
    fc.constantFrom('the', 'team', 'case', 'study', 'call', 'today', 'Demo', 'pricing', '30', 'days', 'Ada'),
    {
      maxLength: 30,
    },
  )
  .chain((ws) =>
    fc
      .array(fc.constantFrom(' ', ', ', '. ', '!\n', ' -- '), { minLength: ws.length, maxLength: ws.length })
      .map((gaps) => ws.map((w, i) => w + (gaps[i] ?? ' ')).join('')),
  );
const anyText = fc.oneof(text, fc.string({ maxLength: 80 }));

describe('content similarity', () => {
  test('texts are compared as words: case, accents, punctuation and spacing do not count', () => {
    expect(words('Café, 10-MIN call!\n\tToday…')).toEqual(['cafe', '10', 'min', 'call', 'today']);
    expect(similarity('Worth 20 minutes?', 'worth   20 MINUTES')).toBe(1);
    expect(words('—!?')).toEqual([]);
  });

  test('a lifted sentence is contained in the email whatever the email says besides', () => {
    const sms = 'A short case study from a team with the same problem. Reply STOP to opt out.';
    expect(containment(sms, EMAIL)).toBeGreaterThanOrEqual(REPEAT_THRESHOLDS.containment);
    // Jaccard alone would miss it: the email's other words dilute the union.
    expect(similarity(sms, EMAIL)).toBeLessThan(REPEAT_THRESHOLDS.containment);
    expect(repetition(sms, EMAIL)).toMatchObject({ longestRun: 11 });
  });

  test('the same theme from another angle is not a repetition', () => {
    const sms =
      'Ada, the team in that case study halved onboarding. Want the 3 numbers? Reply STOP to opt out.';
    expect(repetition(sms, EMAIL)).toBeNull();
    expect(repetition('Worth 20 minutes?', 'Worth a look: 20 slots left this week')).toBeNull();
  });

  test('a long run of identical words is a repetition even in a much longer text', () => {
    const copied = 'a short case study from a team with the same problem';
    const note = `Glad to connect here too. I saw your post on hiring, congratulations on the new office in Leeds; ${copied}; talk soon, and good luck with the quarter.`;
    expect(containment(note, EMAIL)).toBeLessThan(REPEAT_THRESHOLDS.containment);
    expect(longestCommonRun(note, EMAIL)).toBe(11);
    expect(repetition(note, EMAIL)).not.toBeNull();
  });

  test('similarity of a text with itself is 1, and similarity is symmetric and between 0 and 1', () => {
    fc.assert(fc.property(anyText, (a) => similarity(a, a) === 1));
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        const s = similarity(a, b);
        return s === similarity(b, a) && s >= 0 && s <= 1;
      }),
    );
  });

  test('a text is wholly contained in any text that quotes it, and shares its every word in a row', () => {
    fc.assert(
      fc.property(text, anyText, anyText, (a, before, after) => {
        fc.pre(words(a).length > 0);
        const whole = `${before} ${a} ${after}`;
        return containment(a, whole) === 1 && longestCommonRun(a, whole) === words(a).length;
      }),
    );
  });

  test('the longest common run is symmetric and never longer than either text', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        const run = longestCommonRun(a, b);
        return run === longestCommonRun(b, a) && run <= Math.min(words(a).length, words(b).length);
      }),
    );
  });
});
