/**
 * The page's building blocks: element creation (no HTML strings, so no
 * injection), number formats, loading/empty/error states, and the sortable
 * table with a CSV download link and Wilson interval bars. The page draws;
 * every number comes from the API as is.
 *
 * @example
 * root.append(table({ rows, columns: [{ key: 'creator_id', label: 'Creator' }], csvHref }));
 */
export type Cell = string | number | boolean | null | undefined;
export type Row = Record<string, Cell>;

type Child = Node | string | null | undefined | false;

/** `el('td', { class: 'num' }, '12')`; attributes are set as attributes, text as text nodes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) node.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

export const fmt = {
  int: (v: Cell) => (typeof v === 'number' ? Math.round(v).toLocaleString('en-US') : '–'),
  num: (v: Cell, digits = 2) => (typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: digits }) : '–'),
  pct: (v: Cell, digits = 1) => (typeof v === 'number' ? `${(v * 100).toFixed(digits)}%` : '–'),
  /** A value already on a 0–100 scale (fields ending in _pct). */
  pct100: (v: Cell, digits = 2) => (typeof v === 'number' ? `${v.toFixed(digits)}%` : '–'),
  ms: (v: Cell) => (typeof v === 'number' ? (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`) : '–'),
  money: (v: Cell, currency: Cell) => (typeof v === 'number' ? `${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}${currency ? ` ${String(currency)}` : ''}` : '–'),
  time: (v: Cell) => (typeof v === 'number' ? new Date(v).toISOString().slice(11, 16) : '–'),
};

export function loading(label: string): HTMLElement {
  return el('p', { class: 'state loading', role: 'status', 'aria-live': 'polite' }, `Loading ${label}…`);
}

export function empty(text: string): HTMLElement {
  return el('p', { class: 'state empty' }, text);
}

export function failed(text: string): HTMLElement {
  return el('p', { class: 'state error', role: 'alert' }, text);
}

/** A titled section with an optional CSV link. */
export function section(title: string, body: Child, csvHref?: string, note?: string): HTMLElement {
  const head = el('div', { class: 'section-head' }, el('h2', {}, title), csvHref ? el('a', { class: 'csv', href: csvHref, download: `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.csv` }, 'Download CSV') : null);
  return el('section', { class: 'card' }, head, note ? el('p', { class: 'note' }, note) : null, body);
}

export interface Column {
  key: string;
  label: string;
  kind?: 'text' | 'int' | 'num' | 'pct' | 'pct100' | 'ms' | 'money';
  /** Render the cell yourself (still sorted by `key`). */
  render?: (row: Row) => Child;
  /** A number shown by `render`: right-aligned and sorted largest first, like the numeric kinds. */
  numeric?: boolean;
}

const isNumeric = (c: Column) => c.numeric === true || (c.kind !== undefined && c.kind !== 'text');

/** True when a conversion's 95% interval is wider than the rate itself: too few viewers to read. */
export function smallSample(row: Row, rate = 'conversion_rate', low = `${rate}_ci_low`, high = `${rate}_ci_high`): boolean {
  const r = row[rate];
  const lo = row[low];
  const hi = row[high];
  return typeof r === 'number' && typeof lo === 'number' && typeof hi === 'number' && hi - lo > r;
}

/** A Wilson interval bar: the interval as a band on [0, max], the rate as a tick, the text beside it. */
export function intervalBar(rate: Cell, low: Cell, high: Cell, max: number, small = false, format: (v: Cell) => string = (v) => fmt.pct(v)): HTMLElement {
  const wrap = el('span', { class: `ibar${small ? ' small' : ''}` });
  const track = el('span', { class: 'ibar-track', 'aria-hidden': 'true' });
  if (typeof low === 'number' && typeof high === 'number' && max > 0) {
    const band = el('span', { class: 'ibar-band' });
    band.style.left = `${(100 * low) / max}%`;
    band.style.width = `${Math.max(0.5, (100 * (high - low)) / max)}%`;
    track.append(band);
  }
  if (typeof rate === 'number' && max > 0) {
    const tick = el('span', { class: 'ibar-tick' });
    tick.style.left = `${(100 * rate) / max}%`;
    track.append(tick);
  }
  const label = `${format(rate)} (95% ${format(low)}–${format(high)})`;
  wrap.append(track, el('span', { class: 'ibar-text' }, label));
  if (small) wrap.append(el('span', { class: 'badge warn', title: 'the 95% interval is wider than the rate: too few viewers to read' }, 'small sample'));
  wrap.setAttribute('aria-label', `${label}${small ? ', small sample' : ''}`);
  return wrap;
}

function cellText(col: Column, row: Row): Child {
  if (col.render) return col.render(row);
  const v = row[col.key];
  switch (col.kind) {
    case 'int': return fmt.int(v);
    case 'num': return fmt.num(v);
    case 'pct': return fmt.pct(v);
    case 'pct100': return fmt.pct100(v);
    case 'ms': return fmt.ms(v);
    case 'money': return fmt.money(v, row.currency);
    default: return v === null || v === undefined ? '–' : String(v);
  }
}

/** A sortable table (click or Enter on a header); numbers right-aligned; scrolls sideways on a phone. */
export function table(rows: readonly Row[], columns: readonly Column[], caption: string): HTMLElement {
  if (rows.length === 0) return empty(`No ${caption} in this selection: widen the range or clear a filter.`);
  const data = [...rows];
  let sortKey = '';
  let dir = 1;
  const tbody = el('tbody');
  const draw = () => {
    tbody.replaceChildren(...data.map((r) => el('tr', {}, ...columns.map((c) => el('td', { class: isNumeric(c) ? 'num' : undefined }, cellText(c, r))))));
  };
  const headers = columns.map((c) => {
    const th = el('th', { scope: 'col', tabindex: '0', 'aria-sort': 'none', class: isNumeric(c) ? 'num' : undefined }, c.label);
    const sort = () => {
      dir = sortKey === c.key ? -dir : isNumeric(c) ? -1 : 1;
      sortKey = c.key;
      data.sort((a, b) => {
        const x = a[c.key];
        const y = b[c.key];
        if (x === y) return 0;
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        return (x < y ? -1 : 1) * dir;
      });
      for (const h of headers) h.setAttribute('aria-sort', 'none');
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      draw();
    };
    th.addEventListener('click', sort);
    th.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        sort();
      }
    });
    return th;
  });
  draw();
  return el('div', { class: 'table-wrap' }, el('table', {}, el('caption', { class: 'sr-only' }, caption), el('thead', {}, el('tr', {}, ...headers)), tbody));
}

/** A forest-plot row: the interval of a signed relative lift on [-span, span], zero marked. */
export function forestBar(lift: Cell, low: Cell, high: Cell, span: number, label: string): HTMLElement {
  const track = el('span', { class: 'forest-track', 'aria-hidden': 'true' }, el('span', { class: 'forest-zero' }));
  const pos = (v: number) => `${50 + (50 * Math.max(-span, Math.min(span, v))) / span}%`;
  if (typeof low === 'number' && typeof high === 'number') {
    const band = el('span', { class: `forest-band${low > 0 ? ' up' : high < 0 ? ' down' : ''}` });
    band.style.left = pos(low);
    band.style.width = `calc(${pos(high)} - ${pos(low)})`;
    track.append(band);
  }
  if (typeof lift === 'number') {
    const tick = el('span', { class: 'ibar-tick' });
    tick.style.left = pos(lift);
    track.append(tick);
  }
  const text = typeof lift === 'number' ? `${lift >= 0 ? '+' : ''}${fmt.pct(lift)} (${fmt.pct(low)} to ${fmt.pct(high)})` : 'n/a';
  return el('span', { class: 'forest', 'aria-label': `${label}: ${text}` }, el('span', { class: 'forest-label' }, label), track, el('span', { class: 'ibar-text' }, text));
}
