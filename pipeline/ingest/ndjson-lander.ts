/**
 * Lands a batch of NDJSON lines in the lake: stages them in a file, lets
 * DuckDB parse and flatten them, drops duplicates (within the batch, and
 * against a bounded memory of keys landed by earlier batches), writes one
 * durable Parquet file per `dt` partition. No line is skipped: one that
 * cannot become a row lands in `lake/dead_letters/` with the reason.
 *
 * @example
 * const lander = await NdjsonLander.open({ dataDir, spec: EVENTS_TABLE });
 * const r = await lander.land([recordData1, recordData2]); // { lines, landed, duplicates, malformed, deadLettered, files }
 * lander.close();
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openWriterSession, sqlString, type WriterSession } from '../lake/duckdb-session.ts';
import { EVENTS_ROW_ORDER, writePartitions } from '../lake/parquet-partitions.ts';
import type { LakeStore } from '../lake/lake-store.ts';
import type { LakeTable } from '../lake/partitions.ts';
import { defaultLakeStore } from '../lake/open-lake-store.ts';
import type { DeadLetter } from '../../contract/enriched.ts';
import { STAGING_DIR } from '../../contract/data-dir.ts';
import { frameLines, LINE_COLUMN, ROW_COLUMN, type FramedLines } from './framed-lines.ts';
import type { NdjsonTableSpec } from './lake-tables.ts';
import { rescueLine, writeRescuedLetters } from './rescued-lines.ts';
import { recordIngestDuplicates } from '../health/counts.ts';

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

export interface LandResult {
  /** Non-blank lines handed in. */
  lines: number;
  /** Rows written to Parquet. */
  landed: number;
  /** Rows dropped because their key was in this batch already or landed recently. */
  duplicates: number;
  /** Lines that were not JSON objects with the required fields (or that the lake could not read). */
  malformed: number;
  /** Of `malformed`, lines kept in `lake/dead_letters/` with the reason (all of them, or the landing throws). */
  deadLettered: number;
  files: string[];
}

export interface NdjsonLanderOptions {
  dataDir: string;
  spec: NdjsonTableSpec;
  recentKeysMax?: number;
  /** Where landed files go (a folder or S3); default `<dataDir>/lake`. */
  lake?: LakeStore;
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

  /** The lake table it lands in. */
  get table(): LakeTable {
    return this.opts.spec.table;
  }

  static async open(opts: NdjsonLanderOptions): Promise<NdjsonLander> {
    const db = await openWriterSession();
    const full = { recentKeysMax: RECENT_KEYS_MAX, ...opts, lake: opts.lake ?? defaultLakeStore(opts.dataDir) };
    if (full.spec.dedupeKey) await db.con.run('CREATE OR REPLACE VIEW recent_keys AS SELECT NULL::VARCHAR AS k, NULL::BIGINT AS received_at WHERE false');
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
    await this.rememberKeys(`SELECT "${key}", received_at FROM read_parquet(${list}) LIMIT ${this.opts.recentKeysMax}`);
    return this.generations.reduce((n, g) => n + g.keys, 0);
  }

  /**
   * Lands the lines of `chunks` (each a whole number of NDJSON lines; a
   * missing final newline is added). `fileName` fixes the Parquet file name
   * (the same in every partition), so landing the same input again replaces
   * its files instead of adding copies. A line that cannot become a row is
   * kept as a dead letter with the reason (`source` names where it came
   * from); when even that fails, the landing throws and nothing is committed.
   */
  land(chunks: readonly Uint8Array[], fileName?: string, source = `${this.opts.spec.table} batch`): Promise<LandResult> {
    // One staging file and one DuckDB connection: landings take turns.
    const run = this.queue.then(() => this.landNow(chunks, fileName, source));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async landNow(chunks: readonly Uint8Array[], fileName: string | undefined, source: string): Promise<LandResult> {
    const { spec } = this.opts;
    const con = this.db.con;
    const parts = chunks.filter((c) => c.byteLength > 0);
    const framed = frameLines(parts);
    if (framed.count === 0) return { lines: 0, landed: 0, duplicates: 0, malformed: 0, deadLettered: 0, files: [] };
    await writeFile(this.stagingPath, framed.staged);
    try {
      const required = spec.requiredColumns.map((c) => `"${c}" IS NOT NULL`).join(' AND ');
      const rowType = `STRUCT(${Object.entries(spec.readColumns).map(([k, v]) => `"${k}" ${v}`).join(', ')})`;
      const columns = `{${sqlString(LINE_COLUMN)}: 'BIGINT', ${sqlString(ROW_COLUMN)}: ${sqlString(rowType)}}`;
      const key = spec.dedupeKey ? `"${spec.dedupeKey}"` : undefined;
      // A line the reader refuses comes back as a row of NULLs (ignore_errors): it has no __line and is found below.
      await con.run(
        `CREATE OR REPLACE TEMP TABLE parsed AS SELECT ${LINE_COLUMN}, unnest(${ROW_COLUMN}) ` +
          `FROM read_ndjson(${sqlString(this.stagingPath)}, columns = ${columns}, ignore_errors = true, maximum_object_size = ${MAX_NDJSON_LINE_BYTES}) ` +
          `WHERE ${LINE_COLUMN} IS NOT NULL`,
      );
      // One pass: flatten and mark the first copy of each key, unless a copy received no later landed recently.
      // A copy received earlier than the one landed (shards are read one after another, so a retry's copy on
      // another shard can land first) lands too: the lake's dedupe then keeps the earliest received (docs/spec.md §4).
      const keep = key
        ? `row_number() OVER (PARTITION BY ${key} ORDER BY received_at) = 1 AND NOT EXISTS (SELECT 1 FROM recent_keys r WHERE r.k = parsed.${key} AND r.received_at <= parsed.received_at)`
        : 'true';
      await con.run(
        `CREATE OR REPLACE TEMP TABLE usable AS SELECT ${spec.selectList}, ${spec.dtExpression} AS dt, ${keep} AS keep, ${LINE_COLUMN} ` +
          `FROM parsed WHERE ${required} AND ${LINE_COLUMN} BETWEEN 1 AND ${framed.count}`,
      );
      await con.run(`CREATE OR REPLACE TEMP VIEW landing AS SELECT * EXCLUDE (keep, ${LINE_COLUMN}) FROM usable WHERE keep`);
      const counts = (await con.runAndReadAll(`SELECT count(*), count(*) FILTER (WHERE keep), count(DISTINCT ${LINE_COLUMN}) FROM usable`)).getRowsJson()[0]!.map(Number);
      const [usable, landed, distinct] = counts as [number, number, number];
      if (distinct !== usable) throw new Error(`${source}: ${usable - distinct} staged lines were read twice; nothing landed`);
      const letters = usable < framed.count ? await this.rescue(framed, source) : [];
      const files = await writePartitions(con, { dataDir: this.opts.dataDir, lake: this.opts.lake, table: spec.table, source: 'landing', columns: spec.outputColumns, fileName,
        orderBy: spec.table === 'events' ? EVENTS_ROW_ORDER : undefined });
      files.push(...await writeRescuedLetters(con, {
        dataDir: this.opts.dataDir,
        lake: this.opts.lake,
        stagingPath: `${this.stagingPath}.rescued`,
        letters,
        fileName: fileName ? fileName.replace(/(\.parquet)?$/, '-rescued.parquet') : undefined,
      }));
      if (key) await this.rememberKeys(`SELECT ${key}, received_at FROM landing`);
      const result = { lines: framed.count, landed, duplicates: usable - landed, malformed: framed.count - usable, deadLettered: letters.length, files };
      if (result.landed + result.duplicates + result.deadLettered !== result.lines) {
        throw new Error(`${source}: ${result.lines - result.landed - result.duplicates - result.deadLettered} of ${result.lines} lines neither landed nor kept; nothing committed`);
      }
      // Data health (SPEC 8): duplicates dropped here leave no row, so their count is recorded.
      if (spec.table === 'events' && usable > landed) await recordIngestDuplicates(con, this.opts.lake, 'usable');
      return result;
    } finally {
      await rm(this.stagingPath, { force: true });
    }
  }

  /** Dead letters keeping the lines that did not become rows, each with its reason. */
  private async rescue(framed: FramedLines, source: string): Promise<DeadLetter[]> {
    const rows = (await this.db.con.runAndReadAll(
      `SELECT n FROM range(1, ${framed.count + 1}) r(n) WHERE n NOT IN (SELECT ${LINE_COLUMN} FROM usable) ORDER BY n`,
    )).getRowsJson();
    const now = Date.now();
    const { table, requiredColumns, readColumns } = this.opts.spec;
    return rows.map((r) => {
      const line = Number(r[0]);
      return rescueLine(framed.text(line), { table, source, line, required: requiredColumns, types: readColumns, now });
    });
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
      await con.run(`CREATE TABLE ${current.table} (k VARCHAR, received_at BIGINT)`);
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
      await con.run(`CREATE OR REPLACE VIEW recent_keys AS ${this.generations.map((g) => `SELECT k, received_at FROM ${g.table}`).join(' UNION ALL ')}`);
    }
  }
}

