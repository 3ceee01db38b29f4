import type { ChannelAttributionRow, StepAttributionRow } from '../attribution/attribution-rows';
import type { Rate } from '../metrics/rate';
import type { ReplyRateRow } from '../metrics/reply-rates';
import type { SmsOptOutRow } from '../metrics/sms-opt-out-rate';
import type { StageVelocityRow } from '../metrics/stage-velocity';
import type { ReconciliationRow } from '../reconciliation/reconcile-attribution';
import type { CsvColumn } from './report-csv';

/**
 * How each report row flattens into CSV columns. Headers are the JSON field
 * names, nested ones joined by a dot, so a CSV column and its JSON field are
 * found by the same name. A rate takes three columns: the rate and the counts
 * it divides.
 */
function rateColumns<Row>(name: string, rateOfRow: (row: Row) => Rate): CsvColumn<Row>[] {
  return [
    { header: `${name}.rate`, value: (row) => rateOfRow(row).rate },
    { header: `${name}.numerator`, value: (row) => rateOfRow(row).numerator },
    { header: `${name}.denominator`, value: (row) => rateOfRow(row).denominator },
  ];
}

const creditColumns: CsvColumn<ChannelAttributionRow>[] = [
  { header: 'attributedConversions', value: (row) => row.attributedConversions },
  { header: 'share', value: (row) => row.share },
  { header: 'attributableConversions', value: (row) => row.attributableConversions },
  { header: 'conversions', value: (row) => row.conversions },
];

export const channelAttributionColumns: CsvColumn<ChannelAttributionRow>[] = [
  { header: 'model', value: (row) => row.model },
  { header: 'channel', value: (row) => row.channel },
  ...creditColumns,
];

export const stepAttributionColumns: CsvColumn<StepAttributionRow>[] = [
  { header: 'model', value: (row) => row.model },
  { header: 'channel', value: (row) => row.channel },
  { header: 'step', value: (row) => row.step },
  ...creditColumns,
];

export const reconciliationColumns: CsvColumn<ReconciliationRow>[] = [
  { header: 'model', value: (row) => row.model },
  { header: 'arm', value: (row) => row.arm },
  { header: 'against', value: (row) => row.against },
  { header: 'channels', value: (row) => row.channels.join('+') },
  { header: 'attributedConversions', value: (row) => row.attributedConversions },
  { header: 'incrementalConversions', value: (row) => row.incrementalConversions },
  { header: 'interval.low', value: (row) => row.interval[0] },
  { header: 'interval.high', value: (row) => row.interval[1] },
  { header: 'verdict', value: (row) => row.verdict },
  { header: 'flagged', value: (row) => row.flagged },
];

export const smsOptOutColumns: CsvColumn<SmsOptOutRow>[] = [
  ...rateColumns<SmsOptOutRow>('optOutRate', (row) => row.optOutRate),
  { header: 'threshold', value: (row) => row.threshold },
  { header: 'breached', value: (row) => row.breached },
];

export const replyRateColumns: CsvColumn<ReplyRateRow>[] = [
  { header: 'grouping', value: (row) => row.grouping },
  { header: 'step', value: (row) => row.step },
  ...rateColumns<ReplyRateRow>('replyRate', (row) => row.replyRate),
  ...rateColumns<ReplyRateRow>('meaningfulReplyRate', (row) => row.meaningfulReplyRate),
  ...rateColumns<ReplyRateRow>('meetingSetRate', (row) => row.meetingSetRate),
];

export const stageVelocityColumns: CsvColumn<StageVelocityRow>[] = [
  { header: 'from', value: (row) => row.from },
  { header: 'to', value: (row) => row.to },
  { header: 'transitions', value: (row) => row.transitions },
  { header: 'medianMs', value: (row) => row.medianMs },
  { header: 'p90Ms', value: (row) => row.p90Ms },
];
