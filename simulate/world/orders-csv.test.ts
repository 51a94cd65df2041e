import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ORDER_CSV_HEADER, writeOrderCsvs } from './orders-csv.ts';
import type { OrderLine } from './orders.ts';

const dir = mkdtempSync(join(tmpdir(), 'livelens-orders-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (over: Partial<OrderLine>): OrderLine => ({
  retailerId: 'northwind', orderId: 'no-1', tsMs: Date.UTC(2026, 0, 1, 12), userId: 'u1', productId: 'p1', quantity: 2, unitPriceCents: 1999, currency: 'USD', ...over,
});

describe('writeOrderCsvs', () => {
  it('writes one file per retailer with the SPEC header, ISO or epoch times, and one broken row at the stated line', () => {
    const files = writeOrderCsvs(
      [line({ clickId: 'c1' }), line({ orderId: 'no-2', userId: 'x,"y"' }), line({ retailerId: 'lumiere', orderId: 'lu-1', currency: 'EUR' })],
      dir,
    );
    expect(files.map((f) => [f.retailerId, f.lines])).toEqual([['lumiere', 1], ['northwind', 2]]);
    const nw = readFileSync(files[1]!.file, 'utf8').trimEnd().split('\n');
    expect(nw[0]).toBe(ORDER_CSV_HEADER);
    expect(nw).toContain('no-1,2026-01-01T12:00:00.000Z,u1,c1,p1,2,19.99,USD');
    expect(nw).toContain('no-2,2026-01-01T12:00:00.000Z,"x,""y""",,p1,2,19.99,USD');
    expect(nw[files[1]!.brokenLine - 1]).toMatch(/-broken,.*,two,19\.99,USD$/);
    const lu = readFileSync(files[0]!.file, 'utf8').trimEnd().split('\n');
    expect(lu).toContain(`lu-1,${Date.UTC(2026, 0, 1, 12)},u1,,p1,2,19.99,EUR`);
  });
});
