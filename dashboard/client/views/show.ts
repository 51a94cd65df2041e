/** A show: minute timeline with product cues, its quality, its warm audience. The show comes from the `show` filter. */
import { csvUrl, getJson, pageFilters, type ApiRequest } from '../api.ts';
import { timeChart } from '../chart.ts';
import { el, empty, failed, fmt, section, table, type Row } from '../ui.ts';

const MINUTE_MS = 60_000;
import type { View } from './view.ts';

export const show: View = {
  id: 'show',
  title: 'Show',
  summary: 'One show minute by minute: concurrent viewers, chat, impressions, clicks and attributed revenue, with the product cues marked.',
  firstRequests: (): ApiRequest[] => [{ path: '/api/v1/reports/conversion', params: { by: 'show' }, omit: ['show'] }],
  async render(root) {
    const [first] = show.firstRequests!({});
    const shows = await getJson(first!.path, first!.params, first!.omit);
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
      const minutes = [...new Set(rows.map((r) => Number(r.minute)))].sort((a, b) => a - b);
      const severalDays = minutes.length > 0 && new Date(minutes[0]!).toISOString().slice(0, 10) !== new Date(minutes[minutes.length - 1]!).toISOString().slice(0, 10);
      // A minute without events breaks the line (a show seen on two days is not one line across the night).
      const x = minutes.flatMap((m, i) => (i > 0 && m - minutes[i - 1]! > MINUTE_MS ? [minutes[i - 1]! + MINUTE_MS, m] : [m]));
      const at = (t: number) => rows.filter((r) => Number(r.minute) === t);
      const values = (pick: (rs: Row[]) => number) => x.map((t) => (at(t).length ? pick(at(t)) : null));
      const currencies = [...new Set(rows.map((r) => r.currency).filter((c): c is string => typeof c === 'string'))].sort();
      const cues = rows.filter((r) => r.product_cues).map((r) => ({ at: Number(r.minute), label: String(r.product_cues) }));
      const colors = ['#d97706', '#0d9488', '#db2777'];
      const chart = rows.length
        ? el('div', {},
          timeChart({ title: `Show ${id}: viewers and chat per minute`, per: 'minute', step: MINUTE_MS, x, markers: cues, integer: true, yLabel: 'viewers, messages', series: [
            { label: 'concurrent viewers', values: values((rs) => Number(rs[0]!.concurrent_viewers)), color: '#2563eb' },
            { label: 'chat messages', values: values((rs) => Number(rs[0]!.chat_messages)), color: '#16a34a' },
          ] }),
          timeChart({ title: 'Clicks and attributed revenue per minute', per: 'minute', step: MINUTE_MS, x, markers: cues, height: 200, integer: true, yLabel: 'clicks',
            rightLabel: currencies.length === 1 ? `revenue (${currencies[0]})` : 'revenue', rightFormat: (v) => v.toLocaleString('en-US', { maximumFractionDigits: 2 }), series: [
              { label: 'clicks', values: values((rs) => Number(rs[0]!.clicks)), color: '#9333ea' },
              // Revenue is never summed across currencies: one line each.
              ...currencies.map((cur, i) => ({ label: `revenue (${cur})`, values: values((rs) => rs.filter((r) => r.currency === cur).reduce((sum, r) => sum + Number(r.revenue ?? 0), 0)), color: colors[i % colors.length]!, right: true })),
            ] }))
        : empty(`No minutes for show ${id} in this selection.`);
      root.append(section('Minute by minute', el('div', {}, chart, table(rows, [
        { key: 'minute', label: 'Minute (UTC)', render: (r) => (severalDays ? new Date(Number(r.minute)).toISOString().slice(0, 16).replace('T', ' ') : fmt.time(r.minute)) },
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
