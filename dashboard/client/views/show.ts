/** A show: minute timeline with product cues, its quality, its warm audience. The show comes from the `show` filter. */
import { csvUrl, getJson, pageFilters } from '../api.ts';
import { timeChart } from '../chart.ts';
import { el, empty, failed, fmt, section, table } from '../ui.ts';
import type { View } from './view.ts';

export const show: View = {
  id: 'show',
  title: 'Show',
  summary: 'One show minute by minute: concurrent viewers, chat, impressions, clicks and attributed revenue, with the product cues marked.',
  async render(root) {
    const shows = await getJson('/api/v1/reports/conversion', { by: 'show' }, ['show']);
    const ids = [...new Set(shows.rows.map((r) => String(r.show_id)))].sort();
    // Without a show filter, the first show (by id) is shown.
    const id = pageFilters().show ?? ids[0];
    const picker = el('nav', { class: 'show-picker', 'aria-label': 'Shows' }, ...ids.map((s) => {
      const params = new URLSearchParams(location.search);
      params.set('show', s);
      return el('a', { href: `?${params}`, class: s === id ? 'chip active' : 'chip', 'aria-current': s === id ? 'page' : undefined }, s);
    }));
    root.append(section('Pick a show', ids.length ? picker : empty('No shows in this selection.')));
    if (id === undefined) return;
    const [timeline, qoe, audience] = await Promise.allSettled([
      getJson('/api/v1/reports/timeline', { show: id }),
      getJson('/api/v1/reports/qoe', { by: 'show', show: id }),
      getJson('/api/v1/reports/audience', { by: 'show', show: id }),
    ]);
    if (timeline.status === 'fulfilled') {
      const rows = timeline.value.rows;
      const minutes = [...new Set(rows.map((r) => Number(r.minute)))];
      const first = (m: number) => rows.find((r) => Number(r.minute) === m)!;
      const revenue = minutes.map((m) => rows.filter((r) => Number(r.minute) === m).reduce((s, r) => s + Number(r.revenue ?? 0), 0));
      const cues = rows.filter((r) => r.product_cues).map((r) => ({ at: Number(r.minute), label: String(r.product_cues) }));
      const chart = rows.length
        ? el('div', {},
          timeChart({ title: `Show ${id}: viewers and chat per minute`, per: 'minute', x: minutes, markers: cues, series: [
            { label: 'concurrent viewers', values: minutes.map((m) => Number(first(m).concurrent_viewers)), color: '#2563eb' },
            { label: 'chat messages', values: minutes.map((m) => Number(first(m).chat_messages)), color: '#16a34a' },
          ] }),
          timeChart({ title: 'Clicks and attributed revenue per minute', per: 'minute', x: minutes, markers: cues, height: 200, series: [
            { label: 'clicks', values: minutes.map((m) => Number(first(m).clicks)), color: '#9333ea' },
            { label: 'revenue (all currencies)', values: revenue, color: '#d97706', right: true },
          ] }))
        : empty(`No minutes for show ${id} in this selection.`);
      root.append(section('Minute by minute', el('div', {}, chart, table(rows, [
        { key: 'minute', label: 'Minute (UTC)', render: (r) => fmt.time(r.minute) },
        { key: 'concurrent_viewers', label: 'Viewers', kind: 'int' },
        { key: 'chat_messages', label: 'Chat', kind: 'int' },
        { key: 'product_impressions', label: 'Impressions', kind: 'int' },
        { key: 'clicks', label: 'Clicks', kind: 'int' },
        { key: 'revenue', label: 'Revenue', kind: 'money' },
        { key: 'product_cues', label: 'Product cues' },
      ], 'minutes')), csvUrl('/api/v1/reports/timeline', { show: id })));
    } else root.append(section('Minute by minute', failed(String(timeline.reason))));
    if (qoe.status === 'fulfilled') {
      root.append(section('Quality of this show', table(qoe.value.rows, [
        { key: 'retailer_id', label: 'Retailer' },
        { key: 'sessions', label: 'Sessions', kind: 'int' },
        { key: 'startup_p50_ms', label: 'Startup p50', kind: 'ms' },
        { key: 'startup_p95_ms', label: 'Startup p95', kind: 'ms' },
        { key: 'rebuffer_pct', label: 'Rebuffer', kind: 'pct100' },
        { key: 'latency_p50_ms', label: 'Latency p50', kind: 'ms' },
        { key: 'latency_p95_ms', label: 'Latency p95', kind: 'ms' },
        { key: 'playback_failure_pct', label: 'Failures', kind: 'pct100' },
        { key: 'ebvs_pct', label: 'Exits before start', kind: 'pct100' },
      ], 'quality rows'), csvUrl('/api/v1/reports/qoe', { by: 'show', show: id })));
    } else root.append(section('Quality of this show', failed(String(qoe.reason))));
    if (audience.status === 'fulfilled') {
      root.append(section('Warm audience', table(audience.value.rows, [
        { key: 'retailer_id', label: 'Retailer' },
        { key: 'show_id', label: 'Show' },
        { key: 'viewers', label: 'Viewers', kind: 'int' },
        { key: 'returning_viewers', label: 'Watched the creator before', kind: 'int' },
        { key: 'returning_share', label: 'Warm share', kind: 'pct' },
        { key: 'conversion_rate_returning', label: 'Conversion, warm', kind: 'pct' },
        { key: 'conversion_rate_new', label: 'Conversion, new', kind: 'pct' },
      ], 'audience rows'), csvUrl('/api/v1/reports/audience', { by: 'show', show: id }), 'Warm: viewers who had watched this creator in an earlier show.'));
    } else root.append(section('Warm audience', failed(String(audience.reason))));
  },
};
