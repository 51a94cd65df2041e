import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { open, type FileHandle } from 'node:fs/promises';
import { AppendLog, LogFullError } from './index.ts';

/** A disk with `space.bytes` free: a write takes what fits, then the next one fails with ENOSPC. */
function smallDisk(space: { bytes: number }) {
  return async (path: string): Promise<FileHandle> => {
    const real = await open(path, 'a');
    return new Proxy(real, {
      get(target, prop, receiver) {
        if (prop !== 'write') {
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        }
        return async (data: Buffer, offset = 0, length = data.length - offset) => {
          if (space.bytes <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          const n = Math.min(length, space.bytes);
          space.bytes -= n;
          return target.write(data, offset, n);
        };
      },
    });
  };
}

const root = mkdtempSync(join(tmpdir(), 'livelens-appendlog-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, String(n++));
const line = (i: number) => Buffer.from(`{"i":${i}}\n`);

describe('AppendLog', () => {
  it('keeps every concurrent append, in order, and seals on close', async () => {
    const dir = fresh();
    const log = await AppendLog.open({ dir, maxBytes: 1e6 });
    await Promise.all(Array.from({ length: 200 }, (_, i) => log.append(line(i), 1)));
    expect(log.lines).toBe(200);
    await log.close();
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.ndjson$/);
    const lines = readFileSync(join(dir, files[0]!), 'utf8').trim().split('\n');
    expect(lines).toEqual(Array.from({ length: 200 }, (_, i) => `{"i":${i}}`));
  });

  it('refuses appends past maxBytes without writing them, unless forced', async () => {
    const log = await AppendLog.open({ dir: fresh(), maxBytes: 20 });
    await log.append(Buffer.from('{"a":"0123456789"}\n'));
    await expect(log.append(line(1))).rejects.toBeInstanceOf(LogFullError);
    expect(log.bytes).toBe(19);
    await log.append(line(2), 1, true);
    expect(log.lines).toBe(2);
    await log.close();
  });

  it('rolls segments by size and by age, and removes forwarded ones', async () => {
    let now = 1_000;
    const dir = fresh();
    const log = await AppendLog.open({ dir, maxBytes: 1e6, segmentMaxBytes: 16, segmentMaxAgeMs: 100, now: () => now });
    await log.append(line(1)); // 8 bytes
    await log.append(line(2)); // 16: full, sealed
    await log.append(line(3));
    expect(log.sealedSegments().map((s) => s.lines)).toEqual([2]);
    now += 100;
    await log.sealIfOld();
    expect(log.sealedSegments().map((s) => s.lines)).toEqual([2, 1]);
    await log.remove(log.sealedSegments()[0]!);
    expect(log.lines).toBe(1);
    expect(readdirSync(dir)).toHaveLength(1);
    await log.close();
  });

  it('seals and counts what a crash left open; drops empty files', async () => {
    const dir = fresh();
    const first = await AppendLog.open({ dir, maxBytes: 1e6 });
    await first.close();
    writeFileSync(join(dir, '00000000000001-000000.ndjson.open'), '{"i":1}\n{"i":2}\n');
    writeFileSync(join(dir, '00000000000002-000000.ndjson'), '');
    const log = await AppendLog.open({ dir, maxBytes: 1e6 });
    expect(log.sealedSegments()).toEqual([{ path: join(dir, '00000000000001-000000.ndjson'), bytes: 16, lines: 2 }]);
    expect(readdirSync(dir)).toEqual(['00000000000001-000000.ndjson']);
    await log.close();
  });

  it('frees the bytes of sealed segments another process consumed, so the bound does not fill up', async () => {
    const dir = fresh();
    const log = await AppendLog.open({ dir, maxBytes: 20 });
    await log.append(Buffer.from('{"a":"0123456789"}\n'));
    await log.seal();
    await expect(log.append(line(1))).rejects.toBeInstanceOf(LogFullError);
    // The reader (ingest) lands and deletes the sealed segment.
    for (const f of readdirSync(dir)) rmSync(join(dir, f));
    await log.append(line(1));
    expect(log.bytes).toBe(8);
    expect(log.sealedSegments()).toEqual([]);
    await log.close();
  });

  it('on a full disk: the append fails, the torn part is cut off (no corrupt line), and appends work again once space returns', async () => {
    const dir = fresh();
    const space = { bytes: 30 };
    const log = await AppendLog.open({ dir, maxBytes: 1e6, openFile: smallDisk(space) });
    await log.append(line(1)); // 8 bytes
    const big = Buffer.from(`{"pad":"${'x'.repeat(100)}"}\n`);
    await expect(log.append(big)).rejects.toMatchObject({ code: 'ENOSPC' }); // 22 bytes written, then ENOSPC
    expect(log.lines).toBe(1);
    expect(log.bytes).toBe(8);
    space.bytes = 1_000; // space returns
    await log.append(line(2));
    await log.append(big);
    await log.close();
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const text = readFileSync(join(dir, files[0]!), 'utf8');
    expect(text).toBe(`{"i":1}\n{"i":2}\n${big.toString()}`);
    expect(log.lines).toBe(3);
  });
});
