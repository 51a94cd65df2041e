/**
 * Same work, proven by plan (issue 10): for each per-dimension query file that
 * a commit folded into a `{{group}}` template, DuckDB's physical plan of the
 * old file (at the commit's parent) beside the plan of the template with the
 * group column substituted, as the loader does. Identical plans mean the
 * engine does the same work; the bench:scale rounds then only measure noise.
 *
 *   node --import tsx bench/template-plans.ts                      # 7d7cb8b, the 2M lake of bench:scale
 *   node --import tsx bench/template-plans.ts --rev <commit> --lake <dir>/lake
 *
 * Parameters are spliced as literals (every one appears identically in both
 * texts) so EXPLAIN can plan without binding; `attributed_order_lines` (a
 * `-- requires:` CTE, the same text in both) is a one-row table of its columns.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DUCKDB_COMPAT_MACROS } from '../pipeline/engine/duckdb-dialect.ts';
import { expandPredicates } from '../pipeline/engine/query-predicates.ts';
import { ORDER_LINES_PER_EVENT, scaleLakeDir } from './scale-data.ts';

/** The commit that replaced conversion_by_{creator,show,offer,region} and qoe_by_{region,show,device} by templates. */
const TEMPLATE_COMMIT = '7d7cb8b';
const SCALE_EVENTS = 2_000_000;

/** Old file → the template that replaced it and the group column the loader substitutes. */
const FOLDED: ReadonlyArray<{ file: string; template: string; group: string }> = [
  { file: 'conversion_by_creator', template: 'conversion_by_group', group: 'creator_id' },
  { file: 'conversion_by_show', template: 'conversion_by_group', group: 'show_id' },
  { file: 'conversion_by_offer', template: 'conversion_by_group', group: 'offer_id' },
  { file: 'conversion_by_region', template: 'conversion_by_group', group: 'region' },
  { file: 'qoe_by_region', template: 'qoe_by_group', group: 'region' },
  { file: 'qoe_by_show', template: 'qoe_by_group', group: 'show_id' },
  { file: 'qoe_by_device', template: 'qoe_by_group', group: 'device' },
];

/** Literal stand-ins for the bound parameters: the whole lake, no filter. */
const LITERALS: Readonly<Record<string, string>> = {
  from_dt: "DATE '2000-01-01'", to_dt: "DATE '2100-01-01'", from_ms: '0', to_ms: '9999999999999',
  retailer_id: "''", creator_id: "''", show_id: "''", region: "''",
};

const { values } = parseArgs({ options: { rev: { type: 'string', default: TEMPLATE_COMMIT }, lake: { type: 'string' } } });
const lake = values.lake ?? `${scaleLakeDir({ events: SCALE_EVENTS, orderLines: SCALE_EVENTS * ORDER_LINES_PER_EVENT })}/lake`;
if (!existsSync(`${lake}/events`)) {
  console.error(`template-plans: no lake at ${lake} (run npm run bench:scale -- --events ${SCALE_EVENTS} first, or pass --lake)`);
  process.exit(1);
}

/** queries/<name>.sql at `rev`, its predicate placeholders expanded as the loader does (a later --rev has them). */
function fileAt(rev: string, name: string): string {
  return expandPredicates(name, execFileSync('git', ['show', `${rev}:queries/${name}.sql`], { encoding: 'utf8' }));
}

function withLiterals(sql: string): string {
  return sql.replace(/^--.*$/gm, '').replace(/\$([a-z_]+)/g, (whole, name: string) => LITERALS[name] ?? whole);
}

async function physicalPlan(connection: DuckDBConnection, sql: string): Promise<string> {
  const result = await connection.runAndReadAll(`EXPLAIN ${withLiterals(sql)}`);
  return result.getRows().map((row) => String(row[1])).join('\n');
}

const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const connection = await instance.connect();
for (const macro of DUCKDB_COMPAT_MACROS) await connection.run(macro);
await connection.run(`CREATE VIEW events AS SELECT * FROM read_parquet('${lake}/events/**/*.parquet', hive_partitioning = true, union_by_name = true)`);
await connection.run(`CREATE TABLE attributed_order_lines AS SELECT 'r' AS retailer_id, 'c' AS creator_id, 's' AS show_id, 'o' AS offer_id,
  'US' AS region, 'USD' AS currency, 'v' AS viewer_id, 'o1' AS order_id, 1 AS quantity, 1.0 AS revenue, 'last_click' AS attribution`);

let different = 0;
console.log(`physical plans at ${values.rev}^ (old file) and ${values.rev} (template), lake ${lake}`);
for (const { file, template, group } of FOLDED) {
  const before = await physicalPlan(connection, fileAt(`${values.rev}^`, file));
  const after = await physicalPlan(connection, fileAt(values.rev, template).replaceAll('{{group}}', group));
  const same = before === after;
  if (!same) different++;
  console.log(`${file.padEnd(24)} ${same ? 'identical' : 'DIFFERENT'} (${before.length} / ${after.length} plan characters)`);
}
connection.closeSync();
instance.closeSync();
process.exit(different === 0 ? 0 : 1);
