/**
 * Prints docs/scale.md from deploy/scale-model.ts: `npm run scale-doc`
 * prints it, `npm run scale-doc -- --write` writes the file. A test checks
 * the committed file equals this output, so when a constant or the
 * measurement changes, the doc is regenerated.
 *
 * @example
 * npm run scale-doc -- --write
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ASSUMED_PER_VIEWER_HOUR, BATCH_SIZE_EVENTS, COLLECTOR_VARIANT, computeScaleModel, CONCURRENT_VIEWERS, DEFAULT_LINGER_MS, DEFAULT_SPOOL_MAX_BYTES,
  EVENT_COPY_COLUMNS, FLUSH_INTERVAL_MS, MAX_PACKED_RECORD_BYTES, MIB, OUTAGE_MS, PRICES, SHARD_HEADROOM, SHOW_MS, SHOWS_PER_MONTH, type ScaleModel,
} from './scale-model.ts';
import { EVENT_COPY_MARGIN_MS } from '../pipeline/engine/partition-bounds.ts';
import { MAX_LIVE_EVENT_IDS, MAX_LIVE_VIEWERS } from '../live/limits.ts';
import { COLLECTOR_CPU_TARGET_PERCENT, COLLECTOR_TASK_CPU, DEFAULT_ATHENA_BYTES_SCANNED_CUTOFF } from './template.ts';

export const SCALE_DOC_PATH = fileURLToPath(new URL('../docs/scale.md', import.meta.url));
/** Files and bytes read before and after the dt bounds (npm run bench:pruning). */
export const PRUNING_MEASUREMENT = new URL('../bench/results/partition-pruning.json', import.meta.url);

interface Reads { files: number; bytes: number }
interface PruningMeasurement {
  lake: { days: number; events_per_day: number; files: number; bytes: number };
  totals: Record<'duckdb_unpruned' | 'duckdb_pruned' | 'athena_unpruned' | 'athena_pruned', Reads>;
  queries: unknown[];
}

/** The lake and the before/after sentence of the pruning measurement. */
function pruningSentence(): { benchLake: string; benchLine: string } {
  const m = JSON.parse(readFileSync(PRUNING_MEASUREMENT, 'utf8')) as PruningMeasurement;
  const mb = (n: number) => `${dec(n / 1e6, 1)} MB`;
  const pair = (before: Reads, after: Reads) => `${int(before.files)} files / ${mb(before.bytes)} before, ${int(after.files)} / ${mb(after.bytes)} after`;
  return {
    benchLake: `${m.lake.days}-day lake (${int(m.lake.files)} files, ${mb(m.lake.bytes)}), a one-day report of each of the ${m.queries.length} queries`,
    benchLine: `DuckDB's text ${pair(m.totals.duckdb_unpruned, m.totals.duckdb_pruned)}; Athena's text (file sizes, the margin days' files counted whole) ${pair(m.totals.athena_unpruned, m.totals.athena_pruned)}`,
  };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const dec = (n: number, d = 1) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const mib = (bytes: number) => `${dec(bytes / MIB, 1)} MiB`;
const gib = (bytes: number) => `${dec(bytes / 1024 ** 3, 2)} GiB`;
const usd = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function renderScaleDoc(m: ScaleModel): string {
  const out: string[] = [];
  const p = (...lines: string[]) => out.push(...lines);
  p('# One show, 1,000,000 concurrent viewers: the arithmetic', '');
  p('Printed by `npm run scale-doc` (deploy/scale-doc.ts, model in deploy/scale-model.ts); do not edit by hand.',
    'Every figure below comes from a constant in the code, a measurement, or an assumption named in',
    'deploy/scale-model.ts; change one and run `npm run scale-doc -- --write` (a test fails until you do).', '');
  p(`Show length: ${dec(SHOW_MS / 60_000, 1)} min (the simulator's mean of MIN_SHOW_MS and MAX_SHOW_MS). Viewers: ${int(CONCURRENT_VIEWERS)}, all watching for the whole show.`, '');

  p('## Events per second, by type', '');
  p('| type | per viewer per hour | events/s | JSON bytes (enriched) | source |', '|---|---:|---:|---:|---|');
  for (const t of [...m.perType].sort((a, b) => b.eventsPerSecond - a.eventsPerSecond)) {
    p(`| \`${t.type}\` | ${dec(t.perViewerPerHour, 2)} | ${int(t.eventsPerSecond)} | ${int(t.jsonBytes)} | ${t.source} |`);
  }
  p(`| **all** | ${dec(m.perViewerEventsPerS * 3600, 2)} | **${int(m.eventsPerSecond)}** | ${int(m.bytesPerSecond / m.eventsPerSecond)} (mean) | |`, '');
  p(`Assumptions (not fixed by the SDK or the simulator): ${Object.entries(ASSUMED_PER_VIEWER_HOUR).map(([k, v]) => `${k} ${v}/h`).join(', ')}, one experiment exposure per session.`,
    'JSON bytes: the enriched event as the collector writes it (ids of the SDK\'s 22 characters), plus its newline.', '');
  p(`Requests: the SDK sends a batch when ${BATCH_SIZE_EVENTS} events are queued or ${FLUSH_INTERVAL_MS / 1000} s after the first; at`,
    `${dec(m.perViewerEventsPerS, 3)} events/s per viewer that is **${int(m.requestsPerSecond)} POST /v1/events per second**, ${dec(m.eventsPerSecond / m.requestsPerSecond, 2)} events each.`, '');

  p('## Bytes per second and Kinesis shards', '');
  p(`A shard takes 1 MiB/s and 1,000 records/s; the shard counts keep ${dec((SHARD_HEADROOM - 1) * 100, 0)} % headroom.`, '');
  p('| | records/s | bytes/s | shards by bytes | shards by records | shards (with headroom) |', '|---|---:|---:|---:|---:|---:|');
  p(`| one event per record | ${int(m.unpacked.recordsPerSecond)} | ${mib(m.unpacked.bytesPerSecond)}/s | ${dec(m.unpacked.byBytes)} | ${dec(m.unpacked.byRecords)} | **${m.unpacked.shards}** |`);
  p(`| packed (contract/record-format.ts) | ${int(m.packed.recordsPerSecond)} | ${mib(m.packed.bytesPerSecond)}/s | ${dec(m.packed.byBytes)} | ${dec(m.packed.byRecords)} | **${m.packed.shards}** |`, '');
  p(`Packing leaves the bytes as they are and cuts the records: each collector task fills a record for DEFAULT_LINGER_MS = ${DEFAULT_LINGER_MS} ms,`,
    `up to MAX_PACKED_RECORD_BYTES = ${int(MAX_PACKED_RECORD_BYTES)}; at ${int(m.bytesPerSecond / m.collectorInstances)} bytes/s per task a record holds ${int(m.packed.recordBytes)} bytes.`,
    `Without packing the stream is bound by records (${m.unpacked.shards} shards); packed, by bytes (${m.packed.shards} shards).`, '');

  p('## Collector tasks', '');
  const meas = m.measurement;
  p(`Measured: \`npm run bench:collector -- --batch ${meas.batch_events} --record bench/results/collector.json\` on ${meas.measured_at.slice(0, 10)}: variant (${COLLECTOR_VARIANT === 'noop' ? 'b' : 'c'}) ${meas.variants[COLLECTOR_VARIANT] ? `"${(meas.variants[COLLECTOR_VARIANT] as unknown as { variant: string }).variant}"` : ''}`,
    `served **${int(m.measuredPerCore)} events/s** on one Node process (${meas.machine.cpu}, ${meas.machine.cores} cores, load average ${meas.machine.load_average_1m ?? 'unknown'} during the run: the machine was shared, so this is pessimistic),`,
    `at ${meas.batch_events} events a request, close to the SDK's ${dec(m.eventsPerSecond / m.requestsPerSecond, 2)} here. The no-op sink leaves out the PutRecords client's work; the collector with`,
    `kinesalite (c) is not used because kinesalite, on the same machine, was the bottleneck (${int(meas.variants.kinesis?.eventsPerSecond ?? 0)} events/s).`, '');
  p(`A task of ${COLLECTOR_TASK_CPU / 1024} vCPU run at the autoscaling target of ${COLLECTOR_CPU_TARGET_PERCENT} % CPU serves ${int(m.usablePerInstance)} events/s:`,
    `**${int(m.collectorInstances)} collector tasks** for ${int(m.eventsPerSecond)} events/s (set CollectorMaxTasks at least this high).`, '');

  p('## Spool for a 10-minute Kinesis outage', '');
  p(`${dec(OUTAGE_MS / 60_000, 0)} min × ${mib(m.bytesPerSecond)}/s = **${gib(m.spoolBytesTotal)}** in all, **${mib(m.spoolBytesPerInstance)} per collector task**`,
    `(the default spool bound DEFAULT_SPOOL_MAX_BYTES is ${mib(DEFAULT_SPOOL_MAX_BYTES)}: ${m.spoolBytesPerInstance <= DEFAULT_SPOOL_MAX_BYTES ? 'enough' : 'raise LIVELENS_SPOOL_MAX_BYTES and the task\'s ephemeral storage'}).`, '');

  p('## The lake and Athena, per show day', '');
  const { benchLake, benchLine } = pruningSentence();
  p(`Measured by landing ${int(m.sampleEvents)} sample events of this mix through the real lander (zstd, Parquet V2 encodings, rows by type and time):`,
    `**${dec(m.parquet.bytesPerEvent, 1)} Parquet bytes per event**, ${int(m.eventsPerShow)} events per show, **${gib(m.lakeBytesPerShow)} of Parquet per show day**.`, '');
  p('Athena reads only the columns a query names (the dedupe adds `event_id` and `received_at`; random ids barely compress, so',
    'they are most of the bytes) of the `dt` partitions a query bounds: every query bounds `dt` by the UTC dates of `$from_ms`',
    `and \`$to_ms\` (pipeline/engine/partition-bounds.ts), so a one-day report reads the show's day. Its dedupe also looks for earlier`,
    `copies on the neighbouring days, within ${dec(EVENT_COPY_MARGIN_MS / 60_000, 0)} minutes of midnight (${EVENT_COPY_COLUMNS.join(', ')} only; row-group`,
    'statistics skip the rest): nothing for a show away from midnight, at worst those columns of both neighbouring shows.',
    `Measured on DuckDB over a ${benchLake}, \`npm run bench:pruning\`: ${benchLine}.`,
    'Athena bills at least 10 MB a query.', '');
  p('| report | query | lake columns read | scanned per show day | cost per run | worst case (neighbouring shows at midnight) | cost per run | without dt bounds, after a month | cost per run |', '|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of m.reports) p(`| \`${r.report}\` | \`${r.query}\` | ${r.columns} | ${gib(r.bytesScannedPerDay)} | ${usd(r.usdPerRun)} | ${gib(r.bytesScannedWorstDay)} | ${usd(r.usdPerRunWorstDay)} | ${gib(r.bytesScannedAfterMonth)} | ${usd(r.usdPerRunAfterMonth)} |`);
  const largest = Math.max(...m.reports.map((r) => r.bytesScannedWorstDay));
  const month = Math.min(...m.reports.map((r) => r.bytesScannedAfterMonth));
  p('', 'Order lines are not counted (a few per click: far below the events).',
    `The stack's AthenaBytesScannedCutoff defaults to ${gib(DEFAULT_ATHENA_BYTES_SCANNED_CUTOFF)} a query (at most ${usd((DEFAULT_ATHENA_BYTES_SCANNED_CUTOFF / 1024 ** 4) * PRICES.athenaPerTb)} for a query it stops):`,
    `above the largest show day, worst case (${gib(largest)}${largest <= DEFAULT_ATHENA_BYTES_SCANNED_CUTOFF ? ', so every one-day report runs' : ': RAISE IT'}),`,
    `and far below a month's lake read whole (${gib(month)}), so a report over months or a query without bounds is stopped.`,
    'For a larger audience or reports over weeks, raise it in proportion.', '');
  p('## What this does not cover', '');
  p(`- **One ingest task** (deploy/): ${int(m.eventsPerSecond)} events/s into one DuckDB lander was not measured here; at this size land with`,
    '  Firehose (EnableFirehose=true, deploy/README.md), which scales by itself, or split the stream among several ingest deployments.',
    '- **Holding capacity only around the show** means resharding the stream (UpdateShardCount) and raising CollectorMinTasks before it:',
    '  autoscaling on CPU reacts in minutes, a show\'s opening join does not wait.',
    '- **The join burst**: a million `session_start`/`startup` in the first minutes of a show is far above the steady rate above.');
  p(`- **The live view** (one, in the dashboard task) tracks at most MAX_LIVE_VIEWERS = ${int(MAX_LIVE_VIEWERS)} viewers (live/limits.ts): with ${int(CONCURRENT_VIEWERS)}`,
    `  its \`concurrent_viewers\` counts only the ${int(Math.min(MAX_LIVE_VIEWERS, CONCURRENT_VIEWERS))} heard from last (the others evicted, counted in \`/metrics\` \`live.dropped\`), and its`,
    `  MAX_LIVE_EVENT_IDS = ${int(MAX_LIVE_EVENT_IDS)} remembered event ids cover ${dec(MAX_LIVE_EVENT_IDS / m.eventsPerSecond, 1)} s of this stream, so a copy delivered later counts twice in the live`,
    `  figures (never in reports). It reads all ${int(m.eventsPerSecond)} events/s in one Node process, which was not measured here: raise the caps`,
    '  (memory: live/limits.ts) and the dashboard task\'s size before such a show, or split the live view by shard.', '');

  p(`## Monthly cost at list prices (${PRICES.region}, prices as of ${PRICES.date})`, '');
  p(`${SHOWS_PER_MONTH} such shows a month; capacity (shards, collector tasks, ALB capacity) held for the show plus an hour either side (${dec(m.heldHours, 2)} h);`,
    'ingest, dashboard and the ALB itself always on. Check the prices on the AWS pricing pages before you budget.', '');
  p('| part | per month | how |', '|---|---:|---|');
  for (const c of m.costs) p(`| ${c.part} | ${usd(c.usd)} | ${c.how} |`);
  p(`| **total** | **${usd(m.total)}** | |`, '');
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = renderScaleDoc(await computeScaleModel());
  if (process.argv.includes('--write')) {
    writeFileSync(SCALE_DOC_PATH, text);
    console.log(`wrote ${SCALE_DOC_PATH}`);
  } else {
    process.stdout.write(text);
  }
}
