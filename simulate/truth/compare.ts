/**
 * Checks report rows against the simulator's ground truth and lists every
 * difference. Counts must be equal; revenue equal to the cent; percentiles
 * within PERCENTILE_TOLERANCE_MS; ratios within RATIO_TOLERANCE.
 *
 * @example
 * const diffs = compareConversion('creator', truth.conversion.creator, report.rows);
 * if (diffs.length) console.table(diffs);
 */
import type { ConversionDimension, ConversionTruthRow, ExperimentTruth, QoeDimension, QoeTruthRow } from './truth.ts';

/**
 * Percentiles (ms) may differ by this much. The simulator plants integer
 * startup and latency values and knows every heartbeat the SDK sends, and
 * DuckDB's percentile is the same linear interpolation, so they agree
 * exactly; the tolerance only absorbs floating-point rounding.
 */
export const PERCENTILE_TOLERANCE_MS = 0.001;
/** Relative tolerance for ratios computed in floating point (rebuffer %, rates). */
export const RATIO_TOLERANCE = 1e-9;

export interface Mismatch {
  report: string;
  /** The group, e.g. `northwind/cr-ava/USD`. */
  key: string;
  field: string;
  expected: unknown;
  actual: unknown;
}

type ReportRow = Record<string, unknown>;

const KEY_COLUMN: Record<ConversionDimension, string> = { creator: 'creator_id', show: 'show_id', offer: 'offer_id', region: 'region' };

function asNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'bigint' ? Number(v) : Number(v);
  return Number.isFinite(n) ? n : null;
}

function closeEnough(expected: number | null, actual: number | null, absolute: number, relative: number): boolean {
  if (expected === null || actual === null) return expected === actual;
  return Math.abs(expected - actual) <= Math.max(absolute, relative * Math.abs(expected));
}

/** Rows matched by key; rows on only one side are mismatches of field `row`. */
function pair<T extends object>(report: string, truth: readonly T[], rows: readonly ReportRow[], keyOf: (r: Record<string, unknown>) => string): { pairs: Array<[string, T, ReportRow]>; missing: Mismatch[] } {
  const got = new Map(rows.map((r) => [keyOf(r), r]));
  const pairs: Array<[string, T, ReportRow]> = [];
  const missing: Mismatch[] = [];
  const seen = new Set<string>();
  for (const t of truth) {
    const k = keyOf(t as Record<string, unknown>);
    seen.add(k);
    const r = got.get(k);
    if (r) pairs.push([k, t, r]);
    else missing.push({ report, key: k, field: 'row', expected: 'present', actual: 'missing' });
  }
  for (const k of got.keys()) if (!seen.has(k)) missing.push({ report, key: k, field: 'row', expected: 'absent', actual: 'present' });
  return { pairs, missing };
}

/** Conversion report rows versus truth: counts exact, revenue to the cent. */
export function compareConversion(dim: ConversionDimension, truth: readonly ConversionTruthRow[], rows: readonly ReportRow[]): Mismatch[] {
  const report = `conversion by ${dim}`;
  const keyOf = (r: Record<string, unknown>) => `${String(r.retailer_id)}/${String(r[KEY_COLUMN[dim]])}/${String(r.currency ?? '-')}`;
  const { pairs, missing } = pair(report, truth, rows, keyOf);
  const out = [...missing];
  for (const [key, t, r] of pairs) {
    for (const field of ['viewers', 'clickers', 'buyers', 'orders', 'units'] as const) {
      if (asNumber(r[field]) !== t[field]) out.push({ report, key, field, expected: t[field], actual: r[field] });
    }
    const revenue = asNumber(r.revenue);
    if (revenue === null || Math.round(revenue * 100) !== Math.round(t.revenue * 100)) out.push({ report, key, field: 'revenue', expected: t.revenue, actual: r.revenue });
  }
  return out;
}

const QOE_KEY_COLUMN: Record<QoeDimension, string> = { region: 'region', show: 'show_id', device: 'device' };

/** QoE rows versus truth: sessions exact, percentiles and ratios within tolerance. */
export function compareQoe(dim: QoeDimension, truth: readonly QoeTruthRow[], rows: readonly ReportRow[]): Mismatch[] {
  const report = `qoe by ${dim}`;
  const { pairs, missing } = pair(report, truth, rows, (r) => `${String(r.retailer_id)}/${String(r[QOE_KEY_COLUMN[dim]])}`);
  const out = [...missing];
  for (const [key, t, r] of pairs) {
    if (asNumber(r.sessions) !== t.sessions) out.push({ report, key, field: 'sessions', expected: t.sessions, actual: r.sessions });
    for (const field of ['startup_p50_ms', 'startup_p95_ms', 'latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms'] as const) {
      if (!closeEnough(t[field] as number | null, asNumber(r[field]), PERCENTILE_TOLERANCE_MS, 0)) out.push({ report, key, field, expected: t[field], actual: r[field] });
    }
    for (const field of ['rebuffer_pct', 'rebuffers_per_minute', 'playback_failure_pct', 'ebvs_pct'] as const) {
      if (!closeEnough(t[field] as number, asNumber(r[field]) ?? 0, 1e-12, RATIO_TOLERANCE)) out.push({ report, key, field, expected: t[field], actual: r[field] });
    }
  }
  return out;
}

/** What the experiment comparison needs of an experiment report (pipeline/reports/experiment.ts). */
export interface ExperimentReportLike {
  experiment_id: string;
  assignments: ReadonlyArray<{ variant: string; viewers: number; shows?: number | null }>;
  excluded_viewers: number | null;
  excluded_shows?: number;
  srm_flagged: boolean;
  rows: ReadonlyArray<{ metric: string; currency: string | null; variant: string; viewers: number; mean: number; control_mean: number }>;
}

/**
 * Assignment counts and each arm's totals as planted: converters and clicks
 * exactly, revenue per currency to the cent, watch time within
 * RATIO_TOLERANCE (the statistics themselves are checked by the caller).
 */
export function compareExperiment(truth: ExperimentTruth, report: ExperimentReportLike): Mismatch[] {
  const name = `experiment ${truth.experiment_id}`;
  const out: Mismatch[] = [];
  for (const v of truth.variants) {
    const a = report.assignments.find((x) => x.variant === v.variant);
    if (a?.viewers !== v.viewers) out.push({ report: name, key: v.variant, field: 'viewers', expected: v.viewers, actual: a?.viewers });
  }
  if (truth.unit === 'show') {
    // Show-level: viewers are summed over shows; the shows per arm and no excluded show.
    for (const v of truth.variants) {
      const a = report.assignments.find((x) => x.variant === v.variant);
      if (a?.shows !== v.shows) out.push({ report: name, key: v.variant, field: 'shows', expected: v.shows, actual: a?.shows });
    }
    if (report.excluded_shows !== 0) out.push({ report: name, key: '-', field: 'excluded_shows', expected: 0, actual: report.excluded_shows });
  } else if (report.excluded_viewers !== 0) {
    out.push({ report: name, key: '-', field: 'excluded_viewers', expected: 0, actual: report.excluded_viewers });
  }
  const control = truth.variants[0]!;
  type Arm = ExperimentTruth['variants'][number];
  const expectedTotal = (arm: Arm, metric: string, currency: string | null): number | undefined => {
    if (metric === 'converted') return arm.converters;
    if (metric === 'clicks') return arm.clicks;
    if (metric === 'watch_minutes') return arm.watch_ms / 60_000;
    if (metric === 'revenue') return currency === null ? 0 : (arm.revenue_by_currency[currency] ?? 0);
    return undefined;
  };
  const check = (arm: Arm, metric: string, currency: string | null, total: number) => {
    const expected = expectedTotal(arm, metric, currency);
    if (expected === undefined) return;
    const ok = metric === 'watch_minutes' ? closeEnough(expected, total, 1e-9, RATIO_TOLERANCE) : Math.round(total * 100) === Math.round(expected * 100);
    if (!ok) out.push({ report: name, key: `${arm.variant}${currency ? `/${currency}` : ''}`, field: metric === 'converted' ? 'converters' : metric, expected, actual: total });
  };
  for (const row of report.rows) {
    const arm = truth.variants.find((v) => v.variant === row.variant);
    if (arm) check(arm, row.metric, row.currency, row.mean * row.viewers);
    check(control, row.metric, row.currency, row.control_mean * control.viewers);
  }
  return out;
}
