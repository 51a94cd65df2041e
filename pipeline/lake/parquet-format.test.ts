/**
 * Landed event files are written with PARQUET_WRITE_OPTIONS: zstd pages,
 * row groups of PARQUET_ROW_GROUP_ROWS, and Parquet V2's encodings (delta
 * for times and ids), and read back to the very rows landed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { packEvents } from '../../contract/record-format.ts';
import { EVENTS_TABLE } from '../ingest/lake-tables.ts';
import { NdjsonLander } from '../ingest/ndjson-lander.ts';
import { everyType, tempDataDir } from '../../test/ingest-fixtures.ts';
import { PARQUET_COMPRESSION, PARQUET_VERSION } from './parquet-partitions.ts';

describe('lake file format', () => {
  let dataDir: string;
  let lander: NdjsonLander | undefined;
  afterEach(() => {
    lander?.close();
    lander = undefined;
    rmSync(dataDir, { recursive: true, force: true });
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
