import { describe, expect, it } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAKE_ORDER_COLUMNS } from '../../contract/lake.ts';
import { importOrders, MAX_REPORTED_ORDER_ERRORS } from './import-orders.ts';
import { MAX_ORDER_QUANTITY, MIN_ORDER_TS_MS, parseOrderTs } from './order-line.ts';
import { MAX_PRICE } from '../../contract/limits.ts';
import { lakeSchema, readLake, useTempDataDirs } from '../../test/ingest-fixtures.ts';

const setup = useTempDataDirs();
function file(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const IMPORTED_AT = Date.UTC(2026, 10, 28, 12, 0, 0);
const ORDER_BY = 'retailer_id, order_id, product_id, imported_at';

const CSV = [
  'order_id,ts,user_id,click_id,product_id,quantity,unit_price,currency',
  'o-1,2026-11-27T23:30:00Z,user-1,click-1,p-1,2,19.99,USD',
  'o-1,2026-11-27T23:30:00Z,user-1,,p-2,1,5,usd',
  '',
  'o-2,1795824000000,user-2,,p-1,3,19.99,EUR',
  'o-3,2026-11-28 01:00:00,user-3,"click-3",p-3,1,"1,5",USD',
  'o-4,2026-11-28T02:00:00+01:00,user-4,,p-4,1,7.25,GBP',
].join('\n') + '\n';

describe('importOrders', () => {
  it('loads a CSV into lake/orders/dt=<UTC date of ts> with exactly the contract columns', async () => {
    const dataDir = setup();
    const r = await importOrders(file(dataDir, 'orders.csv', CSV), { dataDir, retailer: 'acme', now: IMPORTED_AT });
    expect(r).toMatchObject({ loaded: 4, skipped: 1, unchanged: 0, duplicates: 0 });
    expect(r.errors).toEqual([{ line: 6, error: 'unit_price "1,5" is not a decimal number' }]);
    expect(await lakeSchema(dataDir, 'orders')).toEqual(LAKE_ORDER_COLUMNS);
    const row = (o: string, ts: number, user: string, click: string | null, p: string, q: number, price: number, cur: string, dt: string) => ({
      retailer_id: 'acme', order_id: o, ts, user_id: user, click_id: click, product_id: p, quantity: q, unit_price: price, currency: cur, imported_at: IMPORTED_AT, dt,
    });
    expect(await readLake(dataDir, 'orders', ORDER_BY)).toEqual([
      row('o-1', Date.UTC(2026, 10, 27, 23, 30), 'user-1', 'click-1', 'p-1', 2, 19.99, 'USD', '2026-11-27'),
      row('o-1', Date.UTC(2026, 10, 27, 23, 30), 'user-1', null, 'p-2', 1, 5, 'USD', '2026-11-27'),
      row('o-2', 1795824000000, 'user-2', null, 'p-1', 3, 19.99, 'EUR', '2026-11-28'),
      // +01:00 is 01:00 UTC.
      row('o-4', Date.UTC(2026, 10, 28, 1, 0), 'user-4', null, 'p-4', 1, 7.25, 'GBP', '2026-11-28'),
    ]);
  });

  it('loads NDJSON with numbers or strings, and reports bad rows by line with the reason', async () => {
    const dataDir = setup();
    const lines = [
      { order_id: 'o-1', ts: 1795824000000, user_id: 'u-1', product_id: 'p-1', quantity: 1, unit_price: 10, currency: 'USD' },
      'not json',
      { order_id: 'o-2', ts: '2026-11-28T00:00:00.000Z', user_id: 'u-2', click_id: 'c-2', product_id: 'p-2', quantity: '2', unit_price: '2.5', currency: 'JPY' },
      '',
      { order_id: 'o-3', ts: 1795824000, user_id: 'u-3', product_id: 'p-3', quantity: 1, unit_price: 1, currency: 'USD' },
      { order_id: 'o-4', ts: 'yesterday', user_id: 'u-4', product_id: 'p-4', quantity: 1, unit_price: 1, currency: 'USD' },
      { order_id: 'o-5', ts: 1795824000000, product_id: 'p-5', quantity: 1, unit_price: 1, currency: 'USD' },
      { order_id: 'o-6', ts: 1795824000000, user_id: 'u-6', product_id: 'p-6', quantity: 0, unit_price: 1, currency: 'USD' },
      { order_id: 'o-7', ts: 1795824000000, user_id: 'u-7', product_id: 'p-7', quantity: 1, unit_price: -1, currency: 'USD' },
      { order_id: 'o-8', ts: 1795824000000, user_id: 'u-8', product_id: 'p-8', quantity: 1, unit_price: 1, currency: 'dollars' },
      [1, 2],
      { order_id: 'x'.repeat(65), ts: 1795824000000, user_id: 'u-9', product_id: 'p-9', quantity: 1, unit_price: 1, currency: 'USD' },
    ].map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));
    const r = await importOrders(file(dataDir, 'orders.ndjson', lines.join('\n')), { dataDir, now: IMPORTED_AT });
    expect(r.loaded).toBe(2);
    expect(r.skipped).toBe(9);
    expect(r.errors.map((e) => e.line)).toEqual([2, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(r.errors[0]!.error).toMatch(/^not JSON/);
    expect(r.errors.slice(1).map((e) => e.error)).toEqual([
      'ts 1795824000 is before 2000-01-01; epoch milliseconds expected (epoch seconds?)',
      'ts "yesterday" is neither ISO 8601 (e.g. 2026-11-28T10:15:00Z) nor epoch milliseconds',
      'user_id is missing',
      `quantity 0 must be a whole number from 1 to ${MAX_ORDER_QUANTITY}`,
      'unit_price -1 must be 0 or more',
      'currency "DOLLARS" must be a 3-letter ISO 4217 code such as USD',
      'not a JSON object (one order line object per line expected)',
      'order_id is 65 characters; at most 64 allowed',
    ]);
    const rows = await readLake(dataDir, 'orders', ORDER_BY);
    expect(rows.map((x) => [x.retailer_id, x.order_id, x.ts, x.click_id, x.quantity, x.unit_price, x.currency])).toEqual([
      ['default', 'o-1', 1795824000000, null, 1, 10, 'USD'],
      ['default', 'o-2', Date.UTC(2026, 10, 28), 'c-2', 2, 2.5, 'JPY'],
    ]);
  });

  it('importing the same file twice adds nothing; a changed line is written again and wins by imported_at', async () => {
    const dataDir = setup();
    const path = file(dataDir, 'orders.csv', CSV);
    await importOrders(path, { dataDir, retailer: 'acme', now: IMPORTED_AT });
    const filesBefore = readdirSync(join(dataDir, 'lake', 'orders'), { recursive: true }).length;
    const again = await importOrders(path, { dataDir, retailer: 'acme', now: IMPORTED_AT + 1000 });
    expect(again).toMatchObject({ loaded: 4, skipped: 1, unchanged: 4, files: [] });
    expect(readdirSync(join(dataDir, 'lake', 'orders'), { recursive: true }).length).toBe(filesBefore);
    expect(await readLake(dataDir, 'orders', ORDER_BY)).toHaveLength(4);

    // The same key for another retailer is another line.
    expect(await importOrders(path, { dataDir, retailer: 'other', now: IMPORTED_AT + 2000 })).toMatchObject({ unchanged: 0, loaded: 4 });
    // A corrected quantity lands beside the old line with a later imported_at.
    const fix = file(dataDir, 'fix.csv', 'order_id,ts,user_id,product_id,quantity,unit_price,currency\no-2,1795824000000,user-2,p-1,5,19.99,EUR\n');
    expect(await importOrders(fix, { dataDir, retailer: 'acme', now: IMPORTED_AT + 3000 })).toMatchObject({ loaded: 1, unchanged: 0 });
    const o2 = (await readLake(dataDir, 'orders', ORDER_BY)).filter((x) => x.retailer_id === 'acme' && x.order_id === 'o-2');
    expect(o2.map((x) => [x.quantity, x.imported_at])).toEqual([[3, IMPORTED_AT], [5, IMPORTED_AT + 3000]]);
  });

  it('keeps the last line of a key repeated within one file', async () => {
    const dataDir = setup();
    const path = file(dataDir, 'dup.csv', 'order_id,ts,user_id,product_id,quantity,unit_price,currency\no-1,1795824000000,u,p,1,1,USD\no-1,1795824000000,u,p,4,1,USD\n');
    expect(await importOrders(path, { dataDir, now: IMPORTED_AT })).toMatchObject({ loaded: 2, duplicates: 1 });
    expect((await readLake(dataDir, 'orders', ORDER_BY)).map((x) => x.quantity)).toEqual([4]);
  });

  it('reports a CSV row split over lines by the line it starts on, and unreadable CSV by line', async () => {
    const dataDir = setup();
    const text = 'order_id,ts,user_id,product_id,quantity,unit_price,currency\n"o-\n1",1795824000000,u,p,x,1,USD\no-2,1795824000000,u,p,1\no-3,1795824000000,u,p,1,1,USD\no-4,"1795824000000,u\n';
    const r = await importOrders(file(dataDir, 'multi.csv', text), { dataDir, now: IMPORTED_AT });
    expect(r.loaded).toBe(1);
    expect(r.errors[0]).toEqual({ line: 2, error: 'quantity "x" is not a decimal number' });
    expect(r.errors[1]).toEqual({ line: 4, error: "5 values for the header's 7 columns (unit_price, currency missing)" });
    expect(r.errors[2]!.line).toBe(6);
    expect(r.errors[2]!.error).toBe('unreadable CSV: quote not closed: the value opened on line 6 runs to the end of the file');
  });

  it('detects the format by content when the extension does not say; rejects a CSV without the required header', async () => {
    const dataDir = setup();
    const nd = file(dataDir, 'export.txt', JSON.stringify({ order_id: 'o', ts: 1795824000000, user_id: 'u', product_id: 'p', quantity: 1, unit_price: 1, currency: 'USD' }) + '\n');
    expect(await importOrders(nd, { dataDir })).toMatchObject({ loaded: 1, skipped: 0 });
    const csv = file(dataDir, 'export2.txt', 'order_id,user_id\no,u\n');
    await expect(importOrders(csv, { dataDir })).rejects.toThrow(/header lacks ts, product_id, quantity, unit_price, currency/);
  });

  it('parses ISO 8601 with and without zones (UTC when absent) and epoch ms alike', () => {
    const at = Date.UTC(2026, 10, 28, 10, 15);
    expect(parseOrderTs('2026-11-28T10:15:00Z')).toBe(at);
    expect(parseOrderTs('2026-11-28T10:15:00.000Z')).toBe(at);
    expect(parseOrderTs('2026-11-28T10:15')).toBe(at);
    expect(parseOrderTs('2026-11-28T11:15:00+01:00')).toBe(at);
    expect(parseOrderTs('2026-11-28T05:15:00-0500')).toBe(at);
    expect(parseOrderTs(String(at))).toBe(at);
    expect(parseOrderTs('2026-11-28')).toBe(Date.UTC(2026, 10, 28));
    expect(() => parseOrderTs(String(MIN_ORDER_TS_MS - 1))).toThrow(/before 2000-01-01/);
    expect(() => parseOrderTs('2026-13-45T10:00:00Z')).toThrow(/not a valid date-time/);
  });

  it('strips a UTF-8 BOM from an NDJSON file, as from a CSV one: the first row loads', async () => {
    const dataDir = setup();
    const row = (o: string) => JSON.stringify({ order_id: o, ts: 1795824000000, user_id: 'u', product_id: 'p', quantity: 1, unit_price: 1, currency: 'USD' });
    const r = await importOrders(file(dataDir, 'b.ndjson', '\ufeff' + row('o-1') + '\n' + row('o-2') + '\n'), { dataDir, now: IMPORTED_AT });
    expect(r).toMatchObject({ loaded: 2, skipped: 0, errors: [] });
    const csv = await importOrders(file(dataDir, 'b.csv', '\ufefforder_id,ts,user_id,product_id,quantity,unit_price,currency\no-3,1795824000000,u,p,1,1,USD\n'), { dataDir, now: IMPORTED_AT });
    expect(csv).toMatchObject({ loaded: 1, skipped: 0 });
  });

  it('refuses a row that does not parse as written: impossible dates, hex or other non-decimal numbers', async () => {
    const dataDir = setup();
    const text = [
      'order_id,ts,user_id,product_id,quantity,unit_price,currency',
      'o-1,2026-02-30T10:00:00Z,u,p,1,1,USD',
      'o-2,2026-11-28T10:00:00Z,u,p,1,0x10,USD',
      'o-3,2026-11-28T24:30:00Z,u,p,1,1,USD',
      'o-4,2026-11-28T10:00:00Z,u,p,0x2,1,USD',
      'o-5,2026-11-28T10:00:00Z,u,p,1, 1e2 ,USD',
      'o-6,2025-02-29,u,p,1,1,USD',
      'o-7,2024-02-29T10:00:00+01:00,u,p,1,.5,USD',
      'o-8,2026-11-28T10:61:00Z,u,p,1,1,USD',
      'o-9,2026-11-28T10:00:00+25:00,u,p,1,1,USD',
    ].join('\n') + '\n';
    const r = await importOrders(file(dataDir, 'dates.csv', text), { dataDir, now: IMPORTED_AT });
    expect(r.errors).toEqual([
      { line: 2, error: 'ts "2026-02-30T10:00:00Z" is not a valid date-time: 2026-02 has 28 days' },
      { line: 3, error: 'unit_price "0x10" is not a decimal number' },
      { line: 4, error: 'ts "2026-11-28T24:30:00Z" is not a valid date-time: hour 24 (0 to 23)' },
      { line: 5, error: 'quantity "0x2" is not a decimal number' },
      { line: 7, error: 'ts "2025-02-29" is not a valid date-time: 2025-02 has 28 days' },
      { line: 9, error: 'ts "2026-11-28T10:61:00Z" is not a valid date-time: minute 61 (0 to 59)' },
      { line: 10, error: 'ts "2026-11-28T10:00:00+25:00" is not a valid date-time: zone offset +25:00 (at most 23:59)' },
    ]);
    expect((await readLake(dataDir, 'orders', ORDER_BY)).map((x) => [x.order_id, x.unit_price, x.ts])).toEqual([
      ['o-5', 100, Date.UTC(2026, 10, 28, 10)],
      ['o-7', 0.5, Date.UTC(2024, 1, 29, 9)],
    ]);
  });

  it(`bounds unit_price to MAX_PRICE and quantity to ${MAX_ORDER_QUANTITY}, so revenue stays finite`, async () => {
    const dataDir = setup();
    const row = (o: string, q: unknown, price: unknown) => JSON.stringify({ order_id: o, ts: 1795824000000, user_id: 'u', product_id: 'p', quantity: q, unit_price: price, currency: 'USD' });
    const r = await importOrders(file(dataDir, 'big.ndjson', [row('o-1', 1, 1e308), row('o-2', 1, MAX_PRICE), row('o-3', MAX_ORDER_QUANTITY + 1, 1), row('o-4', MAX_ORDER_QUANTITY, 1)].join('\n')), { dataDir, now: IMPORTED_AT });
    expect(r.errors).toEqual([
      { line: 1, error: `unit_price 1e+308 must be from 0 to ${MAX_PRICE} (MAX_PRICE)` },
      { line: 3, error: `quantity ${MAX_ORDER_QUANTITY + 1} must be a whole number from 1 to ${MAX_ORDER_QUANTITY}` },
    ]);
    expect(r.loaded).toBe(2);
  });

  it('refuses an empty or malformed retailer (an empty one would read as every retailer)', async () => {
    const dataDir = setup();
    const path = file(dataDir, 'r.csv', 'order_id,ts,user_id,product_id,quantity,unit_price,currency\no-1,1795824000000,u,p,1,1,USD\n');
    for (const retailer of ['', '  ', 'a b', 'x'.repeat(65)]) {
      await expect(importOrders(path, { dataDir, retailer })).rejects.toThrow(/--retailer .* must be 1 to 64 of \[A-Za-z0-9_-\]/);
    }
    expect(readdirSync(dataDir)).not.toContain('lake');
  });

  it('reports an unterminated quote by the line its row starts on, whatever follows it', async () => {
    const dataDir = setup();
    const rows = ['order_id,ts,user_id,product_id,quantity,unit_price,currency'];
    for (let i = 2; i <= 20; i++) rows.push(`o-${i},1795824000000,u,p,1,1,USD`);
    rows.push('o-21,"1795824000000,u,p,1,1,USD');
    for (const tail of ['\n', '', '\n\n', '\no-22,1795824000000,u,p,1,1,USD\n']) {
      const r = await importOrders(file(dataDir, 'q.csv', rows.join('\n') + tail), { dataDir, now: IMPORTED_AT });
      expect(r.errors.map((e) => e.line)).toEqual([21]);
      expect(r.loaded).toBe(19);
    }
  });

  it('refuses text that is not valid Unicode (a lone surrogate in NDJSON) instead of storing it altered', async () => {
    const dataDir = setup();
    const line = '{"order_id":"o-\\ud800","ts":1795824000000,"user_id":"u","product_id":"p","quantity":1,"unit_price":1,"currency":"USD"}';
    const r = await importOrders(file(dataDir, 'u.ndjson', line + '\n'), { dataDir, now: IMPORTED_AT });
    expect(r.errors).toEqual([{ line: 1, error: 'order_id is not valid Unicode (lone UTF-16 surrogate at character 2)' }]);
  });

  it(`lists at most ${MAX_REPORTED_ORDER_ERRORS} errors but counts every skipped row`, async () => {
    const dataDir = setup();
    const bad = Array.from({ length: MAX_REPORTED_ORDER_ERRORS + 5 }, (_, i) => `o-${i},1795824000000,u,p,0,1,USD`);
    const r = await importOrders(file(dataDir, 'bad.csv', ['order_id,ts,user_id,product_id,quantity,unit_price,currency', ...bad].join('\n')), { dataDir });
    expect(r.skipped).toBe(MAX_REPORTED_ORDER_ERRORS + 5);
    expect(r.errors).toHaveLength(MAX_REPORTED_ORDER_ERRORS);
    expect(r.loaded).toBe(0);
  });
});
