import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EnrichedEvent } from '../../contract/enriched.ts';
import { LAKE_EVENT_COLUMNS, toLakeRow } from '../../contract/lake.ts';
import { packEvents, packLines } from '../../contract/record-format.ts';
import { EVENTS_TABLE } from './lake-tables.ts';
import { NdjsonLander } from './ndjson-lander.ts';
import { BASE_MS, enriched, everyType, lakeSchema, readLake, tempDataDir } from '../../test/ingest-fixtures.ts';

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

  it('lands a copy received earlier than the recently landed one (a retry read first from another shard), so the lake keeps the earliest', async () => {
    dataDir = tempDataDir();
    lander = await NdjsonLander.open({ dataDir, spec: EVENTS_TABLE });
    const retry = enriched(1, { received_at: BASE_MS + 5_000, region: 'unknown' });
    const original = enriched(1, { region: 'DE' });
    expect(await lander.land(packEvents([retry]))).toMatchObject({ landed: 1, duplicates: 0 });
    expect(await lander.land(packEvents([original]))).toMatchObject({ landed: 1, duplicates: 0 });
    // The same retry delivered again (received no earlier than a landed copy) is still dropped.
    expect(await lander.land(packEvents([retry]))).toMatchObject({ landed: 0, duplicates: 1 });
    const rows = await readLake(dataDir, 'events', 'received_at');
    expect(rows.map((r) => [r.region, r.received_at])).toEqual([['DE', original.received_at], ['unknown', retry.received_at]]);
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

  it('counts malformed lines and blank lines apart, lands the rest, and keeps each malformed line as a dead letter with its reason', async () => {
    dataDir = tempDataDir();
    lander = await NdjsonLander.open({ dataDir, spec: EVENTS_TABLE });
    const good = JSON.stringify(enriched(1));
    const noId = JSON.stringify({ ...enriched(2), event_id: undefined });
    const records = packLines([good, 'not json {', '', '   ', noId]);
    // A single-line record without a trailing newline is valid too.
    records.push(Buffer.from(JSON.stringify(enriched(3))));
    const result = await lander.land(records, undefined, 'stream s1');
    expect(result).toMatchObject({ lines: 4, landed: 2, malformed: 2, deadLettered: 2 });
    expect((await readLake(dataDir, 'events', 'event_id')).map((r) => r.event_id)).toEqual(['evt-00000001', 'evt-00000003']);
    const letters = await readLake(dataDir, 'dead_letters', 'raw');
    expect(letters).toEqual([
      { retailer_id: '', received_at: expect.any(Number), index: -1, error: expect.stringMatching(/^ingest: stream s1 line 2: not JSON/), raw: 'not json {', dt: expect.any(String) },
      { retailer_id: 'retailer-1', received_at: BASE_MS + 12, index: -1, error: 'ingest: stream s1 line 3: lacks event_id (or it does not fit the lake column)', raw: noId, dt: '2026-11-27' },
    ]);
  });

  it('does not land an event whose required field the lake cannot hold as NULL: it is a dead letter naming the field', async () => {
    dataDir = tempDataDir();
    lander = await NdjsonLander.open({ dataDir, spec: EVENTS_TABLE });
    const huge = JSON.stringify({ ...enriched(2), ts: 1e19 });
    const result = await lander.land(packLines([JSON.stringify(enriched(1)), huge]), undefined, 'stream s1');
    expect(result).toMatchObject({ lines: 2, landed: 1, deadLettered: 1 });
    const letters = await readLake(dataDir, 'dead_letters', 'raw');
    expect(letters.map((l) => [l.error, l.raw])).toEqual([['ingest: stream s1 line 2: ts 10000000000000000000 does not fit its lake column (BIGINT)', huge]]);
  });

  it('never skips a line DuckDB refuses: a lone surrogate (as an older collector accepted it) lands as a dead letter, escaped', async () => {
    dataDir = tempDataDir();
    lander = await NdjsonLander.open({ dataDir, spec: EVENTS_TABLE });
    const events = Array.from({ length: 50 }, (_, i) => enriched(i));
    const lines = events.map((e) => JSON.stringify(e));
    lines[20] = JSON.stringify({ ...events[20], viewer_id: '\ud800' });
    const result = await lander.land(packLines(lines), undefined, 'stream s1');
    expect(result).toMatchObject({ lines: 50, landed: 49, malformed: 1, deadLettered: 1 });
    const letters = await readLake(dataDir, 'dead_letters', 'raw');
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ retailer_id: 'retailer-1', received_at: BASE_MS + 30, index: -1 });
    expect(letters[0]!.error).toBe('ingest: stream s1 line 21: a string is not valid Unicode (lone UTF-16 surrogate), which the lake cannot store');
    // The raw line, kept whole, with the escape as text: nothing is lost.
    expect(letters[0]!.raw).toBe(lines[20]);
  });
});
