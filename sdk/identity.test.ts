import { describe, expect, it } from 'vitest';
import { EVENT_ID_PATTERN } from '../contract/limits.ts';
import { createIdFactory, ID_CHARS, loadViewerId, VIEWER_ID_KEY } from './identity.ts';
import { createMemoryStorage } from './testing/fake-fetch.ts';

describe('ids', () => {
  it('match the contract pattern and do not repeat in 20,000 draws', () => {
    const newId = createIdFactory();
    const ids = Array.from({ length: 20_000 }, newId);
    expect(ids.every((id) => new RegExp(EVENT_ID_PATTERN).test(id) && id.length === ID_CHARS)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('repeat exactly from a seeded generator (reproducible simulations)', () => {
    const seeded = () => {
      let s = 42;
      return () => ((s = (s * 16807) % 2147483647) / 2147483647);
    };
    const a = createIdFactory(seeded());
    const b = createIdFactory(seeded());
    expect([a(), a()]).toEqual([b(), b()]);
    expect(a()).not.toBe(a());
  });
});

describe('viewer id', () => {
  it('is stored on first use and the same after a reload', () => {
    const storage = createMemoryStorage();
    const first = loadViewerId(storage, createIdFactory());
    expect(storage.data.get(VIEWER_ID_KEY)).toBe(first);
    expect(loadViewerId(storage, createIdFactory())).toBe(first);
  });

  it('falls back to memory when storage is missing or throws', () => {
    const throwing = {
      getItem: (): string | null => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(loadViewerId(throwing, () => 'memory-viewer-1')).toBe('memory-viewer-1');
    expect(loadViewerId(undefined, () => 'memory-viewer-2')).toBe('memory-viewer-2');
  });

  it('replaces a stored value that is not a valid id', () => {
    const storage = createMemoryStorage();
    storage.data.set(VIEWER_ID_KEY, 'bad id!');
    expect(loadViewerId(storage, () => 'fresh-viewer')).toBe('fresh-viewer');
  });
});
