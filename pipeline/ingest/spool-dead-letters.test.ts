import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../contract/enriched.ts';
import { BASE_MS, readLake, useTempDataDirs } from '../../test/ingest-fixtures.ts';
import { DEAD_LETTERS_TABLE } from './lake-tables.ts';
import { NdjsonLander } from './ndjson-lander.ts';
import { landDeadLetterSegments } from './spool-dead-letters.ts';
import { DEAD_LETTERS_DIR } from '../../contract/data-dir.ts';

const newDataDir = useTempDataDirs();
const letter = (i: number, over: Partial<DeadLetter> = {}): DeadLetter => ({ retailer_id: 'r1', received_at: BASE_MS + 1000 + i, index: i, error: `/ts: bad ${i}`, raw: `{"n":${i}}`, ...over });

describe('landDeadLetterSegments', () => {
  let lander: NdjsonLander | undefined;
  afterEach(() => {
    lander?.close();
    lander = undefined;
  });

  it('lands every line of a segment, escaping what the lake cannot hold, before deleting it', async () => {
    const dataDir = newDataDir();
    const dir = join(dataDir, DEAD_LETTERS_DIR);
    mkdirSync(dir, { recursive: true });
    // As an older collector wrote them: an error embedding a lone surrogate, a raw cut mid pair, and a torn line.
    const lines = [
      JSON.stringify(letter(0)),
      JSON.stringify(letter(1, { error: '/type: unknown event type "\ud800"' })),
      JSON.stringify(letter(2, { raw: '{"page":"ab\ud83d' })),
      '{"retailer_id":"r1","received_at":',
    ];
    writeFileSync(join(dir, '00000000001000-000001.ndjson'), lines.join('\n') + '\n');
    lander = await NdjsonLander.open({ dataDir, spec: DEAD_LETTERS_TABLE });
    const stats = await landDeadLetterSegments(dataDir, lander);
    expect(stats).toEqual({ segments: 1, landed: 1, malformed: 3, deadLettered: 3 });
    const rows = await readLake(dataDir, 'dead_letters', '"index", error');
    expect(rows.map(({ dt: _dt, ...r }) => r)).toEqual([
      { retailer_id: '', received_at: expect.any(Number), index: -1, error: expect.stringMatching(/^ingest: dead-letter segment 00000000001000-000001.ndjson line 4: not JSON/), raw: lines[3] },
      letter(0),
      letter(1, { error: '/type: unknown event type "\\ud800"' }),
      letter(2, { raw: '{"page":"ab\\ud83d' }),
    ]);
    expect(existsSync(join(dir, '00000000001000-000001.ndjson'))).toBe(false);
  });

  it('keeps the segment when its lines could not all be landed', async () => {
    const dataDir = newDataDir();
    const dir = join(dataDir, DEAD_LETTERS_DIR);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '00000000001000-000001.ndjson'), JSON.stringify(letter(0)) + '\n');
    const failing = { land: async () => Promise.reject(new Error('disk full')) } as unknown as NdjsonLander;
    await expect(landDeadLetterSegments(dataDir, failing)).rejects.toThrow('disk full');
    const unaccounted = { land: async () => ({ lines: 1, landed: 0, duplicates: 0, malformed: 1, deadLettered: 0, files: [] }) } as unknown as NdjsonLander;
    await expect(landDeadLetterSegments(dataDir, unaccounted)).rejects.toThrow(/1 of its 1 lines were not landed; the segment is kept/);
    expect(existsSync(join(dir, '00000000001000-000001.ndjson'))).toBe(true);
  });
});
