/**
 * Files and bytes each report query reads on a lake of several days, with
 * the `dt` bounds (pipeline/engine/partition-bounds.ts) and without them,
 * on DuckDB's text and on Athena's (run on DuckDB: the same statement Athena
 * gets, whose Parquet scans Athena bills). One day of the middle of the lake
 * is reported on. Bytes are the sizes of the files read (where DuckDB
 * shortens its list of them, files × the table's mean file size): an upper
 * bound of what a columnar reader fetches, the same for both sides.
 *
 *   npm run bench:pruning [-- --days 7 --events-per-day 40000 --files-per-day 4]
 *
 * Writes bench/results/partition-pruning.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { LAKE_DIR, LAKE_EVENT_COLUMNS, LAKE_ORDER_COLUMNS } from '../contract/lake.ts';
import { createDuckDbEngine, type DuckDbEngine } from '../pipeline/engine/duckdb.ts';
import { DAY_MS, ENGINE_PERIOD_VIEWS } from '../pipeline/engine/partition-bounds.ts';
import { loadQuery, placeholderNames, QUERIES_DIR, readQueryFile } from '../pipeline/engine/query-files.ts';
import { parameterNames } from '../pipeline/engine/parameters.ts';
import { queryIdentifierSets } from '../pipeline/reports/definitions.ts';
import { unprunedQueriesDir } from './lib/unpruned-queries.ts';

const { values: args } = parseArgs({ options: {
  days: { type: 'string', default: '7' }, 'events-per-day': { type: 'string', default: '40000' }, 'files-per-day': { type: 'string', default: '4' },
} });
const DAYS = Number(args.days);
const EVENTS_PER_DAY = Number(args['events-per-day']);
const FILES_PER_DAY = Number(args['files-per-day']);
const FIRST_DAY_MS = Date.UTC(2026, 10, 1);
/** Each day's show: 20:00 UTC for 32 minutes (the simulator's mean show), far from midnight. */
const SHOW_START_MS = 20 * 3_600_000;
const SHOW_MS = 32 * 60_000;
const TYPES = ['heartbeat', 'heartbeat', 'heartbeat', 'heartbeat', 'heartbeat', 'heartbeat', 'chat_message', 'product_impression', 'startup', 'session_start', 'buffer_end', 'click_to_buy', 'exposure'];

function nulls(columns: Record<string, string>, given: Record<string, string>): string {
  return Object.entries(columns).map(([name, type]) => `CAST(${given[name] ?? 'NULL'} AS ${type}) AS ${name}`).join(', ');
}

/** Writes the lake: per day FILES_PER_DAY event files and one orders file, ids from md5 (they barely compress, as real ones). */
async function writeLake(dataDir: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const types = `[${TYPES.map((t) => `'${t}'`).join(', ')}]`;
  for (let d = 0; d < DAYS; d++) {
    const dt = new Date(FIRST_DAY_MS + d * DAY_MS).toISOString().slice(0, 10);
    const start = FIRST_DAY_MS + d * DAY_MS + SHOW_START_MS;
    for (const table of ['events', 'orders']) fs.mkdirSync(path.join(dataDir, LAKE_DIR, table, `dt=${dt}`), { recursive: true });
    const perFile = Math.ceil(EVENTS_PER_DAY / FILES_PER_DAY);
    for (let f = 0; f < FILES_PER_DAY; f++) {
      const i = `(${d * EVENTS_PER_DAY + f * perFile} + n)`;
      const event = nulls(LAKE_EVENT_COLUMNS, {
        event_id: `substr(md5('e' || ${i}), 1, 21)`, type: `${types}[1 + ${i} % ${TYPES.length}]`,
        ts: `${start} + ${i} * 7919 % ${SHOW_MS}`, event_time: `${start} + ${i} * 7919 % ${SHOW_MS}`, received_at: `${start} + ${i} * 7919 % ${SHOW_MS} + 40`,
        retailer_id: "'acme'", viewer_id: `substr(md5('v' || ${i} % ${Math.ceil(EVENTS_PER_DAY / 40)}), 1, 21)`, session_id: `substr(md5('s' || ${i} % ${Math.ceil(EVENTS_PER_DAY / 40)}), 1, 21)`,
        show_id: `'show_' || ${d}`, creator_id: `'creator_' || ${d % 3}`, user_id: `'user_' || ${i} % ${Math.ceil(EVENTS_PER_DAY / 40)}`,
        region: `['US', 'DE', 'FR', 'BR'][1 + ${i} % 4]`, device: `['desktop', 'mobile'][1 + ${i} % 2]`,
        watch_ms: '10000', latency_ms: `1500 + ${i} % 4000`, startup_ms: `400 + ${i} % 3000`, buffer_ms: `300 + ${i} % 4000`,
        product_id: `'prod_' || ${i} % 40`, offer_id: `'offer_' || ${i} % 40`, click_id: `'clk_' || ${i}`, experiment_id: "'exp1'", variant: `['a', 'b'][1 + ${i} % 2]`,
        experiments: `'{"exp1":"' || ['a', 'b'][1 + ${i} % 2] || '"}'`,
      });
      const count = Math.min(perFile, EVENTS_PER_DAY - f * perFile);
      await con.run(`COPY (SELECT ${event} FROM range(${count}) t(n) ORDER BY type, event_time) TO '${path.join(dataDir, LAKE_DIR, 'events', `dt=${dt}`, `part-${f}.parquet`)}' (FORMAT parquet, COMPRESSION zstd)`);
    }
    const orders = Math.ceil(EVENTS_PER_DAY / 100);
    const line = nulls(LAKE_ORDER_COLUMNS, {
      retailer_id: "'acme'", order_id: `'ord_${d}_' || n`, ts: `${start} + n * 7919 % ${SHOW_MS} + 60000`, user_id: `'user_' || n`,
      click_id: `'clk_' || (${d * EVENTS_PER_DAY} + n * 13)`, product_id: `'prod_' || n % 40`, quantity: '1', unit_price: '29.99', currency: "'USD'", imported_at: `${start + DAY_MS}`,
    });
    await con.run(`COPY (SELECT ${line} FROM range(${orders}) t(n)) TO '${path.join(dataDir, LAKE_DIR, 'orders', `dt=${dt}`, 'import-0.parquet')}' (FORMAT parquet, COMPRESSION zstd)`);
  }
  con.closeSync();
  instance.closeSync();
}

interface Reads { files: number; bytes: number }

/** Sizes of every Parquet file of a lake table. */
function tableFileSizes(dataDir: string, table: string): number[] {
  const dir = path.join(dataDir, LAKE_DIR, table);
  return fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.parquet')).map((f) => fs.statSync(path.join(dir, f)).size);
}

async function reads(dataDir: string, engine: DuckDbEngine, name: string, params: Record<string, string | number>, identifiers: Record<string, string>): Promise<Reads> {
  const scans = await engine.parquetScans(name, params, identifiers);
  let files = 0;
  let bytes = 0;
  for (const scan of scans) {
    files += scan.filesRead;
    if (scan.files.length === scan.filesRead) {
      bytes += scan.files.reduce((n, f) => n + fs.statSync(f).size, 0);
      continue;
    }
    // DuckDB shortens a long list (five names, or the glob, then '...'): files read × the table's mean file size
    // (every day of this lake is alike, so that is what they weigh).
    const table = /\/(events|orders)\//.exec(scan.source)?.[1];
    const sizes = table ? tableFileSizes(dataDir, table) : [];
    if (sizes.length === 0) throw new Error(`${name}: a scan of ${scan.filesRead} files of no lake table (${scan.source})`);
    bytes += (scan.filesRead * sizes.reduce((n, b) => n + b, 0)) / sizes.length;
  }
  return { files, bytes };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'livelens-pruning-'));
try {
  await writeLake(tmp);
  const lakeFiles = fs.readdirSync(path.join(tmp, LAKE_DIR), { recursive: true }).map(String).filter((f) => f.endsWith('.parquet'));
  const lakeBytes = lakeFiles.reduce((n, f) => n + fs.statSync(path.join(tmp, LAKE_DIR, f)).size, 0);
  const unpruned = unprunedQueriesDir(tmp);
  const open = (periodViews: typeof ENGINE_PERIOD_VIEWS.duckdb, queriesDir?: string) =>
    createDuckDbEngine({ dataDir: tmp, periodViews, memoryLimit: '1GB', ...(queriesDir ? { queriesDir } : {}) });
  const engines = {
    duckdb: { pruned: await open(ENGINE_PERIOD_VIEWS.duckdb), unpruned: await open(ENGINE_PERIOD_VIEWS.duckdb, unpruned) },
    athena: { pruned: await open(ENGINE_PERIOD_VIEWS.athena), unpruned: await open(ENGINE_PERIOD_VIEWS.athena, unpruned) },
  };
  const day = Math.floor(DAYS / 2);
  const fromMs = FIRST_DAY_MS + day * DAY_MS;
  const names = fs.readdirSync(QUERIES_DIR).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')).sort();
  const rows: Array<Record<string, unknown>> = [];
  for (const name of names) {
    const identifiers = placeholderNames(readQueryFile(name)).length > 0 ? queryIdentifierSets(name)[0]! : {};
    const known: Record<string, string | number> = {
      from_ms: fromMs, to_ms: fromMs + DAY_MS, window_ms: DAY_MS, lookback_ms: 14 * DAY_MS, cap_percentile: 0.99, qoe_sessions: 1,
      retailer_id: '', creator_id: '', region: '', show_id: name === 'show_timeline' ? `show_${day}` : '', experiment_id: 'exp1', variants: '', by_retailer: 1, bucket_ms: 3_600_000,
    };
    const used = parameterNames(loadQuery(name, QUERIES_DIR, identifiers, ENGINE_PERIOD_VIEWS.athena));
    const params = { ...Object.fromEntries(used.map((n) => [n, n.endsWith('_ms') ? 3_600_000 : ''])), ...known };
    const row = { query: name, ...identifiers } as Record<string, unknown>;
    for (const text of ['duckdb', 'athena'] as const) {
      row[`${text}_unpruned`] = await reads(tmp, engines[text].unpruned, name, params, identifiers);
      row[`${text}_pruned`] = await reads(tmp, engines[text].pruned, name, params, identifiers);
    }
    rows.push(row);
  }
  for (const side of Object.values(engines)) for (const e of Object.values(side)) await e.close();
  const total = (key: string) => rows.reduce<Reads>((t, r) => ({ files: t.files + (r[key] as Reads).files, bytes: t.bytes + (r[key] as Reads).bytes }), { files: 0, bytes: 0 });
  const result = {
    measured_at: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, load_average_1m: os.loadavg()[0] },
    note: 'files and bytes (sizes of the files read) per query, one-day report on the middle day; experiment_metrics with a 14-day CUPED lookback reads back to the first day either way',
    lake: { days: DAYS, events_per_day: EVENTS_PER_DAY, event_files_per_day: FILES_PER_DAY, files: lakeFiles.length, bytes: lakeBytes },
    totals: { duckdb_unpruned: total('duckdb_unpruned'), duckdb_pruned: total('duckdb_pruned'), athena_unpruned: total('athena_unpruned'), athena_pruned: total('athena_pruned') },
    queries: rows,
  };
  const out = new URL('./results/partition-pruning.json', import.meta.url);
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
  console.log(`lake: ${DAYS} days, ${lakeFiles.length} files, ${mb(lakeBytes)}; one-day report on day ${day + 1}`);
  console.log('query'.padEnd(28), 'duckdb before → after'.padEnd(34), 'athena text before → after');
  for (const r of rows) {
    const f = (k: string) => `${(r[k] as Reads).files} files ${mb((r[k] as Reads).bytes)}`;
    console.log(String(r.query).padEnd(28), `${f('duckdb_unpruned')} → ${f('duckdb_pruned')}`.padEnd(34), `${f('athena_unpruned')} → ${f('athena_pruned')}`);
  }
  console.log('totals', JSON.stringify(result.totals));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
