/**
 * Live (SPEC 8, issue 14): per region and per running show, the figures of
 * the last window from `GET /api/v1/live` (Server-Sent Events, redrawn on
 * each snapshot), with sparklines of the last 30 minutes of concurrent
 * viewers and latency p95 from `GET /api/v1/live/history` (refetched every
 * HISTORY_REFRESH_MS). Scoped by the session like every view; `retailer`
 * narrows it. The page draws; every number comes from the API.
 */
import uPlot from 'uplot';
import { el, fmt, section, type Cell } from '../ui.ts';
import type { View } from './view.ts';

/** Sparklines are refetched this often (the server keeps one point per 10 s). */
const HISTORY_REFRESH_MS = 10_000;
/** The default alert rules' thresholds (docs/spec.md §9): a figure beyond one is highlighted. */
const BAD: Record<string, number> = { latency_p95_ms: 8000, rebuffer_pct: 2, playback_failure_pct: 5 };

type Figures = Record<string, Cell>;
interface Snapshot { at: number; window_s: number; groups: Figures[]; shows: Figures[] }
type Point = [number, number, number | null];
interface History { groups: Array<{ retailer_id: string; region: string; points: Point[] }>; shows: Array<{ retailer_id: string; show_id: string; points: Point[] }> }

const COLUMNS: Array<{ key: string; label: string; format: (v: Cell) => string }> = [
  { key: 'concurrent_viewers', label: 'Viewers', format: fmt.int },
  { key: 'sessions', label: 'Sessions', format: fmt.int },
  { key: 'startup_p50_ms', label: 'Startup p50', format: fmt.ms },
  { key: 'startup_p95_ms', label: 'Startup p95', format: fmt.ms },
  { key: 'rebuffer_pct', label: 'Rebuffer', format: (v) => fmt.pct100(v) },
  { key: 'latency_p50_ms', label: 'Latency p50', format: fmt.ms },
  { key: 'latency_p95_ms', label: 'Latency p95', format: fmt.ms },
  { key: 'playback_failure_pct', label: 'Failures', format: (v) => fmt.pct100(v) },
  { key: 'ebvs_pct', label: 'Exits before start', format: (v) => fmt.pct100(v) },
  { key: 'events_per_s', label: 'Events/s', format: (v) => fmt.num(v) },
  { key: 'clicks', label: 'Clicks', format: fmt.int },
  { key: 'chat_messages', label: 'Chat', format: fmt.int },
];

function sparkline(xs: number[], ys: Array<number | null>, color: string, label: string): HTMLElement {
  const box = el('span', { role: 'img', 'aria-label': label });
  if (xs.length < 2) return box;
  new uPlot({ width: 110, height: 28, cursor: { show: false }, legend: { show: false }, select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    scales: { x: { time: false } }, axes: [{ show: false }, { show: false }], series: [{}, { stroke: color, width: 1.5, spanGaps: true, points: { show: false } }] },
  [xs, ys], box);
  return box;
}

function liveTable(rows: Figures[], key: 'region' | 'show_id', history: Map<string, Point[]>): HTMLElement {
  if (rows.length === 0) return el('p', { class: 'empty' }, 'No events in the window.');
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Retailer'), el('th', { scope: 'col' }, key === 'region' ? 'Region' : 'Show'),
    ...COLUMNS.map((c) => el('th', { scope: 'col', class: 'num' }, c.label)), el('th', { scope: 'col' }, 'Viewers, 30 min'), el('th', { scope: 'col' }, 'Latency p95, 30 min'));
  const body = rows.map((r) => {
    const points = history.get(`${String(r.retailer_id)}\u0000${String(r[key])}`) ?? [];
    const xs = points.map((p) => p[0] / 1000);
    return el('tr', {}, el('td', {}, String(r.retailer_id)), el('td', {}, String(r[key])),
      ...COLUMNS.map((c) => {
        const v = r[c.key];
        const td = el('td', { class: 'num' }, c.format(v));
        // Beyond an alert threshold: styled through the CSSOM, which the page's CSP allows.
        if (BAD[c.key] !== undefined && typeof v === 'number' && v > BAD[c.key]!) Object.assign(td.style, { color: '#b91c1c', fontWeight: '600' });
        return td;
      }),
      el('td', {}, sparkline(xs, points.map((p) => p[1]), '#0969da', 'concurrent viewers, last 30 minutes')),
      el('td', {}, sparkline(xs, points.map((p) => p[2]), '#bf3989', 'latency p95, last 30 minutes')));
  });
  return el('div', { class: 'table-wrap' }, el('table', { class: 'live-table' }, el('thead', {}, head), el('tbody', {}, ...body)));
}

export const live: View = {
  id: 'live',
  title: 'Live',
  summary: 'What viewers see right now, per region and running show: the last window of events, refreshed every second.',
  hiddenFilters: ['from', 'to', 'creator', 'show', 'region'],
  async render(root) {
    const retailer = new URLSearchParams(location.search).get('retailer');
    const query = retailer ? `?${new URLSearchParams({ retailer })}` : '';
    const status = el('p', { class: 'note', role: 'status' }, 'connecting…');
    const regions = el('div');
    const shows = el('div');
    root.append(status, section('Regions', regions), section('Running shows', shows));
    let history: { regions: Map<string, Point[]>; shows: Map<string, Point[]> } = { regions: new Map(), shows: new Map() };
    let latest: Snapshot | undefined;
    const draw = () => {
      if (!latest) return;
      status.textContent = `Snapshot at ${new Date(latest.at).toISOString().slice(11, 19)} UTC · figures over the last ${latest.window_s} s, concurrent viewers over the last 30 s`;
      regions.replaceChildren(liveTable(latest.groups, 'region', history.regions));
      shows.replaceChildren(liveTable(latest.shows, 'show_id', history.shows));
    };
    const loadHistory = async () => {
      const res = await fetch(`/api/v1/live/history${query}`, { credentials: 'same-origin' });
      if (!res.ok) return;
      const h = (await res.json()) as History;
      history = {
        regions: new Map(h.groups.map((g) => [`${g.retailer_id}\u0000${g.region}`, g.points])),
        shows: new Map(h.shows.map((g) => [`${g.retailer_id}\u0000${g.show_id}`, g.points])),
      };
      draw();
    };
    await loadHistory();
    setInterval(() => void loadHistory(), HISTORY_REFRESH_MS);
    const source = new EventSource(`/api/v1/live${query}`);
    await new Promise<void>((resolve) => {
      source.addEventListener('snapshot', (e) => {
        latest = JSON.parse((e as MessageEvent<string>).data) as Snapshot;
        draw();
        resolve();
      });
      source.onerror = () => {
        status.textContent = 'reconnecting…';
        resolve();
      };
    });
  },
};
