import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../contract/events.ts';
import { createMemoryStore, createPersistentStore, MAX_QUEUED_EVENTS } from './queue.ts';
import { createMemoryStorage } from './testing/fake-fetch.ts';

const ev = (n: number): LiveEvent => ({
  event_id: `event-${String(n).padStart(4, '0')}`,
  type: 'chat_message',
  ts: 1_700_000_000_000 + n,
  viewer_id: 'viewer-1',
  session_id: 'session-1',
  show_id: 'show-1',
  creator_id: 'creator-1',
  props: { length: n },
});
const tick = () => new Promise<void>((r) => queueMicrotask(r));

describe('memory store', () => {
  it('keeps order, removes by id, and drops and counts the oldest when full', () => {
    const s = createMemoryStore(3);
    for (let i = 0; i < 5; i++) s.add(ev(i));
    expect(s.count()).toBe(3);
    expect(s.dropped()).toBe(2);
    expect(s.head(10).map((e) => e.props)).toEqual([{ length: 2 }, { length: 3 }, { length: 4 }]);
    s.remove(new Set([ev(3).event_id]));
    expect(s.head(2).map((e) => e.event_id)).toEqual([ev(2).event_id, ev(4).event_id]);
  });

  it('defaults to MAX_QUEUED_EVENTS and refuses a bound below 1', () => {
    const s = createMemoryStore();
    for (let i = 0; i < MAX_QUEUED_EVENTS + 7; i++) s.add(ev(i));
    expect(s.count()).toBe(MAX_QUEUED_EVENTS);
    expect(s.dropped()).toBe(7);
    expect(() => createMemoryStore(0)).toThrow(/maxEvents must be >= 1; got 0/);
  });
});

describe('persistent store', () => {
  it('survives a reload: a new store over the same storage has the queued events', async () => {
    const storage = createMemoryStorage();
    const a = createPersistentStore(storage, 'q');
    for (let i = 0; i < 4; i++) a.add(ev(i));
    a.remove(new Set([ev(0).event_id]));
    await tick();
    const b = createPersistentStore(storage, 'q');
    expect(b.head(10).map((e) => e.event_id)).toEqual([1, 2, 3].map((i) => ev(i).event_id));
  });

  it('coalesces the writes of one task into one', async () => {
    const storage = createMemoryStorage();
    let writes = 0;
    const counting = { getItem: storage.getItem, setItem: (k: string, v: string) => (writes++, storage.setItem(k, v)) };
    const s = createPersistentStore(counting, 'q');
    for (let i = 0; i < 50; i++) s.add(ev(i));
    await tick();
    expect(writes).toBe(1);
  });

  it('starts empty on corrupt JSON and keeps working in memory when writes fail', async () => {
    const storage = createMemoryStorage();
    storage.data.set('q', '{not json');
    expect(createPersistentStore(storage, 'q').count()).toBe(0);
    const full = createPersistentStore(createMemoryStorage(true), 'q');
    full.add(ev(1));
    await tick();
    expect(full.count()).toBe(1);
  });

  it('drops the oldest of a reloaded backlog larger than the bound', () => {
    const storage = createMemoryStorage();
    storage.data.set('q', JSON.stringify([0, 1, 2, 3].map(ev)));
    const s = createPersistentStore(storage, 'q', 2);
    expect(s.head(5).map((e) => e.props)).toEqual([{ length: 2 }, { length: 3 }]);
    expect(s.dropped()).toBe(2);
  });
});
