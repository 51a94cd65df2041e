import { describe, expect, it } from 'vitest';
import { SharedResults } from './shared-results.ts';

/** A SharedResults whose create and drop are recorded; `gate` holds every create until opened. */
function recorded(maxEntries: number) {
  const created: string[] = [];
  const dropped: string[] = [];
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => { open = resolve; });
  const shared = new SharedResults(maxEntries, async (table) => {
    created.push(table);
    await gate;
    if (table.includes('fails')) throw new Error('create failed');
  }, async (table) => { dropped.push(table); });
  return { shared, created, dropped, open };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('SharedResults', () => {
  it('computes a key once for requests in flight and after, and a new key apart', async () => {
    const { shared, created, open } = recorded(4);
    const seen: string[] = [];
    const runs = [1, 2, 3].map(() => shared.use({ buckets: 'k1' }, async (t) => { seen.push(t.buckets!); return t.buckets; }));
    open();
    expect(await Promise.all(runs)).toEqual(['shared_buckets_1', 'shared_buckets_1', 'shared_buckets_1']);
    expect(await shared.use({ buckets: 'k1' }, async (t) => t.buckets)).toBe('shared_buckets_1');
    expect(await shared.use({ buckets: 'k2' }, async (t) => t.buckets)).toBe('shared_buckets_2');
    expect(created).toEqual(['shared_buckets_1', 'shared_buckets_2']);
    expect(seen).toHaveLength(3);
  });

  it('drops the least recently used beyond the bound, never one in use', async () => {
    const { shared, dropped, open } = recorded(1);
    open();
    let release: () => void = () => undefined;
    const held = shared.use({ q: 'a' }, () => new Promise<void>((resolve) => { release = resolve; }));
    await tick();
    await shared.use({ q: 'b' }, async () => undefined);
    expect(dropped).toEqual([]);
    expect(shared.size).toBe(2);
    await shared.use({ q: 'c' }, async () => undefined);
    expect(dropped).toEqual(['shared_q_2']);
    release();
    await held;
    await shared.use({ q: 'd' }, async () => undefined);
    expect(dropped.sort()).toEqual(['shared_q_1', 'shared_q_2', 'shared_q_3']);
    expect(shared.size).toBe(1);
  });

  it('clear retires every result: unused ones dropped now, one in use when its statement ends; the next use computes again', async () => {
    const { shared, created, dropped, open } = recorded(4);
    open();
    await shared.use({ q: 'a' }, async () => undefined);
    let release: () => void = () => undefined;
    const held = shared.use({ q: 'b' }, () => new Promise<void>((resolve) => { release = resolve; }));
    await tick();
    shared.clear();
    expect(dropped).toEqual(['shared_q_1']);
    release();
    await held;
    expect(dropped).toEqual(['shared_q_1', 'shared_q_2']);
    await shared.use({ q: 'a' }, async () => undefined);
    expect(created).toEqual(['shared_q_1', 'shared_q_2', 'shared_q_3']);
  });

  it('does not keep a failed computation: every waiter sees the error, the next use computes again', async () => {
    const { shared, created, dropped, open } = recorded(4);
    const runs = [1, 2].map(() => shared.use({ fails: 'k' }, async () => 'never'));
    open();
    for (const run of runs) await expect(run).rejects.toThrow('create failed');
    expect(shared.size).toBe(0);
    expect(dropped).toEqual(['shared_fails_1']);
    await expect(shared.use({ fails: 'k' }, async () => 'never')).rejects.toThrow('create failed');
    expect(created).toEqual(['shared_fails_1', 'shared_fails_2']);
  });

  it('refuses a bound below 1', () => {
    expect(() => new SharedResults(0, async () => undefined, async () => undefined)).toThrow(/maxEntries must be a whole number of at least 1 \(got 0\)/);
  });
});
