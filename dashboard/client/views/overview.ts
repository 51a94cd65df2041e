/**
 * Overview: per retailer, the totals of the selected range over every
 * region (revenue per currency, viewers, clickers, buyers, conversion with
 * its 95% Wilson interval), the same per hour or day as charts (the report
 * `conversion-over-time`), then sales and quality per region.
 */
import { csvUrl, getJson, pageFilters, settle, type ApiBody, type ApiRequest } from '../api.ts';
import { timeChart, type TimeSeries } from '../chart.ts';
import { el, empty, failed, fmt, intervalBar, section, smallSample, table, type Row } from '../ui.ts';
import type { View } from './view.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Ranges up to this long are charted per hour (72 points), longer ones per day. */
export const MAX_HOURLY_SPAN_MS = 3 * DAY_MS;
/** Gaps (periods without events) are filled with zeros up to this many points; beyond, only the periods with data are drawn. */
const MAX_FILLED_POINTS = 400;
const OVER_TIME = '/api/v1/reports/conversion-over-time';
/** Line colours per currency (viewers are always blue). */
const CURRENCY_COLORS = ['#7c3aed', '#d97706', '#0d9488', '#db2777'];
const BAND_COLORS = ['rgba(124, 58, 237, 0.15)', 'rgba(217, 119, 6, 0.15)', 'rgba(13, 148, 136, 0.15)', 'rgba(219, 39, 119, 0.15)'];

/** A `from`/`to` filter as epoch ms, as the API reads it (ISO 8601, UTC when no zone is given, or epoch ms). */
export function boundMs(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const zoned = text.length <= 10 || /([zZ]|[+-]\d\d:?\d\d)$/.test(text);
  return Date.parse(zoned ? text : `${text}Z`);
}

/** The period of the series when the range is known (per hour when short, else per day); undefined without a range. */
function knownPeriod(filters: Readonly<Record<string, string>>): 'hour' | 'day' | undefined {
  const { from, to } = filters;
  if (from === undefined || to === undefined || from === '' || to === '') return undefined;
  return boundMs(to) - boundMs(from) <= MAX_HOURLY_SPAN_MS ? 'hour' : 'day';
}

/** The series' requests: the known period's, or without a range both (daily first, then hourly). */
function seriesRequests(filters: Readonly<Record<string, string>>): ApiRequest[] {
  const per = knownPeriod(filters);
  return (per === undefined ? ['day', 'hour'] : [per]).map((by) => ({ path: OVER_TIME, params: { by } }));
}

/** Per hour when the range is known and short, else per day; without a range, per hour when the data spans little. */
async function overTime(): Promise<{ per: 'hour' | 'day'; body: ApiBody }> {
  const filters = pageFilters();
  const per = knownPeriod(filters);
  if (per !== undefined) return { per, body: await getJson(OVER_TIME, { by: per }) };
  // Both asked at once (the server runs them in parallel): the hourly answer is used when the data spans little.
  const [dayRequest, hourRequest] = seriesRequests(filters);
  const hourly = settle(getJson(hourRequest!.path, hourRequest!.params));
  const daily = await getJson(dayRequest!.path, dayRequest!.params);
  const days = daily.rows.map((r) => Number(r.period_start));
  if (days.length > 0 && Math.max(...days) - Math.min(...days) < MAX_HOURLY_SPAN_MS) {
    const answer = await hourly;
    if (answer.status === 'rejected') throw answer.reason;
    return { per: 'hour', body: answer.value };
  }
  return { per: 'day', body: daily };
}

const byRetailer = (rows: readonly Row[]) => {
  const out = new Map<string, Row[]>();
  for (const r of rows) out.set(String(r.retailer_id), [...(out.get(String(r.retailer_id)) ?? []), r]);
  return out;
};

function currenciesOf(rows: readonly Row[]): string[] {
  return [...new Set(rows.map((r) => r.currency).filter((c): c is string => typeof c === 'string'))].sort();
}

function kpi(label: string, value: string, sub?: Node | string): HTMLElement {
  return el('div', { class: 'kpi', 'data-kpi': label.toLowerCase() }, el('div', { class: 'kpi-label' }, label), el('div', { class: 'kpi-value' }, value), sub ? el('div', { class: 'kpi-sub' }, sub) : null);
}

const plural = (n: unknown, one: string, many: string) => `${fmt.int(n as number)} ${Number(n) === 1 ? one : many}`;

/** One retailer's totals: the audience once, then per currency revenue, buyers and conversion with its interval. */
function totalsCards(retailer: string, rows: readonly Row[]): HTMLElement {
  const first = rows[0]!;
  const sales = rows.filter((r) => r.currency !== null && r.currency !== undefined);
  const max = Math.max(0.01, ...rows.map((r) => Number(r.conversion_rate_ci_high ?? 0)));
  const perCurrency = (sales.length ? sales : [first]).map((r) => el('div', { class: 'kpi wide', 'data-currency': r.currency ? String(r.currency) : '' },
    el('div', { class: 'kpi-label' }, r.currency ? `Sales in ${String(r.currency)}` : 'Sales'),
    el('div', { class: 'kpi-row' },
      el('span', { class: 'kpi-value' }, r.currency ? fmt.money(r.revenue, r.currency) : 'no attributed sales'),
      el('span', { class: 'kpi-sub' }, `${plural(r.buyers, 'buyer', 'buyers')} · ${plural(r.orders, 'order', 'orders')} · ${plural(r.units, 'unit', 'units')}${r.currency ? ` · ${fmt.money(r.revenue_per_viewer, r.currency)} per viewer` : ''}`)),
    el('div', { class: 'kpi-sub' }, 'Conversion ', intervalBar(r.conversion_rate, r.conversion_rate_ci_low, r.conversion_rate_ci_high, max, smallSample(r), (v) => fmt.pct(v, 1)))));
  return el('div', { class: 'retailer-totals', 'data-retailer': retailer },
    el('h3', {}, `Retailer ${retailer}`),
    el('div', { class: 'kpis' },
      kpi('Viewers', fmt.int(first.viewers), `${fmt.num(first.watch_minutes, 0)} watch minutes`),
      kpi('Clickers', fmt.int(first.clickers), `${fmt.pct(Number(first.clickers) / Number(first.viewers || 1))} of viewers clicked`),
      ...perCurrency));
}

/** The periods to draw: every period of the chosen range (or from the first to the last with data) when that is few enough, else those with data. */
function periodsOf(rows: readonly Row[], step: number): number[] {
  const seen = [...new Set(rows.map((r) => Number(r.period_start)))].sort((a, b) => a - b);
  if (seen.length === 0) return [];
  const { from, to } = pageFilters();
  const floor = (t: number) => t - (t % step);
  const first = Math.min(seen[0]!, from !== undefined ? floor(boundMs(from)) : Infinity);
  const last = Math.max(seen[seen.length - 1]!, to !== undefined ? floor(boundMs(to) - 1) : -Infinity);
  const count = (last - first) / step + 1;
  if (!Number.isFinite(count) || count > MAX_FILLED_POINTS) return seen;
  return Array.from({ length: count }, (_, i) => first + i * step);
}

/** One retailer's charts: viewers and buyers, conversion with its interval, revenue; per currency where it applies. */
function retailerCharts(retailer: string, rows: readonly Row[], per: 'hour' | 'day'): HTMLElement {
  const step = per === 'hour' ? HOUR_MS : DAY_MS;
  const x = periodsOf(rows, step);
  const currencies = currenciesOf(rows);
  const at = (t: number) => rows.filter((r) => Number(r.period_start) === t);
  const viewers = x.map((t) => (at(t)[0] ? Number(at(t)[0]!.viewers) : 0));
  // A period with no line in a currency falls back to its row without sales (0 buyers over the same viewers).
  const rowFor = (t: number, cur: string | null) => {
    const here = at(t);
    return cur === null ? here[0] : here.find((r) => r.currency === cur) ?? here.find((r) => r.currency === null || r.currency === undefined);
  };
  const ofCurrency = (cur: string | null, field: string, missing: number | null) => x.map((t) => {
    const v = rowFor(t, cur)?.[field];
    return typeof v === 'number' ? v : missing;
  });
  const label = (name: string, cur: string | null) => (cur !== null && currencies.length > 1 ? `${name} (${cur})` : name);
  const curList: Array<string | null> = currencies.length ? currencies : [null];
  const buyers: TimeSeries[] = curList.map((cur, i) => ({ label: label('buyers', cur), values: ofCurrency(cur, 'buyers', 0), color: CURRENCY_COLORS[i % CURRENCY_COLORS.length]!, right: true }));
  const conversion: TimeSeries[] = [];
  const bands: Array<{ upper: number; lower: number; color: string }> = [];
  curList.forEach((cur, i) => {
    const color = CURRENCY_COLORS[i % CURRENCY_COLORS.length]!;
    // A period without viewers has no rate: a gap, not a zero.
    const onlyWithViewers = (values: Array<number | null>) => values.map((v, j) => (viewers[j] ? v : null));
    const rate = onlyWithViewers(ofCurrency(cur, 'conversion_rate', 0));
    const low = onlyWithViewers(ofCurrency(cur, 'conversion_rate_ci_low', null));
    const high = onlyWithViewers(ofCurrency(cur, 'conversion_rate_ci_high', null));
    const base = conversion.length;
    conversion.push(
      { label: label('conversion', cur), values: rate, color },
      { label: label('95% high', cur), values: high, color, width: 1, dash: [2, 3], bound: true },
      { label: label('95% low', cur), values: low, color, width: 1, dash: [2, 3], bound: true },
    );
    bands.push({ upper: base + 1, lower: base + 2, color: BAND_COLORS[i % BAND_COLORS.length]! });
  });
  const revenue: TimeSeries[] = currencies.map((cur, i) => ({ label: `revenue (${cur})`, values: ofCurrency(cur, 'revenue', 0), color: CURRENCY_COLORS[i % CURRENCY_COLORS.length]! }));
  const unit = per === 'hour' ? 'per hour' : 'per day';
  const money = (cur: string | undefined) => (v: number) => `${v.toLocaleString('en-US', { maximumFractionDigits: 2 })}${cur ? ` ${cur}` : ''}`;
  return el('div', { class: 'retailer-charts', 'data-retailer': retailer },
    el('h3', {}, `Retailer ${retailer}, ${unit} (UTC)`),
    el('div', { class: 'chart-grid' },
      timeChart({ title: `Viewers and buyers ${unit}`, per, step, x, height: 220, yLabel: 'viewers', rightLabel: 'buyers', integer: true, rightInteger: true, series: [{ label: 'viewers', values: viewers, color: '#2563eb' }, ...buyers], format: (v) => fmt.int(v) }),
      timeChart({ title: `Conversion ${unit}`, per, step, x, height: 220, yLabel: 'buyers / viewers', series: conversion, bands, bandLabel: '95% interval', format: (v) => fmt.pct(v, v > 0 && v < 0.1 ? 1 : 0) }),
      revenue.length
        ? timeChart({ title: `Attributed revenue ${unit}`, per, step, x, height: 220, yLabel: currencies.length === 1 ? `revenue (${currencies[0]})` : 'revenue', series: revenue, format: money(currencies.length === 1 ? currencies[0] : undefined) })
        : el('div', { class: 'chart-empty' }, empty('No attributed sales in this range, so no revenue to chart.'))));
}

export const overview: View = {
  id: 'overview',
  title: 'Overview',
  summary: 'Revenue, viewers, clickers, buyers and conversion of the selected range, over time, and per region with how well the video reached viewers.',
  firstRequests: (filters) => [
    { path: OVER_TIME, params: { by: 'total' } },
    ...seriesRequests(filters),
    { path: '/api/v1/reports/conversion', params: { by: 'region' } },
    { path: '/api/v1/reports/qoe', params: { by: 'region' } },
  ],
  async render(root) {
    // The totals first, then the rest at once (as the server's prefetch asks them); each section is
    // drawn as soon as it and the ones above it have answered.
    const totalsAnswer = settle(getJson(OVER_TIME, { by: 'total' }));
    const [seriesAnswer, conversionAnswer, qoeAnswer] = [
      totalsAnswer.then(() => settle(overTime())),
      totalsAnswer.then(() => settle(getJson('/api/v1/reports/conversion', { by: 'region' }))),
      totalsAnswer.then(() => settle(getJson('/api/v1/reports/qoe', { by: 'region' }))),
    ];
    const totals = await totalsAnswer;
    const note = 'Every region, creator and show of each retailer together; buyers and revenue per currency (never summed across currencies).';
    if (totals.status === 'fulfilled') {
      const groups = byRetailer(totals.value.rows);
      root.append(section('Totals for the selected range', groups.size
        ? el('div', { class: 'totals' }, ...[...groups].map(([retailer, rows]) => totalsCards(retailer, rows)))
        : empty('No events in this selection: widen the range or clear a filter.'), csvUrl(OVER_TIME, { by: 'total' }), note));
    } else root.append(section('Totals for the selected range', failed(String(totals.reason))));
    const series = await seriesAnswer;
    if (series.status === 'fulfilled') {
      const { per, body } = series.value;
      const groups = byRetailer(body.rows);
      const charts = groups.size ? el('div', {}, ...[...groups].map(([retailer, rows]) => retailerCharts(retailer, rows, per))) : empty('No events in this selection: widen the range or clear a filter.');
      root.append(section(`Over time (per ${per})`, el('div', {}, charts, el('details', { class: 'as-table' }, el('summary', {}, `The numbers per ${per}`), table(body.rows, [
        { key: 'retailer_id', label: 'Retailer' },
        { key: 'period_start', label: per === 'hour' ? 'Hour (UTC)' : 'Day (UTC)', render: (r) => (typeof r.period_start === 'number' ? new Date(r.period_start).toISOString().slice(0, per === 'hour' ? 16 : 10).replace('T', ' ') : '–') },
        { key: 'currency', label: 'Currency' },
        { key: 'viewers', label: 'Viewers', kind: 'int' },
        { key: 'clickers', label: 'Clickers', kind: 'int' },
        { key: 'buyers', label: 'Buyers', kind: 'int' },
        { key: 'revenue', label: 'Revenue', kind: 'money' },
        { key: 'conversion_rate', label: 'Conversion', kind: 'pct' },
        { key: 'conversion_rate_ci_low', label: '95% low', kind: 'pct' },
        { key: 'conversion_rate_ci_high', label: '95% high', kind: 'pct' },
      ], `${per}s`))), csvUrl(OVER_TIME, { by: per }), `Viewers: distinct viewers with an event in the ${per}; buyers and revenue by the ${per} of the click each order line is attributed to.`));
    } else root.append(section('Over time', failed(String(series.reason))));
    const conversion = await conversionAnswer;
    if (conversion.status === 'fulfilled') {
      const rows = conversion.value.rows;
      const max = Math.max(0.01, ...rows.map((r) => Number(r.conversion_rate_ci_high ?? 0)));
      root.append(section('Sales by region', table(rows, [
        { key: 'retailer_id', label: 'Retailer' },
        { key: 'region', label: 'Region' },
        { key: 'currency', label: 'Currency' },
        { key: 'viewers', label: 'Viewers', kind: 'int' },
        { key: 'clickers', label: 'Clickers', kind: 'int' },
        { key: 'buyers', label: 'Buyers', kind: 'int' },
        { key: 'revenue', label: 'Revenue', kind: 'money' },
        { key: 'conversion_rate', label: 'Conversion (95% interval)', render: (r) => intervalBar(r.conversion_rate, r.conversion_rate_ci_low, r.conversion_rate_ci_high, max, smallSample(r)) },
        { key: 'revenue_per_viewer', label: 'Revenue / viewer', kind: 'money' },
      ], 'regions'), csvUrl('/api/v1/reports/conversion', { by: 'region' })));
    } else root.append(section('Sales by region', failed(String(conversion.reason))));
    const qoe = await qoeAnswer;
    if (qoe.status === 'fulfilled') {
      root.append(section('Quality by region', table(qoe.value.rows, [
        { key: 'retailer_id', label: 'Retailer' },
        { key: 'region', label: 'Region' },
        { key: 'sessions', label: 'Sessions', kind: 'int' },
        { key: 'startup_p50_ms', label: 'Startup p50', kind: 'ms' },
        { key: 'rebuffer_pct', label: 'Rebuffer', kind: 'pct100' },
        { key: 'latency_p95_ms', label: 'Latency p95', kind: 'ms' },
        { key: 'playback_failure_pct', label: 'Failures', kind: 'pct100' },
        { key: 'ebvs_pct', label: 'Exits before start', kind: 'pct100' },
      ], 'regions'), csvUrl('/api/v1/reports/qoe', { by: 'region' })));
    } else root.append(section('Quality by region', failed(String(qoe.reason))));
  },
};
