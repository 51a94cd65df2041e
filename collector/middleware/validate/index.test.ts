import { describe, expect, it } from 'vitest';
import { MAX_EVENT_AGE_MS, MAX_EVENT_FUTURE_MS } from '../../../contract/limits.ts';
import { eventTimeError } from './index.ts';

describe('eventTimeError', () => {
  const now = 1_750_000_000_000;
  it('accepts the inclusive window and names the bound it breaks', () => {
    expect(eventTimeError(now - MAX_EVENT_AGE_MS, now)).toBeUndefined();
    expect(eventTimeError(now + MAX_EVENT_FUTURE_MS, now)).toBeUndefined();
    expect(eventTimeError(now - MAX_EVENT_AGE_MS - 1, now)).toBe(`event_time ${now - MAX_EVENT_AGE_MS - 1} is more than 72 hours old (MAX_EVENT_AGE_MS)`);
    expect(eventTimeError(now + MAX_EVENT_FUTURE_MS + 1, now)).toContain('more than 5 minutes in the future');
  });
});
