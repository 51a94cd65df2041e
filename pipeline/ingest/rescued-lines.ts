/**
 * Lines a landing could not turn into lake rows are kept, never skipped:
 * each becomes a dead letter (`lake/dead_letters/`) carrying the line itself
 * and why it could not land. A dead-letter line the lake refused (a lone
 * surrogate an older collector let through, say) is kept with its own
 * fields, escaped so the lake can hold them.
 *
 * @example
 * const letter = rescueLine(text, { table: 'events', source: 'stream livelens-events', line: 12, readable: false, required: ['event_id'] });
 * await writeRescuedLetters(con, { dataDir, stagingPath, letters: [letter] });
 */
import type { LakeStore } from '../lake/lake-store.ts';
import { writeFile, rm } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DeadLetter } from '../../contract/enriched.ts';
import { MAX_EPOCH_MS } from '../../contract/limits.ts';
import { escapeLoneSurrogates, firstLoneSurrogate } from '../../contract/unicode.ts';
import { sqlString } from '../lake/duckdb-session.ts';
import { writePartitions } from '../lake/parquet-partitions.ts';
import type { LakeTable } from '../lake/partitions.ts';
import { LAKE_DEAD_LETTER_COLUMNS } from './lake-tables.ts';

/** `index` of a dead letter made at ingest (the line was not an event of a batch the collector saw). */
export const INGEST_DEAD_LETTER_INDEX = -1;

export interface RescueContext {
  /** The table the line was meant for. */
  table: LakeTable;
  /** Where the line came from, for the reason (`stream livelens-events`, `dead-letter segment <name>`). */
  source: string;
  /** Its number among the landing's non-blank lines (1-based). */
  line: number;
  /** Fields a row must have. */
  required: readonly string[];
  /** The lake type of each field read (read_ndjson's `columns`). */
  types: Readonly<Record<string, string>>;
  /** Server clock for letters whose line has no usable `received_at`. */
  now: number;
}

function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return firstLoneSurrogate(value) !== -1;
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([k, v]) => firstLoneSurrogate(k) !== -1 || hasLoneSurrogate(v));
}

function epochMs(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_EPOCH_MS ? value : undefined;
}

const INT64_LIMIT = 2 ** 63;

/** Whether a JSON value fits a lake column type (the types the required columns use). */
function fits(value: unknown, type: string | undefined): boolean {
  if (type === 'BIGINT') return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < INT64_LIMIT;
  if (type === 'VARCHAR') return typeof value === 'string';
  return true;
}

/** Why a line could not land, in words. */
function reasonFor(text: string, value: unknown, parseError: string | undefined, required: readonly string[], types: Readonly<Record<string, string>>): string {
  if (parseError !== undefined) return `not JSON (${parseError})`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  if (hasLoneSurrogate(value)) return 'a string is not valid Unicode (lone UTF-16 surrogate), which the lake cannot store';
  const obj = value as Record<string, unknown>;
  const missing = required.filter((c) => obj[c] === undefined || obj[c] === null);
  if (missing.length > 0) return `lacks ${missing.join(', ')} (or it does not fit the lake column)`;
  const unfit = required.find((c) => !fits(obj[c], types[c]));
  if (unfit !== undefined) return `${unfit} ${JSON.stringify(obj[unfit])?.slice(0, 64)} does not fit its lake column (${types[unfit]})`;
  return `a field does not fit its lake column (${text.length} characters)`;
}

/** The dead letter that keeps an unlanded line, with the reason. */
export function rescueLine(text: string, ctx: RescueContext): DeadLetter {
  let value: unknown;
  let parseError: string | undefined;
  try {
    value = JSON.parse(text);
  } catch (err) {
    parseError = (err as Error).message;
  }
  const reason = `ingest: ${ctx.source} line ${ctx.line}: ${reasonFor(text, value, parseError, ctx.required, ctx.types)}`;
  const obj = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const retailer_id = typeof obj.retailer_id === 'string' ? escapeLoneSurrogates(obj.retailer_id) : '';
  const received_at = epochMs(obj.received_at) ?? ctx.now;
  if (ctx.table === 'dead_letters' && parseError === undefined) {
    // A dead letter already: keep its own reason and text, escaped.
    return {
      retailer_id,
      received_at,
      index: typeof obj.index === 'number' && Number.isSafeInteger(obj.index) ? obj.index : INGEST_DEAD_LETTER_INDEX,
      error: typeof obj.error === 'string' ? escapeLoneSurrogates(obj.error) : reason,
      raw: typeof obj.raw === 'string' ? escapeLoneSurrogates(obj.raw) : escapeLoneSurrogates(text),
    };
  }
  // The whole line is kept (the text read from UTF-8 is well-formed, escapes stay text).
  return { retailer_id, received_at, index: INGEST_DEAD_LETTER_INDEX, error: reason, raw: escapeLoneSurrogates(text) };
}

export interface WriteRescuedOptions {
  dataDir: string;
  /** Where the lake is (a folder or S3); default `<dataDir>/lake`. */
  lake?: LakeStore;
  /** A scratch file for the letters' NDJSON (removed afterwards). */
  stagingPath: string;
  letters: readonly DeadLetter[];
  /** Fixed file name in each partition (a re-landing then replaces it). */
  fileName?: string;
}

/**
 * Writes the letters to `lake/dead_letters/` and returns the files. Reads
 * them strictly: a letter the lake still refused would throw, so the caller
 * commits nothing (no checkpoint, no deleted segment) rather than lose it.
 */
export async function writeRescuedLetters(con: DuckDBConnection, opts: WriteRescuedOptions): Promise<string[]> {
  if (opts.letters.length === 0) return [];
  await writeFile(opts.stagingPath, opts.letters.map((l) => JSON.stringify(l) + '\n').join(''));
  try {
    const columns = `{${Object.entries(LAKE_DEAD_LETTER_COLUMNS).map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`).join(', ')}}`;
    await con.run(
      `CREATE OR REPLACE TEMP TABLE rescued AS SELECT *, strftime(epoch_ms(received_at), '%Y-%m-%d') AS dt ` +
        `FROM read_ndjson(${sqlString(opts.stagingPath)}, columns = ${columns}, ignore_errors = false)`,
    );
    const n = Number((await con.runAndReadAll('SELECT count(*) FROM rescued WHERE received_at IS NOT NULL')).getRowsJson()[0]![0]);
    if (n !== opts.letters.length) throw new Error(`the lake read ${n} of ${opts.letters.length} rescued dead letters; nothing committed`);
    return await writePartitions(con, { dataDir: opts.dataDir, lake: opts.lake, table: 'dead_letters', source: 'rescued', columns: Object.keys(LAKE_DEAD_LETTER_COLUMNS), fileName: opts.fileName });
  } finally {
    await rm(opts.stagingPath, { force: true });
  }
}
