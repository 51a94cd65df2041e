/**
 * Who and which playback an event belongs to: a `viewer_id` kept per browser,
 * a `session_id` per playback, a unique `event_id` per event.
 *
 * @example
 * const newId = createIdFactory();
 * const viewerId = loadViewerId(localStorage, newId); // same value after a reload
 */
import { readItem, writeItem, type KeyValueStorage } from './queue.ts';

/** Storage key of the persisted viewer id. */
export const VIEWER_ID_KEY = 'livelens:viewer_id';
/** Characters in a generated id: 22 base64url characters × 6 bits = 132 random bits, inside the contract's 8–64 of [A-Za-z0-9_-]. */
export const ID_CHARS = 22;
/** Random bytes behind an id: 17 × 8 bits, of which base64 keeps the first ID_CHARS × 6. */
const ID_BYTES = 17;

/**
 * Returns a function making random ids of ID_CHARS url-safe characters, from
 * `crypto.getRandomValues` or, when given, from `random` (a seeded generator
 * makes a simulation reproducible).
 */
export function createIdFactory(random?: () => number): () => string {
  return () => {
    const bytes = new Uint8Array(ID_BYTES);
    // base64url of ID_BYTES random bytes, cut to ID_CHARS characters.
    return btoa(String.fromCharCode(...(random ? bytes.map(() => random() * 256) : crypto.getRandomValues(bytes))))
      .slice(0, ID_CHARS)
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
  };
}

/**
 * The viewer id stored under VIEWER_ID_KEY, created and stored on first use.
 * Without usable storage (absent, private mode, blocked) the id lives in
 * memory for this page only.
 */
export function loadViewerId(storage: KeyValueStorage | undefined, newId: () => string): string {
  const existing = readItem(storage, VIEWER_ID_KEY);
  if (existing && /^[A-Za-z0-9_-]{8,64}$/.test(existing)) return existing;
  const id = newId();
  writeItem(storage, VIEWER_ID_KEY, id);
  return id;
}
