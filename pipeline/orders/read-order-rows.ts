/**
 * Reads an orders file row by row, CSV (with a header row) or NDJSON,
 * streaming, so memory does not grow with the file (at most one row of
 * MAX_ORDER_ROW_BYTES is held). Each row comes with the line number it
 * starts on (1 = the first line of the file, counted the same with LF or
 * CRLF line ends and across line breaks inside quoted CSV values), or with
 * the reason it could not be read.
 *
 * @example
 * for await (const batch of readOrderRows('orders.csv', 'csv')) for (const r of batch) if ('error' in r) console.log(r.line, r.error);
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { csvRecords, type CsvRecord } from './csv-records.ts';
import { ndjsonTextLines, type TextLine } from './ndjson-text-lines.ts';
import { ORDER_FIELDS, REQUIRED_ORDER_FIELDS } from './order-line.ts';

export type OrderFileFormat = 'csv' | 'ndjson';
export type RawOrderRow = { line: number; row: Record<string, unknown> } | { line: number; error: string };

/** Bytes looked at to tell NDJSON from CSV when the extension does not say. */
export const FORMAT_SNIFF_BYTES = 4096;
/** Longest row read (bytes of an NDJSON line, characters of a CSV record); a longer one is reported and skipped. */
export const MAX_ORDER_ROW_BYTES = 1024 * 1024;
/** Read size of the orders file. */
export const ORDER_READ_CHUNK_BYTES = 256 * 1024;

/** `.csv` is CSV; `.ndjson`, `.jsonl`, `.json` are NDJSON; otherwise a first non-blank `{` means NDJSON. */
export async function detectOrderFormat(file: string): Promise<OrderFileFormat> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl' || ext === '.json') return 'ndjson';
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(FORMAT_SNIFF_BYTES), 0, FORMAT_SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').replace(/^\ufeff/, '').trimStart().startsWith('{') ? 'ndjson' : 'csv';
  } finally {
    await handle.close();
  }
}

/** The file's rows in file order, in batches (the rows of one read of the file: fewer async steps per row). */
export async function* readOrderRows(file: string, format: OrderFileFormat): AsyncGenerator<RawOrderRow[]> {
  yield* format === 'csv' ? readCsv(file) : readNdjson(file);
}

function bytesOf(file: string): AsyncIterable<Buffer> {
  return createReadStream(file, { highWaterMark: ORDER_READ_CHUNK_BYTES });
}

async function* readNdjson(file: string): AsyncGenerator<RawOrderRow[]> {
  for await (const lines of ndjsonTextLines(bytesOf(file), { maxLineBytes: MAX_ORDER_ROW_BYTES })) yield lines.flatMap(ndjsonRow);
}

/** A line as a row, a bad row, or nothing (a blank line). */
function ndjsonRow(l: TextLine): RawOrderRow[] {
  if ('error' in l) return [l];
  if (l.text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(l.text);
  } catch (err) {
    return [{ line: l.line, error: `not JSON: ${(err as Error).message}` }];
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ line: l.line, error: 'not a JSON object (one order line object per line expected)' }];
  }
  return [{ line: l.line, row: value as Record<string, unknown> }];
}

async function* textOf(file: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of bytesOf(file)) yield decoder.decode(chunk, { stream: true });
  yield decoder.decode();
}

async function* readCsv(file: string): AsyncGenerator<RawOrderRow[]> {
  let header: string[] | undefined;
  for await (const records of csvRecords(textOf(file), { maxRecordChars: MAX_ORDER_ROW_BYTES })) {
    const batch: RawOrderRow[] = [];
    for (const r of records) {
      if (header) batch.push(csvRow(r, header));
      else header = csvHeader(file, r);
    }
    if (batch.length > 0) yield batch;
  }
  if (!header) throw new Error(`${file}: empty file, expected a CSV header row and order lines`);
}

/** The header's column names (trimmed, lower case); throws when a required one is missing. */
function csvHeader(file: string, r: CsvRecord): string[] {
  if ('error' in r) throw new Error(`${file}:${r.line}: the CSV header cannot be read: ${r.error}`);
  // A UTF-8 BOM (as spreadsheet exports write) is not part of the first column's name.
  const names = r.fields.map((h, i) => (i === 0 ? h.replace(/^\ufeff/, '') : h).trim().toLowerCase());
  const missing = REQUIRED_ORDER_FIELDS.filter((f) => !names.includes(f));
  if (missing.length > 0) {
    const expected = ORDER_FIELDS.map((f) => (f === 'click_id' ? 'click_id (optional)' : f)).join(', ');
    throw new Error(`${file}: the CSV header lacks ${missing.join(', ')}; expected columns: ${expected}`);
  }
  return names;
}

/** A record as a row keyed by the header, or the reason it is not one. */
function csvRow(r: CsvRecord, header: string[]): RawOrderRow {
  if ('error' in r) return { line: r.line, error: `unreadable CSV: ${r.error}` };
  if (r.fields.length !== header.length) {
    const missing = header.slice(r.fields.length).join(', ');
    const more = r.fields.length > header.length ? ' (an unquoted comma in a value?)' : missing ? ` (${missing} missing)` : '';
    return { line: r.line, error: `${r.fields.length} values for the header's ${header.length} columns${more}` };
  }
  // Bytes that are not UTF-8 decode to U+FFFD: refused, not stored altered.
  const bad = r.fields.findIndex((f) => f.includes('\ufffd'));
  if (bad !== -1) return { line: r.line, error: `${header[bad]} is not valid UTF-8` };
  const row = Object.create(null) as Record<string, unknown>;
  for (let i = 0; i < header.length; i++) row[header[i]!] = r.fields[i];
  return { line: r.line, row };
}
