/**
 * Landed event files keep EVENTS_ROW_ORDER (type, then event_time), so
 * Parquet row-group statistics let DuckDB and Athena skip row groups by type.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { packEvents } from '../../contract/record-format.ts';
import { EVENTS_TABLE } from '../ingest/lake-tables.ts';
import { NdjsonLander } from '../ingest/ndjson-lander.ts';
import { everyType, tempDataDir } from '../../test/ingest-fixtures.ts';
import { EVENTS_ROW_ORDER } from './parquet-partitions.ts';

const byTypeThenTime = (a: { type: string; event_time: number }, b: { type: string; event_time: number }) =>
  a.type < b.type ? -1 : a.type > b.type ? 1 : a.event_time - b.event_time;

describe('event files row order', () => {
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
});
