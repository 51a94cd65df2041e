import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffmpegAvailable } from './hls-stream.ts';
import { cellHeaderKept, crc32Mpeg, id3TxxxTag, ID3_TRACK_START_S, timedId3Track, TS_PACKET_BYTES } from './id3-track.ts';

const cues = [
  { atS: 0, text: '{"type":"product","product_id":"p1","offer_id":"o1"}' },
  { atS: 4.5, text: '{"type":"product_end"}' },
];

describe('timedId3Track', () => {
  it('is whole TS packets, each starting with the sync byte; tags are ID3v2.4 with the text in a UTF-8 TXXX frame', () => {
    const ts = timedId3Track(cues, 10);
    expect(ts.length % TS_PACKET_BYTES).toBe(0);
    for (let i = 0; i < ts.length; i += TS_PACKET_BYTES) expect(ts[i]).toBe(0x47);
    const tag = id3TxxxTag('héllo');
    expect(tag.subarray(0, 5).toString('latin1')).toBe('ID3\x04\x00');
    expect(tag.subarray(10, 14).toString()).toBe('TXXX');
    expect(tag.subarray(tag.length - 'héllo'.length - 1).toString('utf8')).toBe('héllo');
    expect(ts.includes(Buffer.from(cues[0]!.text))).toBe(true);
  });

  it('tells whether a segment\'s tag still carries the cell header (as the track has it) or not', () => {
    expect(cellHeaderKept(timedId3Track(cues, 10))).toBe(true);
    expect(cellHeaderKept(timedId3Track(cues, 10, { cellHeader: false }))).toBe(false);
    expect(cellHeaderKept(Buffer.alloc(TS_PACKET_BYTES))).toBeUndefined();
  });

  it('uses the MPEG-2 CRC (check value of "123456789" is 0x0376E6E7)', () => {
    expect(crc32Mpeg(Buffer.from('123456789'))).toBe(0x0376e6e7);
  });

  it('refuses cues outside the track, an empty track and oversized text', () => {
    expect(() => timedId3Track([{ atS: 10, text: 'x' }], 10)).toThrow(/atS/);
    expect(() => timedId3Track([], 10)).toThrow(/at least one cue/);
    expect(() => id3TxxxTag('x'.repeat(70_000))).toThrow(/at most/);
  });

  it.skipIf(!ffmpegAvailable())('ffprobe reads a timed_id3 stream with the cues at their times and the first repeated at the end (the loop period)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'livelens-id3-'));
    try {
      const file = join(dir, 'cues.ts');
      writeFileSync(file, timedId3Track(cues, 10));
      const out = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_packets', '-of', 'json', file], { encoding: 'utf8' })) as {
        streams: Array<{ codec_name: string }>;
        packets: Array<{ pts_time: string }>;
      };
      expect(out.streams.map((s) => s.codec_name)).toEqual(['timed_id3']);
      expect(out.packets.map((p) => Number(p.pts_time) - ID3_TRACK_START_S)).toEqual([0, 4.5, 10]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
