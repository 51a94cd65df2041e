/**
 * Landed event files keep EVENTS_ROW_ORDER (type, then event_time), so
 * Parquet row-group statistics let DuckDB and Athena skip row groups by type,
 * and are written with PARQUET_WRITE_OPTIONS: zstd pages and Parquet V2's
 * encodings (delta for times and ids), read back to the very rows landed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { packEvents } from '../../contract/record-format.ts';
import { EVENTS_TABLE } from '../ingest/lake-tables.ts';
import { NdjsonLander } from '../ingest/ndjson-lander.ts';
import { everyType, tempDataDir } from '../../test/ingest-fixtures.ts';
import { EVENTS_ROW_ORDER, PARQUET_COMPRESSION, PARQUET_VERSION } from './parquet-partitions.ts';

const byTypeThenTime = (a: { type: string; event_time: number }, b: { type: string; event_time: number }) =>
  a.type < b.type ? -1 : a.type > b.type ? 1 : a.event_time - b.event_time;

describe('landed event files', () => {
  let dataDir: string;
  let lander: NdjsonLander | undefined;
  afterEach(() => {
    lander?.close();
    lander = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`stores rows in each file ordered by ${EVENTS_ROW_ORDER}, whatever order they arrived in`, async () => {
    dataDir = tempDataDir();
    lander = await NdjsonLander.open({ dataDir, spec: EVENTS_TABLE });
    const events = [...everyType(), ...everyType().map((e) => ({ ...e, event_id: `${e.event_id}-later`, event_time: e.event_time + 1000 }))].reverse();
    expect([...events].sort(byTypeThenTime)).not.toEqual(events); // the arrival order is not already sorted
    await lander.land(packEvents(events));
    const dtDirs = readdirSync(join(dataDir, 'lake', 'events'));
    expect(dtDirs.length).toBeGreaterThan(0);
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    try {
      for (const dt of dtDirs) {
        const glob = join(dataDir, 'lake', 'events', dt, '*.parquet');
        const stored = (await con.runAndReadAll(`SELECT type, event_time FROM read_parquet('${glob}', file_row_number = true) ORDER BY filename, file_row_number`))
          .getRowObjectsJS().map((r) => ({ type: String(r.type), event_time: Number(r.event_time) }));
        expect(stored.length).toBeGreaterThan(1);
        expect(stored).toEqual([...stored].sort(byTypeThenTime));
      }
    } finally {
      con.closeSync();
      instance.closeSync();
    }
  });

  it(`writes ${PARQUET_COMPRESSION} pages with Parquet ${PARQUET_VERSION} encodings, read back unchanged`, async () => {
    dataDir = tempDataDir();
    lander = await NdjsonLander.open({ dataDir, spec: EVENTS_TABLE });
    const events = everyType();
    await lander.land(packEvents(events));
    const [dt] = readdirSync(join(dataDir, 'lake', 'events'));
    const glob = join(dataDir, 'lake', 'events', dt!, '*.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    try {
      const columns = (await con.runAndReadAll(`SELECT path_in_schema AS name, compression, encodings FROM parquet_metadata('${glob}')`))
        .getRowObjectsJS().map((r) => ({ name: String(r.name), compression: String(r.compression), encodings: String(r.encodings) }));
      const of = (name: string) => columns.find((c) => c.name === name);
      expect(new Set(columns.map((c) => c.compression))).toEqual(new Set([PARQUET_COMPRESSION.toUpperCase()]));
      // V1 writes these PLAIN; V2's delta encodings are what make scans cheaper.
      expect(of('event_time')?.encodings).toContain('DELTA_BINARY_PACKED');
      expect(of('event_id')?.encodings).toContain('DELTA_LENGTH_BYTE_ARRAY');
      const ids = (await con.runAndReadAll(`SELECT event_id, event_time FROM read_parquet('${glob}') ORDER BY event_id`)).getRowObjectsJS()
        .map((r) => [String(r.event_id), Number(r.event_time)]);
      expect(ids).toEqual(events.map((e) => [e.event_id, e.event_time]).sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)));
    } finally {
      con.closeSync();
      instance.closeSync();
    }
  });
});
