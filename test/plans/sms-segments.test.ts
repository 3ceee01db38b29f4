import fc from 'fast-check';
import { isGsm7, measureSms, SEGMENT_LIMITS } from '../../plans/sms-segments';

const GSM_BASIC = Array.from(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = Array.from('\f^{}\\[~]|€');
/** Characters people type that GSM-7 cannot carry: curly quotes, accents, emoji, CJK, a backtick. */
const NON_GSM = ['’', '“', 'ë', 'ç', 'í', '😀', '👍🏽', '中', '`', '—'];

const basicText = fc.string({ unit: fc.constantFrom(...GSM_BASIC), maxLength: 400 });
const anyText = fc.string({
  unit: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...GSM_BASIC) },
    { weight: 1, arbitrary: fc.constantFrom(...GSM_EXTENSION) },
    { weight: 1, arbitrary: fc.constantFrom(...NON_GSM) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  ),
  maxLength: 400,
});

describe('SMS segments', () => {
  test.each([
    ['a'.repeat(160), 'GSM-7', 160, 1],
    ['a'.repeat(161), 'GSM-7', 161, 2],
    ['a'.repeat(306), 'GSM-7', 306, 2],
    ['a'.repeat(307), 'GSM-7', 307, 3],
    // Extension characters are escape + character: two septets each.
    ['€'.repeat(80), 'GSM-7', 160, 1],
    ['{'.repeat(81), 'GSM-7', 162, 2],
    // An escape pair is never split across segments: 306 septets, yet three segments.
    [`${'a'.repeat(152)}€${'a'.repeat(152)}`, 'GSM-7', 306, 3],
    ['ë'.repeat(70), 'UCS-2', 70, 1],
    ['ë'.repeat(71), 'UCS-2', 71, 2],
    ['ë'.repeat(134), 'UCS-2', 134, 2],
    ['ë'.repeat(135), 'UCS-2', 135, 3],
    // An emoji is a surrogate pair, two UTF-16 units that stay in one segment.
    ['😀'.repeat(35), 'UCS-2', 70, 1],
    [`${'ë'.repeat(66)}😀${'ë'.repeat(66)}`, 'UCS-2', 134, 3],
    ['', 'GSM-7', 0, 1],
  ])('%# %j: %s, %d units, %d segment(s)', (text, encoding, units, segments) => {
    expect(measureSms(text)).toMatchObject({ encoding, units, segments });
  });

  test('the characters that forced UCS-2 are named, once each, in order', () => {
    expect(measureSms('We’re here — really’')).toMatchObject({
      encoding: 'UCS-2',
      nonGsmCharacters: ['’', '—'],
    });
    expect(isGsm7('Price: €20 [incl. VAT] ~ {ok}')).toBe(true);
    expect(isGsm7('café à Málaga')).toBe(false); // é and à are GSM-7, á is not
  });

  test('GSM-7 text of at most 160 basic characters is one segment', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...GSM_BASIC), maxLength: 160 }), (text) => {
        const measure = measureSms(text);
        return measure.encoding === 'GSM-7' && measure.segments === 1 && measure.units === text.length;
      }),
    );
  });

  test('any text containing a character outside GSM-7 is UCS-2', () => {
    const nonGsm = fc.oneof(
      fc.constantFrom(...NON_GSM),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => !isGsm7(c)),
    );
    fc.assert(
      fc.property(anyText, nonGsm, anyText, (before, char, after) => {
        const measure = measureSms(before + char + after);
        return (
          measure.encoding === 'UCS-2' &&
          Array.from(char).some((codePoint) => measure.nonGsmCharacters.includes(codePoint))
        );
      }),
    );
  });

  test('segment counts never fall as a text grows', () => {
    fc.assert(
      fc.property(
        anyText,
        anyText,
        (text, more) => measureSms(text).segments <= measureSms(text + more).segments,
      ),
    );
    fc.assert(
      fc.property(
        basicText,
        basicText,
        (text, more) => measureSms(text).segments <= measureSms(text + more).segments,
      ),
    );
  });

  test('the segments hold the units: one when they fit, else enough concatenated segments and no spare one', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const { encoding, units, segments } = measureSms(text);
        const limits = SEGMENT_LIMITS[encoding];
        if (units <= limits.single) return segments === 1;
        // At most one unit (half of a pair) is wasted at the end of each segment.
        return segments * limits.concatenated >= units && (segments - 1) * (limits.concatenated - 1) < units;
      }),
    );
  });
});
