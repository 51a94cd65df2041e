import { describe, expect, it } from 'vitest';
import { VirtualClock } from './virtual-clock.ts';

describe('VirtualClock', () => {
  it('fires timers in time order at their own moment, including timers set by timers, and not before asked', async () => {
    const c = new VirtualClock(1_000);
    const fired: Array<[string, number]> = [];
    c.setTimeout(() => fired.push(['b', c.now()]), 20);
    c.setTimeout(() => {
      fired.push(['a', c.now()]);
      c.setTimeout(() => fired.push(['a2', c.now()]), 5);
    }, 10);
    const cancelled = c.setTimeout(() => fired.push(['x', c.now()]), 15);
    c.clearTimeout(cancelled);
    c.setTimeout(() => fired.push(['late', c.now()]), 100);
    await c.advanceTo(1_050);
    expect(fired).toEqual([['a', 1_010], ['a2', 1_015], ['b', 1_020]]);
    expect(c.now()).toBe(1_050);
    expect(c.size).toBe(1);
  });

  it('awaits the settle hook after every callback, so async work finishes before time moves on', async () => {
    const c = new VirtualClock(0);
    const log: string[] = [];
    c.setTimeout(() => log.push('t1'), 1);
    c.setTimeout(() => log.push('t2'), 2);
    await c.advanceTo(10, async () => {
      await new Promise((r) => setTimeout(r, 1));
      log.push(`settled@${c.now()}`);
    });
    expect(log).toEqual(['t1', 'settled@1', 't2', 'settled@2', 'settled@10']);
  });
});
