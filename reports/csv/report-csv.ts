import { stringify } from 'csv-stringify/sync';

/** What a CSV cell may hold: report rows are flattened to these by their columns. */
export type CsvCell = string | number | boolean | null;

export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => CsvCell;
}

/**
 * A report as CSV (RFC 4180): a header row, CRLF between records, fields
 * quoted when they hold a comma, a quote or a line break. csv-stringify only
 * quotes a field holding its own record delimiter, so a bare LF or CR inside a
 * CRLF file is quoted by `quoted_match`. Step ids, personas and industries
 * come from users, and a spreadsheet runs a cell starting with =, +, -, @ as a
 * formula (OWASP "CSV injection"): such text is prefixed with a quote;
 * negative numbers stay numbers. Booleans are written `true` / `false` (the
 * library's default is 1 and empty), null as an empty field.
 */
export function reportCsv<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  return stringify(
    rows.map((row) => columns.map((column) => column.value(row))),
    {
      header: true,
      columns: columns.map((column) => column.header),
      record_delimiter: 'windows',
      quoted_match: /[\r\n]/,
      escape_formulas: true,
      cast: { boolean: (value) => (value ? 'true' : 'false') },
    },
  );
}
