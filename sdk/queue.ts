/**
 * The event store: events wait here until the collector acknowledges them.
 * An interface (Snowplow's event store) with an in-memory implementation and
 * one persisted to a key-value storage (localStorage in browsers), so that a
 * reload or a crash loses nothing queued.
 *
 * When full, the oldest event is dropped and counted (`dropped`): under a long
 * outage recent signals matter more than old ones, and memory stays bounded.
 *
 * @example
 * const q = createPersistentStore(localStorage, 'livelens:queue:KEY');
 * q.add(event); q.head(20); q.remove(new Set([event.event_id]));
 */
import type { LiveEvent } from '../contract/events.ts';

/**
 * Default for the most events a store holds (about 300 KB of JSON, well
 * inside the 5 MB localStorage quota of every browser).
 */
export const MAX_QUEUED_EVENTS = 1000;

/** Where events wait for delivery. */
export interface EventStore {
  /** Events waiting. */
  count(): number;
  /** Appends an event, dropping the oldest when full. */
  add(event: LiveEvent): void;
  /** The oldest `n` events, oldest first (not removed). */
  head(n: number): LiveEvent[];
  /** Removes the events with these ids (acknowledged or refused for good). */
  remove(ids: ReadonlySet<string>): void;
  /** Events dropped because the store was full, since it was created. */
  dropped(): number;
}

/** The subset of the Web Storage API the persistent store uses. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** `storage.getItem(key)`; null or undefined when absent, denied or without storage (Safari private mode throws). */
export function readItem(storage: KeyValueStorage | undefined, key: string): string | null | undefined {
  try {
    return storage?.getItem(key);
  } catch {
    return undefined;
  }
}

/** `storage.getItem(key)` parsed as JSON; null or undefined when absent, denied or corrupt. */
export function readJson(storage: KeyValueStorage | undefined, key: string): unknown {
  try {
    return JSON.parse(storage?.getItem(key)!);
  } catch {
    return undefined;
  }
}

/** `storage.setItem(key, value)`; a failing write (quota, private mode) is ignored: callers keep a memory copy. */
export function writeItem(storage: KeyValueStorage | undefined, key: string, value: string): void {
  try {
    storage?.setItem(key, value);
  } catch {
    // the caller's memory copy keeps working
  }
}

/** A store in memory only, lost on reload; `onChange` runs after every add and remove (the persistent store saves there). */
export function createMemoryStore(maxEvents = MAX_QUEUED_EVENTS, initial: LiveEvent[] = [], onChange?: () => void): EventStore {
  if (!(maxEvents >= 1)) throw Error(`maxEvents must be >= 1; got ${maxEvents}`);
  let events = initial.slice(-maxEvents);
  let dropped = initial.length - events.length;
  return {
    count: () => events.length,
    add(event) {
      if (events.push(event) > maxEvents) events.shift(), dropped++;
      onChange?.();
    },
    head: (n) => events.slice(0, n),
    remove(ids) {
      events = events.filter((e) => !ids.has(e.event_id));
      onChange?.();
    },
    dropped: () => dropped,
  };
}

/**
 * A store mirrored to `storage[key]` as a JSON array after every change in a
 * task (writes are coalesced into one microtask, which still runs before the
 * page can be unloaded). Corrupt or unreadable storage starts empty; a failing
 * write (quota, private mode) leaves the memory copy working; without
 * storage it is a memory store.
 */
export function createPersistentStore(storage: KeyValueStorage | undefined, key: string, maxEvents = MAX_QUEUED_EVENTS): EventStore {
  const saved = readJson(storage, key);
  let pending = false;
  const store = createMemoryStore(maxEvents, Array.isArray(saved) ? (saved as LiveEvent[]) : [], () => {
    if (!pending) {
      pending = true;
      queueMicrotask(() => {
        pending = false;
        writeItem(storage, key, JSON.stringify(store.head(maxEvents)));
      });
    }
  });
  return store;
}
