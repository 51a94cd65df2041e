import { describe, expect, it } from 'vitest';
import { MAX_EVENT_AGE_MS } from '../contract/limits.ts';
import { LATE_ORDER_DELAY_MS, LATE_ORDER_SPREAD_MS } from './world/sessions.ts';
import { LATE_ORDER_ROOM_MS, MAX_SIM_HOURS, worldStartMs } from './run.ts';

describe('worldStartMs', () => {
  const now = Date.UTC(2026, 10, 28, 4, 0, 30);

  it('ends the shows LATE_ORDER_ROOM_MS before now, on a whole minute, so late orders lie in the past', () => {
    const start = worldStartMs(now, 8);
    expect(start % 60_000).toBe(0);
    expect(now - (start + 8 * 3_600_000)).toBeGreaterThanOrEqual(LATE_ORDER_ROOM_MS);
    expect(LATE_ORDER_ROOM_MS).toBeGreaterThanOrEqual(LATE_ORDER_DELAY_MS + LATE_ORDER_SPREAD_MS);
  });

  it('keeps the oldest event of the longest simulation inside the collector\'s 72 h bound', () => {
    expect(now - worldStartMs(now, MAX_SIM_HOURS)).toBeLessThan(MAX_EVENT_AGE_MS - 3_600_000);
    expect(() => worldStartMs(now, MAX_SIM_HOURS + 1)).toThrow(/at most 36/);
    expect(() => worldStartMs(now, 0)).toThrow(/above 0/);
  });
});
