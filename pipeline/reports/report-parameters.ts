/**
 * Turns report options as people type them (`--from 2026-11-01`,
 * `--window 90m`, `--creator c1`) into the bound query parameters
 * `$from_ms`, `$to_ms`, `$retailer_id`, `$creator_id`, `$show_id`,
 * `$region` and `$window_ms` (docs/spec.md sections 5 and 8).
 *
 * @example
 * parseDurationMs('24h'); // 86_400_000
 * parseTimeBound('2026-11-01T00:00:00'); // 1793491200000 (no zone: UTC)
 * reportParameters({ creator: 'c1' }); // { from_ms: 0, ..., creator_id: 'c1', show_id: '', region: '', window_ms: 86400000 }
 */

/** docs/spec.md §4: the attribution window unless `--window` says otherwise. */
export const DEFAULT_ATTRIBUTION_WINDOW_MS = 24 * 3_600_000;
/** Longest attribution window accepted (90 days); longer is almost surely a typo. */
export const MAX_ATTRIBUTION_WINDOW_MS = 90 * 86_400_000;
/** `--from` when absent: the epoch (the whole lake). */
export const DEFAULT_FROM_MS = 0;
/** `--to` when absent: the largest instant a JS Date can hold (the whole lake). */
export const DEFAULT_TO_MS = 8_640_000_000_000_000;
/** Longest filter value accepted (an id, a region code); longer is not an id the SDK sends. */
export const MAX_FILTER_VALUE_CHARS = 256;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `24h`, `90m`, `30s`, `2d`, `1500ms` or plain milliseconds, as ms. */
export function parseDurationMs(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new Error(`window "${text}" is not a duration: use a number with ms, s, m, h or d (e.g. 24h, 90m)`);
  const ms = Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!);
  if (ms <= 0 || ms > MAX_ATTRIBUTION_WINDOW_MS) {
    throw new Error(`window "${text}" is out of range: must be above 0 and at most ${MAX_ATTRIBUTION_WINDOW_MS / 86_400_000}d`);
  }
  return ms;
}

/** YYYY-MM-DD, optionally THH:MM[:SS[.fraction]], optionally Z or ±HH[:]MM (only after a time). */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

const TIME_HELP = 'use ISO 8601 (2026-11-01, 2026-11-01T12:00:00Z; UTC when no zone is given) or epoch milliseconds';

/**
 * An ISO 8601 date or date-time, or epoch milliseconds, as epoch ms. A date
 * or a date-time without a zone is read as UTC, never in the local zone.
 */
export function parseTimeBound(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const ms = Number(trimmed);
    if (ms > DEFAULT_TO_MS) throw new Error(`time "${text}" is out of range: epoch milliseconds up to ${DEFAULT_TO_MS}`);
    return ms;
  }
  const m = ISO_8601.exec(trimmed);
  if (!m) throw new Error(`time "${text}" is not ISO 8601 or epoch milliseconds: ${TIME_HELP}`);
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((part) => Number(part ?? 0)) as
    [number, number, number, number, number, number];
  const fraction = Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000);
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  const back = new Date(utc);
  const valid = back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day &&
    hour <= 23 && minute <= 59 && second <= 59;
  if (!valid) throw new Error(`time "${text}" is not a calendar date and time: ${TIME_HELP}`);
  const zone = m[8];
  if (zone === undefined || zone.toUpperCase() === 'Z') return utc;
  const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  const offsetMinutes = Number(z[2]) * 60 + Number(z[3]);
  if (Number(z[2]) > 23 || Number(z[3]) > 59) throw new Error(`time "${text}" has no valid zone offset: ${TIME_HELP}`);
  return utc - (z[1] === '-' ? -1 : 1) * offsetMinutes * 60_000;
}

/** Checks a filter value (an id or region code) and returns it. */
export function parseFilterValue(name: string, text: string): string {
  if (text.trim() === '' || text !== text.trim()) {
    throw new Error(`${name} "${text}" is not allowed: give the id without surrounding spaces (omit ${name} for all)`);
  }
  if (text.length > MAX_FILTER_VALUE_CHARS || /[\u0000-\u001f\u007f]/.test(text)) {
    throw new Error(`${name} is not allowed: at most ${MAX_FILTER_VALUE_CHARS} characters, no control characters`);
  }
  return text;
}

export interface ReportFilters {
  /** Inclusive start (epoch ms) of event_time / order ts. */
  fromMs?: number;
  /** Exclusive end (epoch ms). */
  toMs?: number;
  /** Only this retailer; every retailer when absent. */
  retailer?: string;
  /** Only events of this creator (and order lines attributed to their clicks). */
  creator?: string;
  /** Only events of this show (and order lines attributed to its clicks). */
  show?: string;
  /** Only events of this region (and order lines attributed to its clicks). */
  region?: string;
  /** Attribution window (ms). */
  windowMs?: number;
}

/** The bound parameters of every report query; '' stands for "no filter". */
export interface BoundFilters {
  from_ms: number;
  to_ms: number;
  retailer_id: string;
  creator_id: string;
  show_id: string;
  region: string;
  window_ms: number;
}

/** The named parameters every report query may use. */
export function reportParameters(filters: ReportFilters): BoundFilters {
  const from_ms = filters.fromMs ?? DEFAULT_FROM_MS;
  const to_ms = filters.toMs ?? DEFAULT_TO_MS;
  if (!(from_ms < to_ms)) throw new Error(`--from (${from_ms}) must be before --to (${to_ms})`);
  const window_ms = filters.windowMs ?? DEFAULT_ATTRIBUTION_WINDOW_MS;
  if (!(window_ms > 0 && window_ms <= MAX_ATTRIBUTION_WINDOW_MS)) {
    throw new Error(`window ${window_ms} ms is out of range: must be above 0 and at most ${MAX_ATTRIBUTION_WINDOW_MS} ms`);
  }
  // '' stands for "every retailer" (creator, show, region): Athena's ExecutionParameters cannot carry a typed NULL.
  return {
    from_ms,
    to_ms,
    retailer_id: filters.retailer ?? '',
    creator_id: filters.creator ?? '',
    show_id: filters.show ?? '',
    region: filters.region ?? '',
    window_ms,
  };
}
