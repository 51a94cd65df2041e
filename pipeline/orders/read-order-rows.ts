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
  for await (const text of lines) {
    line++;
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
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err) => {
        if (err) skipped.push({ line: Number(err.lines), error: `unreadable CSV: ${err.message}` });
        return undefined;
      },
    }),
  );
  // pipe() does not forward a read error; end the parse with it instead.
  input.once('error', (err) => parser.destroy(err));
  // The line a record starts on: the line after the previous record, past any empty lines.
  let lastEnd = 1;
  let lastEmpty = 0;
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number; empty_lines: number; invalid_field_length: number } }>) {
    yield* skipped.splice(0);
    const start = lastEnd + 1 + (info.empty_lines - lastEmpty);
    lastEnd = info.lines;
    lastEmpty = info.empty_lines;
    yield { line: start, row: record };
  }
  yield* skipped.splice(0);
  if (!headerChecked) throw new Error(`${file}: empty file, expected a CSV header row and order lines`);
}
