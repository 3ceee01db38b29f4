import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { ProblemError } from '../problem';
import { leadFromCsvRecord, unknownCsvColumns } from './csv-lead';

export const BULK_MAX_ROWS = 100_000;
export const BULK_MAX_BYTES = 100 * 1024 * 1024;

export type UploadFormat = 'jsonl' | 'csv';

/** One line of the upload: a value to validate, or why it could not be read. */
export type UploadRow = { row: number; value: unknown } | { row: number; unreadable: string };

export function uploadFormatOf(contentType: string | undefined): UploadFormat | null {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (
    ['application/x-ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/ndjson'].includes(
      type,
    )
  ) {
    return 'jsonl';
  }
  if (type === 'text/csv') return 'csv';
  return null;
}

/** Counts bytes as they stream by and stops the upload past the limit (413). */
async function* limited(source: Readable, maxBytes: number): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of source) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    bytes += buffer.length;
    if (bytes > maxBytes) throw tooLarge(`The upload exceeds ${String(maxBytes / 1024 / 1024)} MiB.`);
    yield buffer;
  }
}

function tooLarge(detail: string): ProblemError {
  return new ProblemError(413, 'payload-too-large', 'Payload too large', detail);
}

function checkRowCount(row: number): void {
  if (row > BULK_MAX_ROWS) throw tooLarge(`A bulk upload holds at most ${String(BULK_MAX_ROWS)} rows.`);
}

/**
 * Reads an upload row by row without holding the raw body. Rows are numbered
 * from 1 (for CSV, the first record after the header); blank lines are skipped.
 */
export async function* readUpload(
  source: Readable,
  format: UploadFormat,
  maxBytes = BULK_MAX_BYTES,
): AsyncGenerator<UploadRow> {
  const bytes = Readable.from(limited(source, maxBytes));
  if (format === 'jsonl') {
    let row = 0;
    for await (const line of createInterface({ input: bytes, crlfDelay: Infinity })) {
      if (line.trim() === '') continue;
      row += 1;
      checkRowCount(row);
      try {
        yield { row, value: JSON.parse(line) as unknown };
      } catch {
        yield { row, unreadable: 'not valid JSON' };
      }
    }
    return;
  }

  const skipped: string[] = [];
  const parser = bytes.pipe(
    parse({
      bom: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      max_record_size: 64 * 1024,
      on_skip: (error) => {
        skipped.push(error?.message ?? 'unreadable CSV record');
        return undefined;
      },
      columns: (headers: string[]) => {
        const names = headers.map((h) => h.trim());
        const unknown = unknownCsvColumns(names);
        if (unknown.length > 0) {
          // 422, not 400: the body is the string the document asks for, its header names no lead field.
          throw new ProblemError(
            422,
            'unknown-csv-columns',
            'Unknown CSV columns',
            `Unknown columns: ${unknown.join(', ')}. Unknown fields are rejected.`,
          );
        }
        return names;
      },
    }),
  );
  // A record that fails to parse still takes its place in the numbering.
  let row = 0;
  const drainSkipped = function* (): Generator<UploadRow> {
    for (const message of skipped.splice(0)) {
      row += 1;
      checkRowCount(row);
      yield { row, unreadable: message.replace(/"[^"]*"/g, '""') };
    }
  };
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    yield* drainSkipped();
    row += 1;
    checkRowCount(row);
    yield { row, value: leadFromCsvRecord(record) };
  }
  yield* drainSkipped();
}
