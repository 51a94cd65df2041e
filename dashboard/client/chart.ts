/**
 * Time series with uPlot (about 50 KB minified, canvas, fast with
 * thousands of points): one call per chart, series and axes from the API's
 * rows, markers (product cues) drawn as labelled vertical lines.
 *
 * @example
 * root.append(timeChart({ x: minutes, series: [{ label: 'viewers', values }], height: 240 }));
 */
import uPlot from 'uplot';

export interface TimeSeries {
  label: string;
  values: Array<number | null>;
  color: string;
  /** Draw on the right-hand axis (a different unit). */
  right?: boolean;
}

export interface TimeChartOptions {
  /** Epoch ms of each point. */
  x: number[];
  series: TimeSeries[];
  title: string;
  /** Epoch ms and label of each marker. */
  markers?: Array<{ at: number; label: string }>;
  height?: number;
}

/** A responsive line chart; it resizes with its container. */
export function timeChart(o: TimeChartOptions): HTMLElement {
  const box = document.createElement('div');
  box.className = 'chart';
  box.setAttribute('role', 'img');
  box.setAttribute('aria-label', `${o.title}: ${o.series.map((s) => s.label).join(', ')} per minute`);
  const markers = o.markers ?? [];
  const opts: uPlot.Options = {
    width: 600,
    height: o.height ?? 240,
    title: o.title,
    scales: { x: { time: true } },
    series: [{}, ...o.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, scale: s.right ? 'right' : 'y', points: { show: false } }))],
    axes: [{ stroke: '#475569' }, { stroke: '#475569', scale: 'y' }, ...(o.series.some((s) => s.right) ? [{ side: 1, scale: 'right', stroke: '#475569', grid: { show: false } }] : [])],
    hooks: {
      draw: [
        (u: uPlot) => {
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = '#d97706';
          ctx.fillStyle = '#92400e';
          ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
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
  const resize = () => plot.setSize({ width: Math.max(280, box.clientWidth), height: o.height ?? 240 });
  new ResizeObserver(resize).observe(box);
  requestAnimationFrame(resize);
  return box;
}
