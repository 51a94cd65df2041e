/** Overview: conversion and revenue per region (with intervals) and the quality headline per region. */
import { csvUrl, getJson } from '../api.ts';
import { el, failed, fmt, intervalBar, section, smallSample, table, type Row } from '../ui.ts';
import type { View } from './view.ts';

export const overview: View = {
  id: 'overview',
  title: 'Overview',
  summary: 'Revenue, viewers, clickers, buyers and conversion per retailer and region, and how well the video reached them.',
  async render(root) {
    const [conversion, qoe] = await Promise.allSettled([getJson('/api/v1/reports/conversion', { by: 'region' }), getJson('/api/v1/reports/qoe', { by: 'region' })]);
    if (conversion.status === 'fulfilled') {
      const rows = conversion.value.rows;
      const cards = el('div', { class: 'kpis' }, ...rows.slice(0, 8).map((r) => kpi(r)));
      const max = Math.max(0.01, ...rows.map((r) => Number(r.conversion_rate_ci_high ?? 0)));
      root.append(section('Sales by region', el('div', {}, rows.length ? cards : null, table(rows, [
        { key: 'retailer_id', label: 'Retailer' },
        { key: 'region', label: 'Region' },
        { key: 'currency', label: 'Currency' },
        { key: 'viewers', label: 'Viewers', kind: 'int' },
        { key: 'clickers', label: 'Clickers', kind: 'int' },
        { key: 'buyers', label: 'Buyers', kind: 'int' },
        { key: 'revenue', label: 'Revenue', kind: 'money' },
        { key: 'conversion_rate', label: 'Conversion (95% interval)', render: (r) => intervalBar(r.conversion_rate, r.conversion_rate_ci_low, r.conversion_rate_ci_high, max, smallSample(r)) },
        { key: 'revenue_per_viewer', label: 'Revenue / viewer', kind: 'money' },
      ], 'regions')), csvUrl('/api/v1/reports/conversion', { by: 'region' })));
    } else root.append(section('Sales by region', failed(String(conversion.reason))));
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

function kpi(r: Row): HTMLElement {
  return el('div', { class: 'kpi' },
    el('div', { class: 'kpi-label' }, `${String(r.retailer_id)} · ${String(r.region)}`),
    el('div', { class: 'kpi-value' }, fmt.money(r.revenue, r.currency)),
    el('div', { class: 'kpi-sub' }, `${fmt.int(r.viewers)} viewers · ${fmt.int(r.buyers)} buyers · ${fmt.pct(r.conversion_rate)}`));
}
