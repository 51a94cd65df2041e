/** Quality: QoE by region, show and device (SPEC 4), and "does quality cost sales?" (SPEC 4b). */
import { csvUrl, firstThenRest, type ApiRequest } from '../api.ts';
import { el, failed, fmt, intervalBar, section, smallSample, table, type Column } from '../ui.ts';
import type { View } from './view.ts';

const QOE_COLUMNS: Column[] = [
  { key: 'sessions', label: 'Sessions', kind: 'int' },
  { key: 'viewers', label: 'Viewers', kind: 'int' },
  { key: 'startup_p50_ms', label: 'Startup p50', kind: 'ms' },
  { key: 'startup_p95_ms', label: 'Startup p95', kind: 'ms' },
  { key: 'rebuffer_pct', label: 'Rebuffer', kind: 'pct100' },
  { key: 'rebuffers_per_minute', label: 'Rebuffers / min', kind: 'num' },
  { key: 'latency_p50_ms', label: 'Latency p50', kind: 'ms' },
  { key: 'latency_p95_ms', label: 'Latency p95', kind: 'ms' },
  { key: 'latency_p99_ms', label: 'Latency p99', kind: 'ms' },
  { key: 'playback_failure_pct', label: 'Failures', kind: 'pct100' },
  { key: 'ebvs_pct', label: 'Exits before start', kind: 'pct100' },
];

const GROUPS = [
  { by: 'region', title: 'Quality by region', key: 'region', label: 'Region' },
  { by: 'show', title: 'Quality by show', key: 'show_id', label: 'Show' },
  { by: 'device', title: 'Quality by device', key: 'device', label: 'Device' },
] as const;

const IMPACT = [
  { by: 'rebuffer', title: 'Conversion by rebuffering' },
  { by: 'latency', title: 'Conversion by live latency' },
  { by: 'startup', title: 'Conversion by startup time' },
] as const;

export const quality: View = {
  id: 'quality',
  title: 'Quality',
  summary: 'Startup, rebuffering, latency, failures and exits before video start by region, show and device; and whether poor quality costs sales.',
  firstRequests: () => [
    ...GROUPS.map((g): ApiRequest => ({ path: '/api/v1/reports/qoe', params: { by: g.by } })),
    ...IMPACT.map((g): ApiRequest => ({ path: '/api/v1/reports/qoe-impact', params: { by: g.by } })),
  ],
  async render(root) {
    // The first table's request first, then the other five at once (the server runs them in parallel);
    // each table is drawn as soon as it and the ones above it have answered.
    const answers = firstThenRest(quality.firstRequests!({}));
    const qoeAnswers = answers.slice(0, GROUPS.length);
    const impactAnswers = answers.slice(GROUPS.length);
    for (const [i, pending] of qoeAnswers.entries()) {
      const answer = await pending;
      const g = GROUPS[i]!;
      root.append(answer.status === 'fulfilled'
        ? section(g.title, table(answer.value.rows, [{ key: 'retailer_id', label: 'Retailer' }, { key: g.key, label: g.label }, ...QOE_COLUMNS], `${g.by} rows`), csvUrl('/api/v1/reports/qoe', { by: g.by }))
        : section(g.title, failed(String(answer.reason))));
    }
    root.append(el('h2', { class: 'part' }, 'Does quality cost sales?'));
    const impact = await Promise.all(impactAnswers);
    impact.forEach((answer, i) => {
      const g = IMPACT[i]!;
      if (answer.status === 'rejected') {
        root.append(section(g.title, failed(String(answer.reason))));
        return;
      }
      const rows = answer.value.rows;
      const max = Math.max(0.01, ...rows.map((r) => Number(r.conversion_rate_ci_high ?? 0)));
      root.append(section(g.title, table(rows, [
        { key: 'retailer_id', label: 'Retailer' },
        { key: 'region', label: 'Region' },
        { key: 'bucket', label: 'Bucket' },
        { key: 'currency', label: 'Currency' },
        { key: 'viewers', label: 'Viewer-shows', kind: 'int' },
        { key: 'buyers', label: 'Buyers', kind: 'int' },
        { key: 'conversion_rate', label: 'Conversion (95% interval)', render: (r) => intervalBar(r.conversion_rate, r.conversion_rate_ci_low, r.conversion_rate_ci_high, max, smallSample(r)) },
        { key: 'revenue_per_viewer', label: 'Revenue / viewer', kind: 'money' },
        { key: 'revenue_at_risk', label: 'Revenue at risk', render: (r) => fmt.money(r.revenue_at_risk, r.currency) },
      ], `${g.by} buckets`), csvUrl('/api/v1/reports/qoe-impact', { by: g.by }), String(answer.value.revenue_at_risk_formula ?? '')));
    });
  },
};
