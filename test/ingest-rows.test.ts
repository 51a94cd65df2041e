import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EnrichedEvent } from '../contract/enriched.ts';
import { LAKE_EVENT_COLUMNS, toLakeRow } from '../contract/lake.ts';
import { packEvents, packLines } from '../contract/record-format.ts';
import { EVENTS_TABLE } from '../pipeline/ingest/lake-tables.ts';
import { NdjsonLander } from '../pipeline/ingest/ndjson-lander.ts';
import { enriched, everyType, lakeSchema, readLake, tempDataDir } from './ingest-fixtures.ts';

describe('NdjsonLander (events)', () => {
  let dataDir: string;
  let lander: NdjsonLander | undefined;
  afterEach(() => {
    lander?.close();
    lander = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lands exactly the rows toLakeRow makes, for every event type, with the contract column types', async () => {
    dataDir = tempDataDir();
    lander = await NdjsonLander.open({ dataDir, spec: EVENTS_TABLE });
    const events = everyType();
    const result = await lander.land(packEvents(events, 600));
    expect(result).toMatchObject({ lines: events.length, landed: events.length, duplicates: 0, malformed: 0 });
    const rows = await readLake(dataDir, 'events', 'event_id');
    const expected = events.map((e) => ({ ...toLakeRow(e), dt: new Date(e.event_time).toISOString().slice(0, 10) }));
    expect(rows).toEqual(expected);
    expect(await lakeSchema(dataDir, 'events')).toEqual(LAKE_EVENT_COLUMNS);
  });

  it('ignores fields the lake has no column for (top level and in props), as toLakeRow does', async () => {
    dataDir = tempDataDir();
    lander = await NdjsonLander.open({ dataDir, spec: EVENTS_TABLE });
    const e = enriched(7, { props: { watch_ms: 100, future_prop: 'x' } } as Partial<EnrichedEvent>);
    const line = JSON.stringify({ ...e, sent_at: 123, extra: { nested: true } });
    expect(await lander.land([Buffer.from(line + '\n')])).toMatchObject({ landed: 1, malformed: 0 });
    const rows = await readLake(dataDir, 'events', 'event_id');
    expect(rows).toEqual([{ ...toLakeRow(e), dt: '2026-11-27' }]);
  });

  it('partitions by the UTC date of event_time, one file per partition per batch', async () => {
    dataDir = tempDataDir();
    lander = await NdjsonLander.open({ dataDir, spec: EVENTS_TABLE });
    // BASE_MS is 23:59:59.000 UTC: i < 1000 is on the 27th, i >= 1000 on the 28th.
    const result = await lander.land(packEvents([enriched(1), enriched(999), enriched(1000), enriched(5000)]));
    expect(result.files).toHaveLength(2);
    expect(readdirSync(join(dataDir, 'lake', 'events')).sort()).toEqual(['dt=2026-11-27', 'dt=2026-11-28']);
    const rows = await readLake(dataDir, 'events', 'event_id');
    expect(rows.map((r) => [r.event_id, r.dt])).toEqual([
      ['evt-00000001', '2026-11-27'],
      ['evt-00000999', '2026-11-27'],
      ['evt-00001000', '2026-11-28'],
      ['evt-00005000', '2026-11-28'],
    ]);
  });

  it('drops duplicate event_ids within a batch and against recently landed batches', async () => {
    dataDir = tempDataDir();
    lander = await NdjsonLander.open({ dataDir, spec: EVENTS_TABLE });
    const first = await lander.land(packEvents([enriched(1), enriched(2), enriched(1)]));
    expect(first).toMatchObject({ lines: 3, landed: 2, duplicates: 1 });
    const second = await lander.land(packEvents([enriched(2), enriched(3)]));
    expect(second).toMatchObject({ lines: 2, landed: 1, duplicates: 1 });
    const rows = await readLake(dataDir, 'events', 'event_id');
    expect(rows.map((r) => r.event_id)).toEqual(['evt-00000001', 'evt-00000002', 'evt-00000003']);
  });

  it('forgets the oldest batches past recentKeysMax (memory stays bounded)', async () => {
    dataDir = tempDataDir();
    lander = await NdjsonLander.open({ dataDir, spec: EVENTS_TABLE, recentKeysMax: 2 });
    await lander.land(packEvents([enriched(1)]));
    await lander.land(packEvents([enriched(2)]));
    await lander.land(packEvents([enriched(3)]));
    // 1 was forgotten, 3 is remembered.
    expect(await lander.land(packEvents([enriched(1), enriched(3)]))).toMatchObject({ landed: 1, duplicates: 1 });
  });

  it('counts malformed lines and blank lines apart, and lands the rest', async () => {
    dataDir = tempDataDir();
    lander = await NdjsonLander.open({ dataDir, spec: EVENTS_TABLE });
    const good = JSON.stringify(enriched(1));
    const noId = JSON.stringify({ ...enriched(2), event_id: undefined });
    const records = packLines([good, 'not json {', '', '   ', noId]);
    // A single-line record without a trailing newline is valid too.
    records.push(Buffer.from(JSON.stringify(enriched(3))));
    const result = await lander.land(records);
    expect(result).toMatchObject({ lines: 4, landed: 2, malformed: 2 });
    expect((await readLake(dataDir, 'events', 'event_id')).map((r) => r.event_id)).toEqual(['evt-00000001', 'evt-00000003']);
  });
});
