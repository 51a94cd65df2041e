/**
 * Lands a batch of NDJSON lines in the lake: stages them in a file, lets
 * DuckDB parse and flatten them, drops duplicates (within the batch, and
 * against a bounded memory of keys landed by earlier batches), writes one
 * durable Parquet file per `dt` partition.
 *
 * @example
 * const lander = await NdjsonLander.open({ dataDir, spec: EVENTS_TABLE });
 * const r = await lander.land([recordData1, recordData2]); // { lines, landed, duplicates, malformed, files }
 * lander.close();
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openWriterSession, sqlString, type WriterSession } from '../lake/duckdb-session.ts';
import { EVENTS_ROW_ORDER, writePartitions } from '../lake/parquet-partitions.ts';
import type { NdjsonTableSpec } from './lake-tables.ts';
import { countNdjsonLines } from './ndjson-lines.ts';

/** Keys remembered across batches for dedupe; older ones are forgotten (the query layer dedupes globally). */
export const RECENT_KEYS_MAX = 1_000_000;
/**
 * Remembered keys live in generations of this many (a tenth of the maximum):
 * forgetting drops the oldest generation whole, which is cheap, instead of
 * deleting rows one by one from a large table.
 */
export const RECENT_KEYS_GENERATIONS = 10;
/** Longest NDJSON line read (bytes); Kinesis records are at most 1 MiB, spool lines far less. */
export const MAX_NDJSON_LINE_BYTES = 16 * 1024 * 1024;
/** Folder under the data dir for batches being landed. */
export const STAGING_DIR = 'staging';

export interface LandResult {
  /** Non-blank lines handed in. */
  lines: number;
  /** Rows written to Parquet. */
  landed: number;
  /** Rows dropped because their key was in this batch already or landed recently. */
  duplicates: number;
  /** Lines that were not JSON objects with the required fields. */
  malformed: number;
  files: string[];
}

export interface NdjsonLanderOptions {
  dataDir: string;
  spec: NdjsonTableSpec;
  recentKeysMax?: number;
}

export class NdjsonLander {
  private readonly generations: Array<{ table: string; keys: number }> = [];
  private generationNo = 0;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: WriterSession,
    private readonly opts: Required<NdjsonLanderOptions>,
    private readonly stagingPath: string,
  ) {}

  static async open(opts: NdjsonLanderOptions): Promise<NdjsonLander> {
    const db = await openWriterSession();
    const full = { recentKeysMax: RECENT_KEYS_MAX, ...opts };
    if (full.spec.dedupeKey) await db.con.run('CREATE OR REPLACE VIEW recent_keys AS SELECT NULL::VARCHAR AS k WHERE false');
    const dir = join(opts.dataDir, STAGING_DIR);
    await mkdir(dir, { recursive: true });
    const stagingPath = join(dir, `${opts.spec.table}-${process.pid}-${randomBytes(4).toString('hex')}.ndjson`);
    return new NdjsonLander(db, full, stagingPath);
  }

  /**
   * Remembers the keys of lake files landed before a crash but never
   * checkpointed, so their re-read does not land them twice.
   */
  async rememberKeysOf(files: readonly string[]): Promise<number> {
    const key = this.opts.spec.dedupeKey;
    if (!key || files.length === 0) return 0;
    const list = `[${files.map(sqlString).join(', ')}]`;
    await this.rememberKeys(`SELECT "${key}" FROM read_parquet(${list}) LIMIT ${this.opts.recentKeysMax}`);
    return this.generations.reduce((n, g) => n + g.keys, 0);
  }

  /**
   * Lands the lines of `chunks` (each a whole number of NDJSON lines; a
   * missing final newline is added). `fileName` fixes the Parquet file name
   * (the same in every partition), so landing the same input again replaces
   * its files instead of adding copies.
   */
  land(chunks: readonly Uint8Array[], fileName?: string): Promise<LandResult> {
    // One staging file and one DuckDB connection: landings take turns.
    const run = this.queue.then(() => this.landNow(chunks, fileName));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async landNow(chunks: readonly Uint8Array[], fileName: string | undefined): Promise<LandResult> {
    const { spec } = this.opts;
    const con = this.db.con;
    const parts: Uint8Array[] = [];
    for (const c of chunks) {
      if (c.byteLength === 0) continue;
      parts.push(c);
      if (c[c.byteLength - 1] !== 0x0a) parts.push(NEWLINE);
    }
    if (parts.length === 0) return { lines: 0, landed: 0, duplicates: 0, malformed: 0, files: [] };
    await writeFile(this.stagingPath, parts);
    try {
      const required = spec.requiredColumns.map((c) => `"${c}" IS NOT NULL`).join(' AND ');
      const columns = `{${Object.entries(spec.readColumns).map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`).join(', ')}}`;
      const key = spec.dedupeKey ? `"${spec.dedupeKey}"` : undefined;
      // One pass: parse, flatten and mark the first copy of each key not landed recently.
      const keep = key ? `row_number() OVER (PARTITION BY ${key} ORDER BY received_at) = 1 AND ${key} NOT IN (SELECT k FROM recent_keys)` : 'true';
      await con.run(
        `CREATE OR REPLACE TEMP TABLE usable AS SELECT ${spec.selectList}, ${spec.dtExpression} AS dt, ${keep} AS keep ` +
          `FROM read_ndjson(${sqlString(this.stagingPath)}, columns = ${columns}, ignore_errors = true, maximum_object_size = ${MAX_NDJSON_LINE_BYTES}) ` +
          `WHERE ${required}`,
      );
      await con.run('CREATE OR REPLACE TEMP VIEW landing AS SELECT * EXCLUDE (keep) FROM usable WHERE keep');
      const counts = (await con.runAndReadAll('SELECT count(*), count(*) FILTER (WHERE keep) FROM usable')).getRowsJson()[0]!.map(Number);
      const [usable, landed] = counts as [number, number];
      const files = await writePartitions(con, { dataDir: this.opts.dataDir, table: spec.table, source: 'landing', columns: spec.outputColumns, fileName,
        orderBy: spec.table === 'events' ? EVENTS_ROW_ORDER : undefined });
      if (key) await this.rememberKeys(`SELECT ${key} FROM landing`);
      const lines = countNdjsonLines(parts);
      return { lines, landed, duplicates: usable - landed, malformed: lines - usable, files };
    } finally {
      await rm(this.stagingPath, { force: true });
    }
  }

  close(): void {
    this.db.close();
  }

  /** Adds the keys `select` yields to the newest generation, then forgets the oldest generations beyond the bound. */
  private async rememberKeys(select: string): Promise<void> {
    const con = this.db.con;
    const perGeneration = Math.max(1, Math.ceil(this.opts.recentKeysMax / RECENT_KEYS_GENERATIONS));
    let current = this.generations.at(-1);
    let changed = false;
    if (!current || current.keys >= perGeneration) {
      current = { table: `recent_keys_${++this.generationNo}`, keys: 0 };
      await con.run(`CREATE TABLE ${current.table} (k VARCHAR)`);
      this.generations.push(current);
      changed = true;
    }
    const inserted = await con.runAndReadAll(`INSERT INTO ${current.table} ${select}`);
    current.keys += Number(inserted.getRowsJson()[0]?.[0] ?? 0);
    let total = this.generations.reduce((n, g) => n + g.keys, 0);
    while (total > this.opts.recentKeysMax && this.generations.length > 1) {
      const oldest = this.generations.shift()!;
      await con.run(`DROP TABLE ${oldest.table}`);
      total -= oldest.keys;
      changed = true;
    }
    if (changed) {
      await con.run(`CREATE OR REPLACE VIEW recent_keys AS ${this.generations.map((g) => `SELECT k FROM ${g.table}`).join(' UNION ALL ')}`);
    }
  }
}

const NEWLINE = new Uint8Array([0x0a]);
