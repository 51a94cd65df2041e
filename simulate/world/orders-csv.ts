/**
 * Writes the planted order lines as the commerce systems would export them:
 * one CSV file per retailer, with a header row, in docs/spec.md §3's columns.
 * The two retailers' systems differ the way real ones do (ISO 8601 times in
 * one, epoch ms in the other), and each export carries one broken row that
 * the importer must report by line number and skip.
 *
 * @example
 * const files = writeOrderCsvs(lines, '/tmp/sim'); // [{ retailerId: 'northwind', file: '/tmp/sim/orders-northwind.csv', ... }]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OrderLine } from './orders.ts';

export const ORDER_CSV_HEADER = 'order_id,ts,user_id,click_id,product_id,quantity,unit_price,currency';

export interface OrderCsvFile {
  retailerId: string;
  file: string;
  /** Good rows written (order lines). */
  lines: number;
  /** 1-based line number (header is line 1) of the row that must be refused. */
  brokenLine: number;
}

/** Which retailers' systems export times as epoch ms rather than ISO 8601. */
const EPOCH_MS_EXPORTERS = new Set(['lumiere']);

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function orderCsvRow(l: OrderLine, epochMs: boolean): string {
  return [
    l.orderId,
    epochMs ? String(l.tsMs) : new Date(l.tsMs).toISOString(),
    l.userId,
    l.clickId ?? '',
    l.productId,
    String(l.quantity),
    (l.unitPriceCents / 100).toFixed(2),
    l.currency,
  ].map(csvCell).join(',');
}

/** Writes `orders-<retailer>.csv` files under `dir` and describes them. */
export function writeOrderCsvs(lines: readonly OrderLine[], dir: string): OrderCsvFile[] {
  mkdirSync(dir, { recursive: true });
  const retailers = [...new Set(lines.map((l) => l.retailerId))].sort();
  return retailers.map((retailerId) => {
    const mine = lines.filter((l) => l.retailerId === retailerId);
    const epochMs = EPOCH_MS_EXPORTERS.has(retailerId);
    const rows = mine.map((l) => orderCsvRow(l, epochMs));
    // The broken row sits in the middle, so that rows after it must still load.
    const at = Math.floor(rows.length / 2);
    const sample = mine[at] ?? mine[0]!;
    rows.splice(at, 0, orderCsvRow({ ...sample, orderId: `${sample.orderId}-broken` }, epochMs).replace(/,\d+,(\d+\.\d\d),/, ',two,$1,'));
    const file = join(dir, `orders-${retailerId}.csv`);
    writeFileSync(file, `${ORDER_CSV_HEADER}\n${rows.join('\n')}\n`);
    return { retailerId, file, lines: mine.length, brokenLine: at + 2 };
  });
}
