/**
 * Property-based fuzzing of `importOrders` (SPEC 3) with real files, the
 * real DuckDB writer and lake: CSV and NDJSON mixing good rows with bad
 * ones (wrong numbers and dates, wrong column counts, stray quotes, bytes
 * that are not UTF-8, not JSON, a truncated last line), with a BOM, LF and
 * CRLF line ends, blank lines and quoted values holding line breaks. It
 * never throws; every bad row is reported by the line it starts on; the
 * lake then holds exactly the last good line of each key and nothing else
 * (no half-load, no scratch files left); importing the file again writes
 * nothing and leaves the lake as it was.
 */
import fc from 'fast-check';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STAGING_DIR } from '../../contract/data-dir.ts';
import { readLake, useTempDataDirs } from '../../test/ingest-fixtures.ts';
import { importOrders } from './import-orders.ts';
import { ORDER_FIELDS } from './order-line.ts';
import { MAX_ORDER_ROW_BYTES } from './read-order-rows.ts';

const setup = useTempDataDirs();
/** Imports per property (each imports its file twice); few, since each runs DuckDB. */
const IMPORT_RUNS = 10;
/** A property's time on a loaded 2-core machine (about 8 s when idle). */
const PROPERTY_TIMEOUT_MS = 120_000;

interface Good {
  order_id: string;
  product_id: string;
  ts: number;
  isoTs: boolean;
  user_id: string;
  click_id: string | null;
  quantity: number;
  cents: number;
  currency: string;
}
const BAD_CSV = ['quantity', 'date', 'price', 'fewer', 'more', 'stray-quote', 'not-utf8'] as const;
const BAD_NDJSON = ['quantity', 'date', 'price', 'not-json', 'array', 'not-utf8'] as const;
type Bad = (typeof BAD_CSV)[number] | (typeof BAD_NDJSON)[number];
interface Row {
  good: Good;
  bad?: Bad;
  eol: string;
  blankLines: number;
  quoteAll: boolean;
}

/** Values that CSV must quote (commas, quotes, each kind of line break), non-ASCII text, padding (trimmed on import). */
const userId = fc.constantFrom('u-1', 'u 2', 'a,b', 'say "hi"', 'two\nlines', 'cr\r\nlf', 'lone\rcr', 'ünï €', '😀', '  padded  ');
const good: fc.Arbitrary<Good> = fc.record({
  order_id: fc.constantFrom('o-1', 'o-2', 'o-3', 'o-4'),
  product_id: fc.constantFrom('p-1', 'p-2'),
  ts: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 0, 3, 23) }),
  isoTs: fc.boolean(),
  user_id: userId,
  click_id: fc.option(fc.constantFrom('c-1', 'c,2'), { nil: null }),
  quantity: fc.integer({ min: 1, max: 5 }),
  cents: fc.integer({ min: 0, max: 1_000_000 }),
  currency: fc.constantFrom('USD', 'eur'),
});
const rowOf = (bads: readonly Bad[]): fc.Arbitrary<Row> =>
  fc.record({
    good,
    bad: fc.option(fc.constantFrom(...bads), { nil: undefined, freq: 3 }),
    eol: fc.constantFrom('\n', '\r\n'),
    blankLines: fc.constantFrom(0, 0, 0, 1, 2),
    quoteAll: fc.boolean(),
  });
const fileOf = (bads: readonly Bad[]) =>
  fc.record({
    rows: fc.array(rowOf(bads), { maxLength: 20 }),
    bom: fc.boolean(),
    finalEol: fc.boolean(),
    /** The file ends inside one more row (an export cut short). */
    truncatedAt: fc.option(fc.nat(), { nil: undefined }),
    columns: fc.shuffledSubarray([...ORDER_FIELDS], { minLength: ORDER_FIELDS.length }),
  });

const NOT_UTF8 = Buffer.from([0x75, 0xff, 0x76]);

function fieldText(g: Good, f: (typeof ORDER_FIELDS)[number], bad: Bad | undefined): string {
  switch (f) {
    case 'ts':
      return bad === 'date' ? '2026-02-30T10:00:00Z' : g.isoTs ? new Date(g.ts).toISOString() : String(g.ts);
    case 'quantity':
      return bad === 'quantity' ? '1.5' : String(g.quantity);
    case 'unit_price':
      return bad === 'price' ? '0x10' : String(g.cents / 100);
    case 'click_id':
      return g.click_id ?? '';
    default:
      return g[f];
  }
}

/** A CSV file's bytes, and the lines where its bad rows start. */
function csvFile(f: { rows: Row[]; bom: boolean; finalEol: boolean; truncatedAt?: number; columns: string[] }): { bytes: Buffer; badLines: number[] } {
  const columns = f.columns as Array<(typeof ORDER_FIELDS)[number]>;
  const parts: Buffer[] = [Buffer.from((f.bom ? '\ufeff' : '') + columns.join(',') + '\r\n')];
  const badLines: number[] = [];
  let line = 2;
  const cell = (v: string, quoteAll: boolean) => (quoteAll || /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const rowText = (r: Row): Buffer[] => {
    const cells: Buffer[] = columns.map((c) => {
      if (c === 'user_id' && r.bad === 'stray-quote') return Buffer.from('ab"c');
      if (c === 'user_id' && r.bad === 'not-utf8') return NOT_UTF8;
      return Buffer.from(cell(fieldText(r.good, c, r.bad), r.quoteAll));
    });
    if (r.bad === 'fewer') cells.pop();
    if (r.bad === 'more') cells.push(Buffer.from('extra'));
    return cells.flatMap((c, i) => (i === 0 ? [c] : [Buffer.from(','), c]));
  };
  f.rows.forEach((r, i) => {
    parts.push(Buffer.from(r.eol.repeat(r.blankLines)));
    line += r.blankLines;
    if (r.bad) badLines.push(line);
    const text = rowText(r);
    parts.push(...text);
    line += breaks(Buffer.concat(text).toString('latin1'));
    if (i < f.rows.length - 1 || f.finalEol || f.truncatedAt !== undefined) {
      parts.push(Buffer.from(r.eol));
      line++;
    }
  });
  if (f.truncatedAt !== undefined && f.rows.length > 0) {
    // Cut before the last comma: a value short at least, or inside an open quote.
    const whole = Buffer.concat(rowText({ ...f.rows[0]!, bad: undefined })).toString('latin1');
    const cut = f.truncatedAt % whole.lastIndexOf(',');
    if (cut > 0) {
      parts.push(Buffer.from(whole.slice(0, cut), 'latin1'));
      badLines.push(line);
    }
  }
  return { bytes: Buffer.concat(parts), badLines };
}

/** An NDJSON file's bytes, and the lines of its bad rows. */
function ndjsonFile(f: { rows: Row[]; bom: boolean; finalEol: boolean; truncatedAt?: number }): { bytes: Buffer; badLines: number[] } {
  const parts: Buffer[] = [Buffer.from(f.bom ? '\ufeff' : '')];
  const badLines: number[] = [];
  let line = 1;
  const objectText = (r: Row): Buffer => {
    if (r.bad === 'not-json') return Buffer.from('{"order_id": oops');
    if (r.bad === 'array') return Buffer.from('["o-1", 1]');
    const g = r.good;
    const ts = r.bad === 'date' ? '2026-02-30T10:00:00Z' : g.isoTs ? new Date(g.ts).toISOString() : g.ts;
    const quantity = r.bad === 'quantity' ? '1.5' : r.quoteAll ? String(g.quantity) : g.quantity;
    const unit_price = r.bad === 'price' ? '0x10' : g.cents / 100;
    const o = { order_id: g.order_id, ts, user_id: r.bad === 'not-utf8' ? '@@' : g.user_id, click_id: g.click_id, product_id: g.product_id, quantity, unit_price, currency: g.currency };
    const [before, after] = JSON.stringify(o).split('@@');
    return after === undefined ? Buffer.from(before!) : Buffer.concat([Buffer.from(before!), NOT_UTF8, Buffer.from(after)]);
  };
  f.rows.forEach((r, i) => {
    parts.push(Buffer.from(r.eol.repeat(r.blankLines)));
    line += r.blankLines;
    if (r.bad) badLines.push(line);
    parts.push(objectText(r));
    if (i < f.rows.length - 1 || f.finalEol || f.truncatedAt !== undefined) {
      parts.push(Buffer.from(r.eol));
      line++;
    }
  });
  if (f.truncatedAt !== undefined && f.rows.length > 0) {
    const whole = objectText({ ...f.rows[0]!, bad: undefined });
    // Any proper prefix of a JSON object is not JSON.
    parts.push(whole.subarray(0, 1 + (f.truncatedAt % (whole.length - 1))));
    badLines.push(line);
  }
  return { bytes: Buffer.concat(parts), badLines };
}

function breaks(text: string): number {
  return (text.match(/\r\n|\r|\n/g) ?? []).length;
}

/** What the lake must hold: the last good line of each key, as imported. */
function expectedLake(rows: Row[]): Array<Record<string, unknown>> {
  const byKey = new Map<string, Good>();
  for (const r of rows) {
    if (r.bad) continue;
    const key = `${r.good.order_id}|${r.good.product_id}`;
    byKey.delete(key);
    byKey.set(key, r.good);
  }
  return [...byKey.values()]
    .map((g) => ({ order_id: g.order_id, product_id: g.product_id, ts: g.ts, user_id: g.user_id.trim(), click_id: g.click_id, quantity: g.quantity, unit_price: g.cents / 100, currency: g.currency.toUpperCase() }))
    .sort((a, b) => (a.order_id + a.product_id < b.order_id + b.product_id ? -1 : 1));
}

async function lakeRows(dataDir: string): Promise<Array<Record<string, unknown>>> {
  if (!existsSync(join(dataDir, 'lake', 'orders'))) return [];
  return (await readLake(dataDir, 'orders', 'order_id, product_id, imported_at')).map(({ order_id, product_id, ts, user_id, click_id, quantity, unit_price, currency }) => ({
    order_id, product_id, ts, user_id, click_id, quantity, unit_price, currency,
  }));
}

async function importTwiceAndCheck(name: string, bytes: Buffer, rows: Row[], badLines: number[]): Promise<void> {
  const dataDir = setup();
  const path = join(dataDir, name);
  writeFileSync(path, bytes);
  // Every other file is deduplicated in slices of 3 lines (as a file of millions is, by ORDERS_DEDUPE_SLICE_ROWS).
  const dedupeSliceRows = rows.length % 2 === 0 ? 3 : undefined;
  const first = await importOrders(path, { dataDir, retailer: 'fuzz', now: 1_000, dedupeSliceRows });
  expect(first.errors.map((e) => e.line)).toEqual(badLines);
  expect(first.skipped).toBe(badLines.length);
  const goodRows = rows.filter((r) => !r.bad).length;
  const want = expectedLake(rows);
  expect(first.loaded).toBe(goodRows);
  expect(first.duplicates).toBe(goodRows - want.length);
  const lake = await lakeRows(dataDir);
  expect(lake).toEqual(want);
  expect(readdirSync(join(dataDir, STAGING_DIR))).toEqual([]);
  const again = await importOrders(path, { dataDir, retailer: 'fuzz', now: 2_000, dedupeSliceRows });
  expect(again).toEqual({ ...first, unchanged: want.length, files: [] });
  expect(await lakeRows(dataDir)).toEqual(lake);
}

describe('importOrders under fuzzed files', () => {
  it('CSV: bad rows reported by the line they start on (CRLF, quoted line breaks, BOM), the good rows all loaded, re-import a no-op', async () => {
    await fc.assert(
      fc.asyncProperty(fileOf(BAD_CSV), async (f) => {
        const { bytes, badLines } = csvFile(f);
        await importTwiceAndCheck('orders.csv', bytes, f.rows, badLines);
      }),
      { seed: 1616, numRuns: IMPORT_RUNS },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('NDJSON: bad lines reported by number (CRLF, BOM, truncated last line, not UTF-8), the good rows all loaded, re-import a no-op', async () => {
    await fc.assert(
      fc.asyncProperty(fileOf(BAD_NDJSON), async (f) => {
        const { bytes, badLines } = ndjsonFile(f);
        await importTwiceAndCheck('orders.ndjson', bytes, f.rows, badLines);
      }),
      { seed: 1616, numRuns: IMPORT_RUNS },
    );
  }, PROPERTY_TIMEOUT_MS);

  it(`a row longer than MAX_ORDER_ROW_BYTES (${MAX_ORDER_ROW_BYTES}) is reported by line and not held; the rows around it load`, async () => {
    const dataDir = setup();
    const huge = 'x'.repeat(MAX_ORDER_ROW_BYTES + 10);
    const row = (o: string, user = 'u') => `${o},1795824000000,${user},p,1,1,USD`;
    const csv = join(dataDir, 'huge.csv');
    writeFileSync(csv, ['order_id,ts,user_id,product_id,quantity,unit_price,currency', row('o-1'), row('o-2', `"${huge}\n"`), row('o-3'), ''].join('\r\n'));
    const r = await importOrders(csv, { dataDir });
    expect(r).toMatchObject({ loaded: 2, skipped: 1, errors: [{ line: 3, error: `unreadable CSV: row longer than ${MAX_ORDER_ROW_BYTES} characters (MAX_ORDER_ROW_BYTES)` }] });
    const nd = join(dataDir, 'huge.ndjson');
    const obj = (o: string, user = 'u') => JSON.stringify({ order_id: o, ts: 1795824000000, user_id: user, product_id: 'p', quantity: 1, unit_price: 1, currency: 'USD' });
    writeFileSync(nd, [obj('o-4'), obj('o-5', huge), obj('o-6')].join('\n'));
    const n = await importOrders(nd, { dataDir });
    expect(n).toMatchObject({ loaded: 2, skipped: 1, errors: [{ line: 2, error: `line longer than ${MAX_ORDER_ROW_BYTES} bytes (MAX_ORDER_ROW_BYTES)` }] });
  });
});
