import { parse } from 'csv-parse/sync';
import { replyRates } from '../../../reports/metrics/reply-rates';
import { reconciliationColumns, replyRateColumns } from '../../../reports/csv/report-columns';
import { type CsvColumn, reportCsv } from '../../../reports/csv/report-csv';

interface Row {
  step: string;
  count: number;
  share: number | null;
  flagged: boolean;
}

const columns: CsvColumn<Row>[] = [
  { header: 'step', value: (row) => row.step },
  { header: 'count', value: (row) => row.count },
  { header: 'share', value: (row) => row.share },
  { header: 'flagged', value: (row) => row.flagged },
];

describe('reportCsv', () => {
  test('quotes commas, quotes and line breaks, with CRLF between records (RFC 4180)', () => {
    const csv = reportCsv(columns, [
      { step: 'pricing, annual', count: 3, share: 0.25, flagged: true },
      { step: 'the "big" webinar', count: 0, share: null, flagged: false },
      { step: 'two\nlines', count: 12, share: 1, flagged: false },
      { step: 'carriage\rreturn', count: 1, share: 0.5, flagged: true },
    ]);
    expect(csv).toBe(
      'step,count,share,flagged\r\n' +
        '"pricing, annual",3,0.25,true\r\n' +
        '"the ""big"" webinar",0,,false\r\n' +
        '"two\nlines",12,1,false\r\n' +
        '"carriage\rreturn",1,0.5,true\r\n',
    );
  });

  test('reads back field for field with a CSV parser', () => {
    const steps = ['a,b', 'say "hi"', 'line one\r\nline two', 'bare\nLF', 'plain', ''];
    const csv = reportCsv(
      columns,
      steps.map((step, count) => ({ step, count, share: null, flagged: false })),
    );
    const records: string[][] = parse(csv, { relax_column_count: false });
    expect(records[0]).toEqual(['step', 'count', 'share', 'flagged']);
    expect(records.slice(1).map((record) => record[0])).toEqual(steps);
  });

  test('text a spreadsheet would run as a formula is defused; negative numbers stay numbers', () => {
    const csv = reportCsv(columns, [
      { step: '=HYPERLINK("http://x","y")', count: -4, share: null, flagged: false },
      { step: '@SUM(A1)', count: 0, share: -0.5, flagged: false },
    ]);
    const records: string[][] = parse(csv);
    expect(records[1]?.slice(0, 2)).toEqual(['\'=HYPERLINK("http://x","y")', '-4']);
    expect(records[2]?.slice(0, 3)).toEqual(["'@SUM(A1)", '0', '-0.5']);
  });

  test('no rows: the header alone', () => {
    expect(reportCsv(columns, [])).toBe('step,count,share,flagged\r\n');
  });
});

describe('report columns', () => {
  test('a rate takes three columns: the rate and the counts it divides', () => {
    const row = replyRates({
      grouping: 'plan-step',
      step: 'case-study',
      recipients: 250,
      repliers: 30,
      autoReplyOnly: 10,
      meetingsSet: 6,
    });
    const records: string[][] = parse(reportCsv(replyRateColumns, [row]));
    expect(records).toEqual([
      [
        'grouping',
        'step',
        'replyRate.rate',
        'replyRate.numerator',
        'replyRate.denominator',
        'meaningfulReplyRate.rate',
        'meaningfulReplyRate.numerator',
        'meaningfulReplyRate.denominator',
        'meetingSetRate.rate',
        'meetingSetRate.numerator',
        'meetingSetRate.denominator',
      ],
      ['plan-step', 'case-study', '0.12', '30', '250', '0.08', '20', '250', '0.024', '6', '250'],
    ]);
  });

  test('a reconciliation row lists its channels and its interval bounds', () => {
    const csv = reportCsv(reconciliationColumns, [
      {
        model: 'last-touch',
        arm: 'full',
        against: 'email-only',
        channels: ['sms', 'linkedin', 'retargeting'],
        attributedConversions: 45,
        incrementalConversions: 20,
        interval: [-5, 35],
        verdict: 'above-interval',
        flagged: true,
      },
    ]);
    expect(csv.split('\r\n')[1]).toBe(
      'last-touch,full,email-only,sms+linkedin+retargeting,45,20,-5,35,above-interval,true',
    );
  });
});
