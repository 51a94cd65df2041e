/**
 * Time series with uPlot (about 50 KB minified, canvas, fast with
 * thousands of points): one call per chart, series and axes from the API's
 * rows, times on UTC axes (as every table says), values in their unit on
 * the axes and in the legend, interval bands filled between two series,
 * markers (product cues) drawn as labelled vertical lines. The points are
 * also on the element (`data-points`), for tests and for readers of the
 * page's text.
 *
 * @example
 * root.append(timeChart({ x: minutes, per: 'minute', series: [{ label: 'viewers', values, color: '#2563eb' }], title: 'Viewers' }));
 */
import uPlot from 'uplot';

export interface TimeSeries {
  label: string;
  values: Array<number | null>;
  color: string;
  /** Draw on the right-hand axis (a different unit). */
  right?: boolean;
  /** Dashes (px), e.g. [4, 4] for an interval's bounds. */
  dash?: number[];
  /** Line width (px); 0 hides the line (a band's bound drawn by the band alone). */
  width?: number;
  /** Left out of the legend (an interval's bound: the band has its own entry). */
  bound?: boolean;
  /** Draw no dots on the points (a reference line). */
  plain?: boolean;
}

export interface TimeChartOptions {
  /** Epoch ms of each point. */
  x: number[];
  series: TimeSeries[];
  title: string;
  /** What one point covers, for the description: minute, hour or day. */
  per?: 'minute' | 'hour' | 'day';
  /** Epoch ms and label of each marker. */
  markers?: Array<{ at: number; label: string }>;
  /** Fills between two series (indexes into `series`): an interval band. */
  bands?: Array<{ upper: number; lower: number; color: string }>;
  /** Formats the left axis's values (ticks and legend). */
  format?: (v: number) => string;
  /** Formats the right axis's values. */
  rightFormat?: (v: number) => string;
  /** Axis titles (with the unit). */
  yLabel?: string;
  rightLabel?: string;
  /** The axis counts things: ticks on whole numbers only. */
  integer?: boolean;
  rightInteger?: boolean;
  /** The time one point covers (ms): a lone point is drawn with this much room either side. */
  step?: number;
  /** Legend entry of the bands (e.g. '95% interval'). */
  bandLabel?: string;
  height?: number;
}

/** Narrowest a chart is drawn (px), on the smallest phone. */
const MIN_CHART_WIDTH_PX = 260;
/** Up to this many points, each is drawn as a dot (a line of a few points hides where they are). */
const MAX_DOTTED_POINTS = 48;
const AXIS_COLOR = '#475569';
const GRID = { stroke: '#e2e8f0', width: 1 };

/** Tick steps of an axis that counts (whole numbers only). */
const INTEGER_INCREMENTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000];

/** A value scale from 0 (or below, for negative values) to a little above the highest value, so nothing touches the top. */
const headroom = (_u: uPlot, lo: number, hi: number): uPlot.Range.MinMax => {
  const low = Math.min(0, lo);
  const high = hi > low ? hi : low + 1;
  const pad = (high - low) * 0.06;
  return [low < 0 ? low - pad : low, high + pad];
};

const HOUR_S = 3600;
const DAY_S = 86_400;
/** Tick steps (s) of an hourly and a daily time axis: whole hours, whole days. */
const TIME_INCREMENTS = {
  hour: [HOUR_S, 2 * HOUR_S, 3 * HOUR_S, 6 * HOUR_S, 12 * HOUR_S, DAY_S, 2 * DAY_S, 7 * DAY_S],
  day: [DAY_S, 2 * DAY_S, 7 * DAY_S, 14 * DAY_S, 28 * DAY_S, 91 * DAY_S, 182 * DAY_S, 364 * DAY_S],
} as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const dayText = (d: Date) => `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;

/** UTC tick labels: `Nov 2` per day; `14:00` per hour, with the date under the first tick of each day. */
function timeTicks(per: 'hour' | 'day') {
  return (_u: uPlot, splits: number[]) => splits.map((s, i) => {
    const d = new Date(s * 1000);
    if (per === 'day') return dayText(d);
    const hour = `${String(d.getUTCHours()).padStart(2, '0')}:00`;
    const previous = i > 0 ? new Date(splits[i - 1]! * 1000) : undefined;
    return previous === undefined || previous.getUTCDate() !== d.getUTCDate() ? `${hour}\n${dayText(d)}` : hour;
  });
}

const utc = (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC');
const utcText = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ');

/** The legend under a chart: a swatch and label per drawn series, and one for the bands. */
function legendOf(o: TimeChartOptions): HTMLElement {
  const list = document.createElement('ul');
  list.className = 'chart-legend';
  const entry = (label: string, color: string, kind: 'line' | 'band' | 'dash') => {
    const li = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = `swatch ${kind}`;
    swatch.style.setProperty('--swatch', color);
    li.append(swatch, label);
    list.append(li);
  };
  for (const s of o.series) if (!s.bound && s.width !== 0) entry(s.label, s.color, s.dash ? 'dash' : 'line');
  if (o.bands?.length && o.bandLabel) entry(o.bandLabel, o.bands[0]!.color, 'band');
  return list;
}

/** A responsive line chart; it resizes with its container. */
export function timeChart(o: TimeChartOptions): HTMLElement {
  const box = document.createElement('div');
  box.className = 'chart';
  box.setAttribute('role', 'img');
  box.setAttribute('aria-label', `${o.title}: ${o.series.filter((s) => s.width !== 0).map((s) => s.label).join(', ')}${o.per ? ` per ${o.per} (UTC)` : ''}`);
  box.dataset.points = JSON.stringify({ x: o.x, series: Object.fromEntries(o.series.map((s) => [s.label, s.values])) });
  const markers = o.markers ?? [];
  const height = o.height ?? 240;
  const left = o.format ?? ((v: number) => v.toLocaleString('en-US'));
  const right = o.rightFormat ?? left;
  const hasRight = o.series.some((s) => s.right);
  const dotted = o.x.length <= MAX_DOTTED_POINTS;
  const axisValues = (fmt: (v: number) => string) => (_u: uPlot, splits: number[]) => splits.map((v) => (v === null || v === undefined ? '' : fmt(v)));
  const readout = document.createElement('p');
  readout.className = 'chart-readout';
  readout.setAttribute('aria-hidden', 'true');
  const stepS = (o.step ?? 60_000) / 1000;
  const opts: uPlot.Options = {
    width: 600,
    height,
    title: o.title,
    tzDate: utc,
    legend: { show: false },
    scales: {
      // A lone point (or all at one time) gets a step of room either side instead of a span of years.
      // (uPlot itself widens a lone time point by 86400 / 1e-3 s: years.)
      x: {
        time: true,
        range: (u, lo, hi) => {
          const xs = u.data[0];
          const first = xs[0];
          return first !== undefined && first === xs[xs.length - 1] ? [first - stepS, first + stepS] : [lo, hi];
        },
      },
      y: { range: headroom },
      right: { range: headroom },
    },
    series: [
      { label: 'UTC', value: (_u, v) => (v === null ? '–' : new Date(v * 1000).toISOString().slice(0, 16).replace('T', ' ')) },
      ...o.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: s.width ?? 2,
        ...(s.dash ? { dash: s.dash } : {}),
        scale: s.right ? 'right' : 'y',
        points: { show: dotted && s.width !== 0 && !s.bound && !s.plain, size: 5 },
        value: (_u: uPlot, v: number | null) => (v === null ? '–' : (s.right ? right : left)(v)),
      })),
    ],
    bands: (o.bands ?? []).map((b) => ({ series: [b.upper + 1, b.lower + 1] as [number, number], fill: b.color })),
    axes: [
      { stroke: AXIS_COLOR, grid: GRID, ...(o.per === 'hour' || o.per === 'day' ? { values: timeTicks(o.per), incrs: [...TIME_INCREMENTS[o.per]], space: 56 } : {}) },
      { stroke: AXIS_COLOR, scale: 'y', grid: GRID, values: axisValues(left), size: 64, ...(o.integer ? { incrs: INTEGER_INCREMENTS } : {}), ...(o.yLabel ? { label: o.yLabel, labelSize: 18 } : {}) },
      ...(hasRight ? [{ side: 1, scale: 'right', stroke: AXIS_COLOR, grid: { show: false }, values: axisValues(right), size: 64, ...(o.rightInteger ? { incrs: INTEGER_INCREMENTS } : {}), ...(o.rightLabel ? { label: o.rightLabel, labelSize: 18 } : {}) }] : []),
    ],
    hooks: {
      setCursor: [
        (u: uPlot) => {
          const i = u.cursor.idx;
          if (i === null || i === undefined) {
            readout.textContent = '';
            return;
          }
          const parts = o.series.filter((s) => !s.bound).map((s) => {
            const v = s.values[i];
            return `${s.label} ${v === null || v === undefined ? '–' : (s.right ? right : left)(v)}`;
          });
          readout.textContent = `${utcText(u.data[0][i]!)} UTC · ${parts.join(' · ')}`;
        },
      ],
      draw: [
        (u: uPlot) => {
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = '#d97706';
          ctx.fillStyle = '#92400e';
          ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
          // A band needs two neighbouring points: an isolated point's interval is drawn as a whisker.
          for (const b of o.bands ?? []) {
            const up = o.series[b.upper]!;
            const low = o.series[b.lower]!;
            ctx.strokeStyle = up.color;
            ctx.lineWidth = 1.5 * devicePixelRatio;
            ctx.setLineDash([]);
            up.values.forEach((hi, i) => {
              const lo = low.values[i];
              const alone = (up.values[i - 1] ?? null) === null && (up.values[i + 1] ?? null) === null;
              if (hi === null || hi === undefined || lo === null || lo === undefined || !alone) return;
              const x = u.valToPos(o.x[i]! / 1000, 'x', true);
              const scale = up.right ? 'right' : 'y';
              const [y1, y2] = [u.valToPos(hi, scale, true), u.valToPos(lo, scale, true)];
              const cap = 5 * devicePixelRatio;
              ctx.beginPath();
              ctx.moveTo(x, y1);
              ctx.lineTo(x, y2);
              ctx.moveTo(x - cap, y1);
              ctx.lineTo(x + cap, y1);
              ctx.moveTo(x - cap, y2);
              ctx.lineTo(x + cap, y2);
              ctx.stroke();
            });
          }
          ctx.strokeStyle = '#d97706';
          ctx.lineWidth = 1 * devicePixelRatio;
          for (const m of markers) {
            const x = u.valToPos(m.at / 1000, 'x', true);
            ctx.beginPath();
            ctx.setLineDash([4, 4]);
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.fillText(m.label, x + 3, u.bbox.top + 12 * devicePixelRatio);
          }
          ctx.restore();
        },
      ],
    },
  };
  const data: uPlot.AlignedData = [o.x.map((t) => t / 1000), ...o.series.map((s) => s.values)];
  const plot = new uPlot(opts, data, box);
  box.append(legendOf(o), readout);
  const resize = () => plot.setSize({ width: Math.max(MIN_CHART_WIDTH_PX, box.clientWidth), height });
  new ResizeObserver(resize).observe(box);
  requestAnimationFrame(resize);
  return box;
}
