/**
 * Lands a batch of NDJSON lines in the lake: stages them in a file, lets
 * DuckDB parse and flatten them, drops duplicates (within the batch, and
 * against a bounded memory of keys landed by earlier batches), writes one
 * durable Parquet file per `dt` partition.
 *
 * @example
 * const lander = await NdjsonLander.open({ dataDir, spec: EVENTS_TABLE });
 * const r = await lander.land([recordData1, recordData2]); // { rows, landed, duplicates, malformed, files }
 * lander.close();
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openWriterSession, sqlString, type WriterSession } from '../lake/duckdb-session.ts';
import { writePartitions } from '../lake/parquet-partitions.ts';
import type { NdjsonTableSpec } from './lake-tables.ts';
import { countNdjsonLines } from './ndjson-lines.ts';

/** Keys remembered across batches for dedupe; older ones are forgotten (the query layer dedupes globally). */
export const RECENT_KEYS_MAX = 1_000_000;
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
  private batchNo = 0;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: WriterSession,
    private readonly opts: Required<NdjsonLanderOptions>,
    private readonly stagingPath: string,
  ) {}

  static async open(opts: NdjsonLanderOptions): Promise<NdjsonLander> {
    const db = await openWriterSession();
    const full = { recentKeysMax: RECENT_KEYS_MAX, ...opts };
    if (full.spec.dedupeKey) await db.con.run(`CREATE TABLE recent_keys (k VARCHAR, batch BIGINT)`);
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
    await this.db.con.run(`INSERT INTO recent_keys SELECT "${key}", 0 FROM read_parquet(${list}) LIMIT ${this.opts.recentKeysMax}`);
    return Number((await this.db.con.runAndReadAll('SELECT count(*) FROM recent_keys')).getRowsJson()[0]![0]);
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
    const batch = ++this.batchNo;
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
      const files = await writePartitions(con, { dataDir: this.opts.dataDir, table: spec.table, source: 'landing', columns: spec.outputColumns, fileName });
      if (key) await this.rememberBatch(key, batch);
      const lines = countNdjsonLines(parts);
      return { lines, landed, duplicates: usable - landed, malformed: lines - usable, files };
    } finally {
      await rm(this.stagingPath, { force: true });
    }
  }

  close(): void {
    this.db.close();
  }

  private async rememberBatch(key: string, batch: number): Promise<void> {
    const con = this.db.con;
    await con.run(`INSERT INTO recent_keys SELECT ${key}, ${batch} FROM landing`);
    const total = Number((await con.runAndReadAll('SELECT count(*) FROM recent_keys')).getRowsJson()[0]![0]);
    if (total <= this.opts.recentKeysMax) return;
    // Forget whole batches, oldest first, until the memory is within bounds again.
    await con.run(
      `DELETE FROM recent_keys WHERE batch <= (SELECT batch FROM recent_keys ORDER BY batch DESC LIMIT 1 OFFSET ${this.opts.recentKeysMax})`,
    );
  }
}

const NEWLINE = new Uint8Array([0x0a]);
