import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../collector/log.ts';
import { createViewer } from './mount.ts';

describe('createViewer', () => {
  const path = process.env.PATH;
  const empty = mkdtempSync(join(tmpdir(), 'livelens-no-ffmpeg-'));
  afterEach(() => {
    process.env.PATH = path;
  });
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it('is unavailable, with the reason the demo prints, where ffmpeg is not on the PATH', () => {
    process.env.PATH = empty;
    const v = createViewer({ dataDir: empty, showId: 's1', log: createLogger('silent') });
    expect(v).toEqual({ available: false, reason: 'ffmpeg is not installed (apt-get install ffmpeg)' });
  });

  it('refuses a write key without its retailer', () => {
    process.env.PATH = path;
    const make = () => createViewer({ dataDir: empty, showId: 's1', writeKey: 'k1', log: createLogger('silent') });
    const v = (() => {
      try {
        return make();
      } catch (err) {
        return (err as Error).message;
      }
    })();
    // Where ffmpeg or the player is missing the check is never reached.
    if (typeof v === 'string') expect(v).toMatch(/both writeKey and retailerId/);
    else expect(v.available).toBe(false);
  });
});
