/**
 * Reads an orders file row by row, CSV (with a header row) or NDJSON,
 * streaming so that large exports do not sit in memory as text. Each row
 * comes with the line number it starts on (1 = the first line of the file),
 * or with the reason it could not be read.
 *
 * @example
 * for await (const r of readOrderRows('orders.csv')) if ('error' in r) console.log(r.line, r.error);
 */
import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { REQUIRED_ORDER_FIELDS } from './order-line.ts';

export type OrderFileFormat = 'csv' | 'ndjson';
export type RawOrderRow = { line: number; row: Record<string, unknown> } | { line: number; error: string };

/** Bytes looked at to tell NDJSON from CSV when the extension does not say. */
export const FORMAT_SNIFF_BYTES = 4096;

/** `.csv` is CSV; `.ndjson`, `.jsonl`, `.json` are NDJSON; otherwise a first non-blank `{` means NDJSON. */
export async function detectOrderFormat(file: string): Promise<OrderFileFormat> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl' || ext === '.json') return 'ndjson';
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(FORMAT_SNIFF_BYTES), 0, FORMAT_SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').trimStart().startsWith('{') ? 'ndjson' : 'csv';
  } finally {
    await handle.close();
  }
}

export async function* readOrderRows(file: string, format: OrderFileFormat): AsyncGenerator<RawOrderRow> {
  yield* format === 'csv' ? readCsv(file) : readNdjson(file);
}

async function* readNdjson(file: string): AsyncGenerator<RawOrderRow> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const read of lines) {
    line++;
    // A UTF-8 BOM (as spreadsheet exports write) is not part of the first row.
    const text = line === 1 && read.startsWith('\ufeff') ? read.slice(1) : read;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      yield { line, error: `not JSON: ${(err as Error).message}` };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { line, error: 'not a JSON object (one order line object per line expected)' };
      continue;
    }
    yield { line, row: value as Record<string, unknown> };
  }
}

async function* readCsv(file: string): AsyncGenerator<RawOrderRow> {
  const skipped: RawOrderRow[] = [];
  let headerChecked = false;
  // Where the previous record (read or skipped) ended, tracked as the parser goes, so that a
  // record is numbered by the line it starts on: the line after that one, past empty lines.
  let lastEnd = 1;
  let lastEmpty = 0;
  const startOf = (lines: number, emptyLines: number): number => {
    const start = lastEnd + 1 + (emptyLines - lastEmpty);
    lastEnd = lines;
    lastEmpty = emptyLines;
    return start;
  };
  const input = createReadStream(file);
  const parser = input.pipe(
    parse({
      bom: true,
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim().toLowerCase());
        const missing = REQUIRED_ORDER_FIELDS.filter((f) => !names.includes(f));
        if (missing.length > 0) {
          throw new Error(`${file}: the CSV header lacks ${missing.join(', ')}; expected columns: order_id, ts, user_id, click_id (optional), product_id, quantity, unit_price, currency`);
        }
        headerChecked = true;
        return names;
      },
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_record: (record: Record<string, string>, context: { lines: number; empty_lines: number }) => ({ line: startOf(context.lines, context.empty_lines), row: record }),
      on_skip: (err) => {
        if (err) {
          const e = err as unknown as { lines: number; empty_lines?: number };
          // An unclosed quote is only noticed at the end of the file: its record starts after the previous one.
          skipped.push({ line: startOf(Number(e.lines), e.empty_lines ?? lastEmpty), error: `unreadable CSV: ${err.message}` });
        }
        return undefined;
      },
    }),
  );
  // pipe() does not forward a read error; end the parse with it instead.
  input.once('error', (err) => parser.destroy(err));
  for await (const record of parser as AsyncIterable<{ line: number; row: Record<string, string> }>) {
    // Rows skipped before this one come first, so lines stay in file order.
    while (skipped.length > 0 && skipped[0]!.line < record.line) yield skipped.shift()!;
    yield record;
  }
  yield* skipped.splice(0);
  if (!headerChecked) throw new Error(`${file}: empty file, expected a CSV header row and order lines`);
}
