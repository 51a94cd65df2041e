/**
 * The demo's printed summary: who sold, how the video reached each region,
 * what the experiments found, and whether every report equals the planted
 * truth.
 *
 * @example
 * process.stdout.write(formatTable([{ a: 1 }], [['A', (r) => String(r.a)]])); // "A\n-\n1\n"
 */
import type { Row } from '../../../pipeline/engine/engine.ts';
import { SHOW_FORMAT_EXPERIMENT } from '../../../simulate/world/catalog.ts';
import type { SimulatedDay } from '../../../simulate/simulated-day.ts';

export type Column<T> = [header: string, cell: (row: T) => string];

/** Left-aligned text columns, padded to the widest cell, with a rule under the header. */
export function formatTable<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>): string {
  const cells = rows.map((r) => columns.map(([, cell]) => cell(r)));
  const widths = columns.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (parts: string[]) => parts.map((p, i) => p.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns.map(([h]) => h)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));
const pct = (v: unknown, digits = 1): string => (v === null || v === undefined ? '-' : `${(100 * num(v)).toFixed(digits)}%`);
const ms = (v: unknown): string => (v === null || v === undefined ? '-' : `${Math.round(num(v))} ms`);
const money = (v: unknown): string => num(v).toFixed(2);

export function formatDemoSummary(day: SimulatedDay): string {
  const out: string[] = [];
  const sim = day.simulation;
  out.push(`\nSimulated ${sim.world.shows.length} shows, ${sim.world.viewers.length} viewers, ${sim.sessions.length} sessions: ${sim.events.accepted} events accepted (${sim.lostAcks} answers lost on the way back, so those batches came twice), ${day.imports.reduce((t, i) => t + i.loaded, 0)} order lines imported (${day.imports.reduce((t, i) => t + i.skipped, 0)} bad rows reported and skipped).\n`);
  out.push('\nConversion by creator\n');
  out.push(
    formatTable<Row>(day.conversion.creator, [
      ['retailer', (r) => String(r.retailer_id)],
      ['creator', (r) => String(r.creator_id)],
      ['currency', (r) => String(r.currency ?? '-')],
      ['viewers', (r) => String(r.viewers)],
      ['buyers', (r) => String(r.buyers)],
      ['orders', (r) => String(r.orders)],
      ['conversion', (r) => pct(r.conversion_rate)],
      ['revenue', (r) => money(r.revenue)],
    ]),
  );
  out.push('\nQuality of experience by region\n');
  out.push(
    formatTable<Row>(day.qoeByRegion, [
      ['retailer', (r) => String(r.retailer_id)],
      ['region', (r) => String(r.region)],
      ['sessions', (r) => String(r.sessions)],
      ['startup p50', (r) => ms(r.startup_p50_ms)],
      ['startup p95', (r) => ms(r.startup_p95_ms)],
      ['rebuffer', (r) => (r.rebuffer_pct === null ? '-' : `${num(r.rebuffer_pct).toFixed(2)}%`)],
      ['latency p50', (r) => ms(r.latency_p50_ms)],
      ['latency p95', (r) => ms(r.latency_p95_ms)],
      ['failures', (r) => (r.playback_failure_pct === null ? '-' : `${num(r.playback_failure_pct).toFixed(1)}%`)],
      ['exits before start', (r) => (r.ebvs_pct === null || r.ebvs_pct === undefined ? '-' : `${num(r.ebvs_pct).toFixed(1)}%`)],
    ]),
  );
  out.push('\nExperiments (metric: converted)\n');
  const expRows = Object.values(day.experiments).flatMap((e) =>
    e.rows.filter((r) => r.metric === 'converted').map((r) => ({ e, r, truth: sim.truth.experiments[e.experiment_id]! })),
  );
  out.push(
    formatTable(expRows, [
      ['experiment', ({ e }) => e.experiment_id],
      ['control', ({ e, r }) => `${e.control} ${pct(r.control_mean)}`],
      ['variant', ({ r }) => `${r.variant} ${pct(r.mean)}`],
      ['relative lift [95% CI]', ({ r }) => `${pct(r.relative_lift)} [${pct(r.relative_ci_low)}, ${pct(r.relative_ci_high)}]`],
      ['p-value', ({ r }) => (r.p_value === null ? '-' : r.p_value.toFixed(4))],
      ['SRM', ({ e }) => (e.srm_flagged ? `FLAGGED p=${e.srm_p_value.toExponential(2)}` : `ok p=${e.srm_p_value.toFixed(3)}`)],
      ['true lift', ({ truth }) => pct(truth.true_relative_lift)],
    ]),
  );
  out.push(
    `true lift: the change in conversion the planted effect (+${Math.round(100 * SHOW_FORMAT_EXPERIMENT.buyRateLift)}% on each click's chance to become an order with the countdown) ` +
      'makes for these viewers: all of them in one arm versus all in the other, from the same draws.\n',
  );
  const groups =
    (['creator', 'show', 'offer', 'region'] as const).reduce((t, by) => t + sim.truth.conversion[by].length, 0) +
    (['region', 'show', 'device'] as const).reduce((t, by) => t + sim.truth.qoe[by].length, 0);
  out.push(
    day.mismatches.length === 0
      ? `\nGround truth check: all ${groups} report groups and both experiments' counts equal what the simulator planted (${sim.truthFile}).\n`
      : `\nGround truth check: ${day.mismatches.length} difference(s) between reports and the planted truth:\n${formatTable(day.mismatches.slice(0, 20), [
          ['report', (m) => m.report],
          ['group', (m) => m.key],
          ['field', (m) => m.field],
          ['expected', (m) => String(m.expected)],
          ['actual', (m) => String(m.actual)],
        ])}`,
  );
  return out.join('');
}
