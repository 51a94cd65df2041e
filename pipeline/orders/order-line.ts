/**
 * One order line (docs/spec.md §3) checked and normalised from a raw CSV or
 * NDJSON row: `order_id, ts, user_id, click_id?, product_id, quantity,
 * unit_price, currency`. CSV gives every value as text, NDJSON may give
 * numbers; both are accepted, but only as written: a date that does not
 * exist (2026-02-30), a number that is not decimal (0x10), text that is not
 * valid Unicode, or a value beyond its bound is refused with the reason.
 *
 * @example
 * parseOrderLine({ order_id: 'o1', ts: '2026-11-28T10:00:00Z', user_id: 'u1', product_id: 'p1', quantity: '2', unit_price: '9.5', currency: 'usd' })
 * // { ok: true, line: { order_id: 'o1', ts: 1764324000000, ..., currency: 'USD', click_id: null } }
 */
import { MAX_EPOCH_MS, MAX_ID_CHARS, MAX_PRICE } from '../../contract/limits.ts';
import { firstLoneSurrogate } from '../../contract/unicode.ts';

export const ORDER_FIELDS = ['order_id', 'ts', 'user_id', 'click_id', 'product_id', 'quantity', 'unit_price', 'currency'] as const;
/** Fields a row must have (click_id is optional). */
export const REQUIRED_ORDER_FIELDS = ORDER_FIELDS.filter((f) => f !== 'click_id');

/**
 * Earliest order time accepted (2000-01-01 UTC, epoch ms): a smaller epoch
 * number is almost surely in seconds, which would put the order in 1970.
 */
export const MIN_ORDER_TS_MS = Date.UTC(2000, 0, 1);
/** Largest quantity of one line. */
export const MAX_ORDER_QUANTITY = 1_000_000;

export interface OrderLine {
  order_id: string;
  /** Epoch ms. */
  ts: number;
  user_id: string;
  click_id: string | null;
  product_id: string;
  quantity: number;
  unit_price: number;
  currency: string;
}

export type OrderLineResult = { ok: true; line: OrderLine } | { ok: false; error: string };

/** ISO 8601 date or date-time; a date-time without a zone is taken as UTC. */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const EPOCH_MS = /^\d+$/;
/** A decimal number as written in a file: no hex (0x10), binary, octal, Infinity or digit separators. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const CURRENCY = /^[A-Z]{3}$/;

class RowError extends Error {}

function text(row: Record<string, unknown>, field: string, required: boolean): string | null {
  const v = row[field];
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
    if (required) throw new RowError(`${field} is missing`);
    return null;
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw new RowError(`${field} must be a string, got ${JSON.stringify(v)}`);
  const t = String(v).trim();
  const at = firstLoneSurrogate(t);
  if (at !== -1) throw new RowError(`${field} is not valid Unicode (lone UTF-16 surrogate at character ${at})`);
  return t;
}

function id(row: Record<string, unknown>, field: string, required = true): string | null {
  const v = text(row, field, required);
  if (v !== null && v.length > MAX_ID_CHARS) throw new RowError(`${field} is ${v.length} characters; at most ${MAX_ID_CHARS} allowed`);
  return v;
}

/** Epoch ms of an ISO 8601 text or epoch-ms number/text. */
export function parseOrderTs(value: string): number {
  let ms: number;
  if (EPOCH_MS.test(value)) {
    ms = Number(value);
  } else {
    const m = ISO_8601.exec(value);
    if (!m) throw new RowError(`ts "${value}" is neither ISO 8601 (e.g. 2026-11-28T10:15:00Z) nor epoch milliseconds`);
    // Date.parse rolls an impossible date over (2026-02-30 becomes March 2): each part is checked as written.
    const wrong = impossiblePart(m);
    if (wrong) throw new RowError(`ts "${value}" is not a valid date-time: ${wrong}`);
    const zoned = m[4] === undefined ? `${value.slice(0, 10)}T00:00:00Z` : m[8] === undefined ? `${value.replace(' ', 'T')}Z` : value.replace(' ', 'T');
    ms = Date.parse(zoned);
    if (Number.isNaN(ms)) throw new RowError(`ts "${value}" is not a valid date-time`);
  }
  if (ms < MIN_ORDER_TS_MS) throw new RowError(`ts ${value} is before 2000-01-01; epoch milliseconds expected (epoch seconds?)`);
  if (!Number.isSafeInteger(ms) || ms > MAX_EPOCH_MS) throw new RowError(`ts ${value} is out of range (at most ${MAX_EPOCH_MS} epoch ms)`);
  return ms;
}

/** What is impossible in an ISO 8601 match (month 13, February 30, hour 24, ...), or undefined. */
function impossiblePart(m: RegExpExecArray): string | undefined {
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) return `month ${m[2]} (01 to 12)`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) return `${m[1]}-${m[2]} has ${days} days`;
  const within = (part: string | undefined, name: string, max: number) =>
    part !== undefined && Number(part) > max ? `${name} ${part} (0 to ${max})` : undefined;
  const zone = m[8] && m[8] !== 'Z' ? /^[+-](\d{2}):?(\d{2})?$/.exec(m[8]) : null;
  if (zone && (Number(zone[1]) > 23 || Number(zone[2] ?? 0) > 59)) return `zone offset ${m[8]} (at most 23:59)`;
  return within(m[4], 'hour', 23) ?? within(m[5], 'minute', 59) ?? within(m[6], 'second', 59);
}

function number(row: Record<string, unknown>, field: string): number {
  const raw = text(row, field, true)!;
  if (typeof row[field] === 'string' && !DECIMAL.test(raw)) throw new RowError(`${field} "${raw}" is not a decimal number`);
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new RowError(`${field} "${raw}" is not a number`);
  return n;
}

export function parseOrderLine(row: Record<string, unknown>): OrderLineResult {
  try {
    // Checked in column order, so the first problem of a row is the one reported.
    const order_id = id(row, 'order_id')!;
    const ts = parseOrderTs(text(row, 'ts', true)!);
    const user_id = id(row, 'user_id')!;
    const click_id = id(row, 'click_id', false);
    const product_id = id(row, 'product_id')!;
    const quantity = number(row, 'quantity');
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_ORDER_QUANTITY) {
      throw new RowError(`quantity ${quantity} must be a whole number from 1 to ${MAX_ORDER_QUANTITY}`);
    }
    const unit_price = number(row, 'unit_price');
    if (unit_price < 0) throw new RowError(`unit_price ${unit_price} must be 0 or more`);
    if (unit_price > MAX_PRICE) throw new RowError(`unit_price ${unit_price} must be from 0 to ${MAX_PRICE} (MAX_PRICE)`);
    const currency = text(row, 'currency', true)!.toUpperCase();
    if (!CURRENCY.test(currency)) throw new RowError(`currency "${currency}" must be a 3-letter ISO 4217 code such as USD`);
    return { ok: true, line: { order_id, ts, user_id, click_id, product_id, quantity, unit_price, currency } };
  } catch (err) {
    if (err instanceof RowError) return { ok: false, error: err.message };
    throw err;
  }
}
