import { describe, expect, it } from 'vitest';
import { ConnectionPool } from './connection-pool.ts';

/** A pool of numbered fake connections that records how many are lent at once. */
function fakePool(max: number, failFirstOpens = 0) {
  let next = 0;
  let failures = failFirstOpens;
  const closed: number[] = [];
  const pool = new ConnectionPool(max, async () => {
    if (failures > 0) {
      failures -= 1;
      throw new Error('open refused');
    }
    return next++;
  }, (c) => closed.push(c));
  return { pool, closed, opened: () => next };
}

/** A promise and its resolver, to hold work open until the test lets it finish. */
function gate() {
  let open!: () => void;
  const done = new Promise<void>((resolve) => { open = resolve; });
  return { done, open };
}

describe('ConnectionPool', () => {
  it('lends at most max connections at once, each to one piece of work, and reuses them', async () => {
    const { pool, opened } = fakePool(3);
    const held = new Set<number>();
    let most = 0;
    const g = gate();
    const work = Array.from({ length: 8 }, (_, i) => pool.use(async (c) => {
      expect(held.has(c)).toBe(false);
      held.add(c);
      most = Math.max(most, held.size);
      await g.done;
      held.delete(c);
      return i;
    }));
    await new Promise((r) => setImmediate(r));
    expect(held.size).toBe(3);
    g.open();
    expect(await Promise.all(work)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
    expect(opened()).toBe(3);
    expect(pool.size).toBe(3);
  });

  it('a failed open frees its place for the next caller and fails only its own work', async () => {
    const { pool } = fakePool(1, 1);
    const first = pool.use(async (c) => c);
    const second = pool.use(async (c) => c);
    await expect(first).rejects.toThrow('open refused');
    expect(await second).toBe(0);
  });

  it('close waits for the work in flight, closes every connection, then refuses new work', async () => {
    const { pool, closed } = fakePool(2);
    const g = gate();
    const a = pool.use(async (c) => { await g.done; return c; });
    const b = pool.use(async (c) => { await g.done; return c; });
    await new Promise((r) => setImmediate(r));
    const closing = pool.close();
    await new Promise((r) => setImmediate(r));
    expect(closed).toEqual([]);
    g.open();
    await closing;
    expect(await Promise.all([a, b])).toEqual([0, 1]);
    expect(closed.sort()).toEqual([0, 1]);
    await expect(pool.use(async () => 1)).rejects.toThrow('closed');
  });

  it('refuses a size below 1', () => {
    expect(() => new ConnectionPool(0, async () => 1, () => undefined)).toThrow('at least 1');
  });
});
