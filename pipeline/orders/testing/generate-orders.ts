/**
 * Writes a large, valid orders CSV to disk as a stream (never whole in
 * memory), for the import's memory test and bench/orders-import.ts: unique
 * order lines spread over ORDERS_SPREAD_DAYS days, a few hundred bytes at a
 * time, about `bytes` long in all.
 *
 * @example
 * const { rows, bytes } = await generateOrdersCsv('/tmp/orders.csv', 2 * 1024 ** 3);
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { MAX_ID_CHARS } from '../../../contract/limits.ts';

/** Days the generated orders' timestamps cover (each a `dt` partition). */
export const ORDERS_SPREAD_DAYS = 7;
/** First generated order time: 2026-11-01 UTC. */
export const ORDERS_FIRST_TS_MS = Date.UTC(2026, 10, 1);
/** Rows per write to the file stream. */
const ROWS_PER_WRITE = 4_096;

export const ORDERS_CSV_HEADER = 'order_id,ts,user_id,click_id,product_id,quantity,unit_price,currency\n';

/** Filler making every id of a `wide` row MAX_ID_CHARS long (about 300 bytes a row: more bytes per row imported). */
const WIDE = 'w'.repeat(MAX_ID_CHARS);

/** One generated line (the n-th), ending in \n; `wide`: every id MAX_ID_CHARS long. */
export function generatedOrderRow(n: number, wide = false): string {
  const ts = ORDERS_FIRST_TS_MS + ((n * 7_919) % (ORDERS_SPREAD_DAYS * 86_400_000));
  const id = (prefix: string, k: number) => (wide ? `${prefix}-${k}-${WIDE}`.slice(0, MAX_ID_CHARS) : `${prefix}-${k}`);
  const click = n % 3 === 0 ? id('click', n) : '';
  return `${id('order', n)},${ts},${id('user', n % 100_003)},${click},${id('product', n % 997)},${1 + (n % 4)},${(n % 10_000) / 100},USD\n`;
}

/** Writes rows until the file is at least `bytes` long; resolves with the rows and bytes written. */
export async function generateOrdersCsv(path: string, bytes: number, options: { wide?: boolean } = {}): Promise<{ rows: number; bytes: number }> {
  const out = createWriteStream(path);
  let written = 0;
  let rows = 0;
  try {
    out.write(ORDERS_CSV_HEADER);
    written += ORDERS_CSV_HEADER.length;
    while (written < bytes) {
      let chunk = '';
      for (let i = 0; i < ROWS_PER_WRITE && written + chunk.length < bytes; i++) chunk += generatedOrderRow(rows++, options.wide);
      written += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { rows, bytes: written };
}
