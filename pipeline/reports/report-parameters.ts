/**
 * Turns report options as people type them (`--from 2026-11-01`,
 * `--window 90m`) into the bound query parameters `$from_ms`, `$to_ms`,
 * `$retailer_id` and `$window_ms`.
 *
 * @example
 * parseDurationMs('24h'); // 86_400_000
 * parseTimeBound('2026-11-01T00:00:00Z'); // 1793491200000
 */

/** docs/spec.md §4: the attribution window unless `--window` says otherwise. */
export const DEFAULT_ATTRIBUTION_WINDOW_MS = 24 * 3_600_000;
/** Longest attribution window accepted (90 days); longer is almost surely a typo. */
export const MAX_ATTRIBUTION_WINDOW_MS = 90 * 86_400_000;
/** `--from` when absent: the epoch (the whole lake). */
export const DEFAULT_FROM_MS = 0;
/** `--to` when absent: the largest instant a JS Date can hold (the whole lake). */
export const DEFAULT_TO_MS = 8_640_000_000_000_000;

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

/** An ISO 8601 date or date-time, or epoch milliseconds, as epoch ms. */
export function parseTimeBound(text: string): number {
  const trimmed = text.trim();
  if (/^-?\d+$/.test(trimmed)) return Number(trimmed);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(ms)) throw new Error(`time "${text}" is not ISO 8601 (2026-11-01 or 2026-11-01T12:00:00Z) or epoch milliseconds`);
  return ms;
}

export interface ReportFilters {
  /** Inclusive start (epoch ms) of event_time / order ts. */
  fromMs?: number;
  /** Exclusive end (epoch ms). */
  toMs?: number;
  /** Only this retailer; every retailer when absent. */
  retailer?: string;
  /** Attribution window (ms). */
  windowMs?: number;
}

/** The named parameters every report query may use. */
export function reportParameters(filters: ReportFilters): { from_ms: number; to_ms: number; retailer_id: string; window_ms: number } {
  const from_ms = filters.fromMs ?? DEFAULT_FROM_MS;
  const to_ms = filters.toMs ?? DEFAULT_TO_MS;
  if (!(from_ms < to_ms)) throw new Error(`--from (${from_ms}) must be before --to (${to_ms})`);
  const window_ms = filters.windowMs ?? DEFAULT_ATTRIBUTION_WINDOW_MS;
  if (!(window_ms > 0 && window_ms <= MAX_ATTRIBUTION_WINDOW_MS)) {
    throw new Error(`window ${window_ms} ms is out of range: must be above 0 and at most ${MAX_ATTRIBUTION_WINDOW_MS} ms`);
  }
  // '' stands for "every retailer": Athena's ExecutionParameters cannot carry a typed NULL.
  return { from_ms, to_ms, retailer_id: filters.retailer ?? '', window_ms };
}
