/**
 * No IP address and no chat text anywhere in the data dir (docs/spec.md §2:
 * "It never stores the viewer's IP address"; chat_message carries only a
 * length): a small simulated day (each viewer sends its own 10.x.x.x in
 * x-forwarded-for, which the collector is told to trust), then one more
 * event whose props, extra fields and headers carry chat text and a canary
 * address, ingested too. Then every file under the data dir is scanned:
 * raw bytes, gunzipped bytes, and every Parquet file's rows read back with
 * DuckDB (its pages are compressed, so raw bytes alone prove nothing).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../collector/log.ts';
import { runIngest } from '../../pipeline/ingest/run-ingest.ts';
import { runSimulatedDay, SIM_CLIENT_ADDRESS_HEADER, type SimulatedDay } from '../../simulate/simulated-day.ts';

const CANARY_ADDRESS = '10.251.252.253';
const CANARY_V6 = 'fd00:dead:beef::1234';
const CHAT_TEXT = 'canary chat text: meet me at the back door';
/** An IPv4 address in the simulator's private range, as text. */
const PRIVATE_V4 = /(?<![\d.])10\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])/;

const dataDir = mkdtempSync(join(tmpdir(), 'livelens-scan-'));
let day: SimulatedDay;
const files: string[] = [];
beforeAll(async () => {
  day = await runSimulatedDay({ dataDir, seed: 16, shows: 2, viewers: 30, hours: 1, log: createLogger('silent') });
  const [retailer, key] = Object.entries(day.writeKeys)[0]!;
  const now = Date.now();
  const event = {
    event_id: 'ev_canary_chat_0001', type: 'chat_message', ts: now, viewer_id: 'v_canary', session_id: 's_canary', show_id: 'show-canary', creator_id: 'c1',
    props: { length: CHAT_TEXT.length, text: CHAT_TEXT, message: CHAT_TEXT, ip: CANARY_ADDRESS },
    text: CHAT_TEXT, ip: CANARY_ADDRESS, client_ip: CANARY_V6,
  };
  const res = await fetch(`${day.serve.url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-write-key': key, [SIM_CLIENT_ADDRESS_HEADER]: `${CANARY_ADDRESS}, ${CANARY_V6}`, 'x-real-ip': CANARY_ADDRESS },
    body: JSON.stringify({ sent_at: now, events: [event] }),
  });
  expect(res.status, `the canary event is accepted (retailer ${retailer})`).toBe(200);
  await runIngest({ dataDir, kinesis: { endpoint: day.serve.kinesisEndpoint, stream: day.serve.stream }, once: true });
  await day.serve.stop();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  walk(dataDir);
}, 120_000);
afterAll(async () => {
  await day?.serve.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** What a file's bytes say: raw, and gunzipped when it is gzip. */
function textsOf(file: string): string[] {
  const bytes = readFileSync(file);
  const out = [bytes.toString('latin1')];
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      out.push(gunzipSync(bytes).toString('latin1'));
    } catch {
      // a torn gzip tail: the raw bytes were scanned
    }
  }
  return out;
}

/** Every row of a Parquet file as JSON text, and its column names. */
async function parquetRows(con: DuckDBConnection, file: string): Promise<{ columns: string[]; rows: string[] }> {
  const result = await con.runAndReadAll(`SELECT * FROM read_parquet('${file.replaceAll("'", "''")}')`);
  return { columns: result.columnNames(), rows: result.getRowObjectsJson().map((r) => JSON.stringify(r)) };
}

describe('the scanners see what they look for (a planted address is found)', () => {
  it('in gzip bytes and in a zstd-compressed Parquet column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'livelens-scan-control-'));
    try {
      writeFileSync(join(dir, 'x.gz'), gzipSync(`{"ip":"${CANARY_ADDRESS}"}`));
      expect(textsOf(join(dir, 'x.gz')).some((t) => PRIVATE_V4.test(t))).toBe(true);
      expect(readFileSync(join(dir, 'x.gz')).toString('latin1')).not.toContain(CANARY_ADDRESS);
      const db = await DuckDBInstance.create(':memory:');
      const con = await db.connect();
      try {
        const file = join(dir, 'x.parquet');
        await con.run(`COPY (SELECT 'a' || i AS id, '${CANARY_ADDRESS}' AS addr FROM range(1000) t(i)) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
        expect((await parquetRows(con, file)).rows.some((t) => PRIVATE_V4.test(t))).toBe(true);
      } finally {
        con.closeSync();
        db.closeSync();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the data dir after a demo run', () => {
  it('the simulated viewers did send addresses and chat, and the canary event reached the lake', async () => {
    expect(day.mismatches).toEqual([]);
    expect(files.some((f) => f.endsWith('.parquet'))).toBe(true);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      const glob = join(dataDir, 'lake', '**', '*.parquet').replaceAll("'", "''");
      const rows = (await con.runAndReadAll(`SELECT count(*) FILTER (WHERE type = 'chat_message') AS chats, count(*) FILTER (WHERE event_id = 'ev_canary_chat_0001') AS canary FROM read_parquet('${glob}', union_by_name = true)`)).getRowObjectsJson();
      expect(Number(rows[0]!.chats)).toBeGreaterThan(1);
      expect(Number(rows[0]!.canary)).toBe(1);
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });

  it('no file holds a client address or chat text, in raw or gunzipped bytes', () => {
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      for (const text of textsOf(file)) {
        expect(PRIVATE_V4.exec(text)?.[0], `${file} holds an IP address`).toBeUndefined();
        expect(text, file).not.toContain(CANARY_V6);
        expect(text, file).not.toContain(CHAT_TEXT);
        expect(text, file).not.toContain('meet me at the back door');
      }
    }
  });

  it('no Parquet row, read back with DuckDB, holds a client address or chat text in any column', async () => {
    const parquet = files.filter((f) => f.endsWith('.parquet'));
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    let rows = 0;
    try {
      for (const file of parquet) {
        const { columns, rows: texts } = await parquetRows(con, file);
        for (const text of texts) {
          rows++;
          expect(PRIVATE_V4.exec(text)?.[0], `${file} row ${text.slice(0, 200)}`).toBeUndefined();
          expect(text).not.toContain(CANARY_V6);
          expect(text).not.toContain(CHAT_TEXT);
        }
        for (const c of columns) expect(c, `${file} has a column for addresses`).not.toMatch(/(^|_)(ip|ip_address|client_address|address|x_forwarded_for|chat_text|message_text)$/i);
      }
    } finally {
      con.closeSync();
      db.closeSync();
    }
    expect(rows).toBeGreaterThan(100);
  });
});
