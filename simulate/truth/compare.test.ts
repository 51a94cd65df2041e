import { describe, expect, it } from 'vitest';
import { compareConversion, compareExperiment, compareQoe, PERCENTILE_TOLERANCE_MS } from './compare.ts';
import type { ConversionTruthRow, ExperimentTruth, QoeTruthRow } from './truth.ts';

const truthRow: ConversionTruthRow = { retailer_id: 'r1', creator_id: 'c1', currency: 'USD', viewers: 10, clickers: 4, buyers: 2, orders: 3, units: 5, revenue: 59.97, conversion_rate: 0.2 };
const reportRow = { retailer_id: 'r1', creator_id: 'c1', currency: 'USD', viewers: 10, clickers: 4, buyers: 2, orders: 3, units: 5, revenue: 59.970000000000006, conversion_rate: 0.2 };

describe('compareConversion', () => {
  it('accepts equal counts and revenue equal to the cent', () => {
    expect(compareConversion('creator', [truthRow], [reportRow])).toEqual([]);
  });

  it('names every difference: a count, a cent of revenue, a missing and an extra row', () => {
    const diffs = compareConversion('creator', [truthRow, { ...truthRow, creator_id: 'c2' }], [
      { ...reportRow, buyers: 3, revenue: 59.96 },
      { ...reportRow, creator_id: 'c9' },
    ]);
    expect(diffs.map((d) => `${d.key} ${d.field}`)).toEqual(['r1/c2/USD row', 'r1/c9/USD row', 'r1/c1/USD buyers', 'r1/c1/USD revenue']);
  });
});

describe('compareQoe', () => {
  const t: QoeTruthRow = {
    retailer_id: 'r1', region: 'DE', sessions: 3, startup_p50_ms: 1000, startup_p95_ms: 1900, rebuffer_pct: 1.5, rebuffers_per_minute: 0.2,
    latency_p50_ms: 3000, latency_p95_ms: 4000, latency_p99_ms: 4100, playback_failure_pct: 33.33333333333333, ebvs_pct: 0, watch_ms: 1, buffer_ms: 1, rebuffers: 1,
  };
  it('holds percentiles to PERCENTILE_TOLERANCE_MS and sessions exactly', () => {
    expect(compareQoe('region', [t], [{ ...t, startup_p50_ms: 1000 + PERCENTILE_TOLERANCE_MS / 2 }])).toEqual([]);
    const diffs = compareQoe('region', [t], [{ ...t, startup_p50_ms: 1001, sessions: 4 }]);
    expect(diffs.map((d) => d.field)).toEqual(['sessions', 'startup_p50_ms']);
    expect(compareQoe('region', [t], [{ ...t, ebvs_pct: 2 }]).map((d) => d.field)).toEqual(['ebvs_pct']);
  });
});

describe('compareExperiment', () => {
  const truth: ExperimentTruth = {
    experiment_id: 'e', weights: [0.5, 0.5], planted_buy_rate_lift: 0, true_relative_lift: 0,
    variants: [
      { variant: 'a', viewers: 10, converters: 2, conversion_rate: 0.2, clicks: 4, watch_ms: 600_000, revenue_by_currency: { USD: 30 } },
      { variant: 'b', viewers: 20, converters: 5, conversion_rate: 0.25, clicks: 9, watch_ms: 900_000, revenue_by_currency: { USD: 50.5 } },
    ],
  };
  it('checks assignments, exclusions and converters per arm', () => {
    const report = {
      experiment_id: 'e', excluded_viewers: 0, srm_flagged: false,
      assignments: [{ variant: 'a', viewers: 10 }, { variant: 'b', viewers: 20 }],
      rows: [
        { metric: 'converted', currency: null, variant: 'b', viewers: 20, mean: 0.25, control_mean: 0.2 },
        { metric: 'clicks', currency: null, variant: 'b', viewers: 20, mean: 0.45, control_mean: 0.4 },
        { metric: 'watch_minutes', currency: null, variant: 'b', viewers: 20, mean: 0.75, control_mean: 1 },
        { metric: 'revenue', currency: 'USD', variant: 'b', viewers: 20, mean: 2.525, control_mean: 3 },
      ],
    };
    expect(compareExperiment(truth, report)).toEqual([]);
    const off = compareExperiment(truth, { ...report, excluded_viewers: 1, rows: [{ ...report.rows[0]!, mean: 0.3 }, { ...report.rows[3]!, control_mean: 3.01 }] });
    expect(off.map((d) => `${d.key} ${d.field}`)).toEqual(['- excluded_viewers', 'b converters', 'a/USD revenue']);
  });
});
