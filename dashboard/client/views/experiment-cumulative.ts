/**
 * The Experiments view's cumulative lift by day of first exposure (what
 * GrowthBook's results page draws): one chart per metric (and currency),
 * each treatment's relative lift over the viewers first exposed up to each
 * day, its interval as a band, CUPED as a dashed line, zero marked; from
 * /api/v1/experiments/<id>/cumulative (report experiment-cumulative). Per
 * hour when the exposures span under three days.
 */
import { getJson, type ApiBody } from '../api.ts';
import { timeChart, type TimeSeries } from '../chart.ts';
import { el, empty, fmt, type Row } from '../ui.ts';

const DAY_MS = 86_400_000;
/** Exposures spanning less than this are drawn per hour (a one-day test would be one point per day). */
const MIN_DAILY_SPAN_MS = 3 * DAY_MS;
const LIFT_COLORS = ['#4f46e5', '#0d9488', '#db2777', '#d97706'];
const BAND_COLORS = ['rgba(79, 70, 229, 0.16)', 'rgba(13, 148, 136, 0.16)', 'rgba(219, 39, 119, 0.16)', 'rgba(217, 119, 6, 0.16)'];
const METRIC_NAMES: Record<string, string> = { converted: 'Conversion', revenue: 'Revenue per viewer', watch_minutes: 'Watch minutes', clicks: 'Clicks per viewer' };

/** The points per day, or per hour when the days are too few to draw a line. */
export async function cumulativePoints(id: string, extra: Record<string, string>, omit: readonly string[]): Promise<{ per: 'day' | 'hour'; body: ApiBody }> {
  const path = `/api/v1/experiments/${encodeURIComponent(id)}/cumulative`;
  const daily = await getJson(path, { ...extra, by: 'day' }, omit);
  const days = daily.rows.map((r) => Number(r.period_start));
  if (days.length > 0 && Math.max(...days) - Math.min(...days) < MIN_DAILY_SPAN_MS) return { per: 'hour', body: await getJson(path, { ...extra, by: 'hour' }, omit) };
  return { per: 'day', body: daily };
}

const signedPct = (v: number) => (v === 0 ? '0%' : `${v > 0 ? '+' : ''}${fmt.pct(v, Math.abs(v) < 0.1 ? 1 : 0)}`);

/** One chart per metric (and currency), one lift line and band per treatment variant. */
export function cumulativeCharts(rows: readonly Row[], per: 'day' | 'hour', intervalName: string): HTMLElement {
  if (rows.length === 0) return empty('No cumulative lift for this experiment in this selection.');
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = `${String(r.metric)}\u0000${r.currency ? String(r.currency) : ''}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const charts = [...groups.values()].map((group) => {
    const first = group[0]!;
    const x = [...new Set(group.map((r) => Number(r.period_start)))].sort((a, b) => a - b);
    const variants = [...new Set(group.map((r) => String(r.variant)))];
    const series: TimeSeries[] = [];
    const bands: Array<{ upper: number; lower: number; color: string }> = [];
    variants.forEach((variant, i) => {
      const at = (t: number, field: string) => {
        const v = group.find((r) => Number(r.period_start) === t && String(r.variant) === variant)?.[field];
        return typeof v === 'number' ? v : null;
      };
      const color = LIFT_COLORS[i % LIFT_COLORS.length]!;
      const name = variants.length > 1 ? `${variant} lift` : 'lift';
      const base = series.length;
      series.push(
        { label: name, values: x.map((t) => at(t, 'relative_lift')), color },
        { label: `${name} high`, values: x.map((t) => at(t, 'relative_ci_high')), color, width: 1, dash: [2, 3], bound: true },
        { label: `${name} low`, values: x.map((t) => at(t, 'relative_ci_low')), color, width: 1, dash: [2, 3], bound: true },
      );
      bands.push({ upper: base + 1, lower: base + 2, color: BAND_COLORS[i % BAND_COLORS.length]! });
      const cuped = x.map((t) => at(t, 'cuped_relative_lift'));
      if (cuped.some((v) => v !== null)) series.push({ label: `${name}, CUPED`, values: cuped, color, width: 1.5, dash: [6, 4] });
    });
    series.push({ label: 'no difference', values: x.map(() => 0), color: '#94a3b8', width: 1, plain: true });
    const metric = `${METRIC_NAMES[String(first.metric)] ?? String(first.metric)}${first.currency ? ` (${String(first.currency)})` : ''}`;
    if (group.every((r) => r.relative_lift === null || r.relative_lift === undefined)) {
      return el('div', { class: 'cumulative chart-empty', 'data-metric': String(first.metric), 'data-currency': first.currency ? String(first.currency) : '' },
        empty(`${metric}: no relative lift to draw yet (the control's mean is 0, or a variant has too few viewers).`));
    }
    return el('div', { class: 'cumulative', 'data-metric': String(first.metric), 'data-currency': first.currency ? String(first.currency) : '' },
      timeChart({ title: `${metric}: relative lift`, per, step: per === 'day' ? DAY_MS : DAY_MS / 24, x, height: 220, yLabel: 'lift vs control', series, bands, bandLabel: intervalName, format: signedPct }));
  });
  return el('div', {}, el('div', { class: 'chart-grid' }, ...charts));
}
