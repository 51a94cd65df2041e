/**
 * A map with a size cap that knows its oldest entry: past the cap the
 * oldest is evicted first (handed to `onEvict`, and counted); `set` on an
 * existing key makes it the newest. Expiry walks from the oldest end.
 *
 * Age order is kept in a queue of (key, sequence) beside the map, not by
 * deleting from the front of a JS Map: V8 leaves a hole per deleted entry
 * and a scan from the front would walk them all (quadratic under churn).
 * Queue entries made stale by a later `set` are skipped and compacted away.
 *
 * @example
 * const m = new CappedMap<string, number>(2); m.set('a', 1); m.set('b', 2); m.set('c', 3); // 'a' evicted, m.evicted === 1
 */
interface Slot<K, V> {
  key: K;
  value: V;
  seq: number;
  removed: boolean;
}

/** Queue entries tolerated beyond twice the live entries before the queue is rebuilt. */
const QUEUE_SLACK = 1_024;

export class CappedMap<K, V> {
  private readonly map = new Map<K, Slot<K, V>>();
  private queueSlots: Slot<K, V>[] = [];
  private queueSeqs: number[] = [];
  private head = 0;
  private nextSeq = 0;
  /** Entries evicted to stay within the cap. */
  evicted = 0;

  constructor(
    readonly cap: number,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    if (!(cap >= 1)) throw new RangeError(`cap is ${cap}: expected at least 1`);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  /** Adds or replaces as the newest entry; evicts the oldest entries past the cap. */
  set(key: K, value: V): void {
    const seq = this.nextSeq++;
    const slot = this.map.get(key);
    if (slot !== undefined) {
      slot.value = value;
      slot.seq = seq;
    } else {
      this.map.set(key, { key, value, seq, removed: false });
    }
    this.queueSlots.push(slot ?? this.map.get(key)!);
    this.queueSeqs.push(seq);
    while (this.map.size > this.cap) {
      const oldest = this.oldest();
      if (oldest === undefined) break;
      this.remove(oldest);
      this.evicted++;
      this.onEvict?.(oldest[0], oldest[1]);
    }
    this.compact();
  }

  delete(key: K): boolean {
    const slot = this.map.get(key);
    if (slot === undefined) return false;
    slot.removed = true;
    return this.map.delete(key);
  }

  /** Removes entries from the oldest end while `expired` holds; returns how many. */
  expireOldest(expired: (value: V, key: K) => boolean, onExpire?: (key: K, value: V) => void): number {
    let n = 0;
    for (;;) {
      const oldest = this.oldest();
      if (oldest === undefined || !expired(oldest[1], oldest[0])) break;
      this.remove(oldest);
      onExpire?.(oldest[0], oldest[1]);
      n++;
    }
    this.compact();
    return n;
  }

  *values(): IterableIterator<V> {
    for (const slot of this.map.values()) yield slot.value;
  }

  *entries(): IterableIterator<[K, V]> {
    for (const [key, slot] of this.map) yield [key, slot.value];
  }

  /** The oldest live entry, with the queue's head moved onto it (stale entries skipped). */
  private oldest(): [K, V] | undefined {
    while (this.head < this.queueSlots.length) {
      const slot = this.queueSlots[this.head]!;
      if (!slot.removed && slot.seq === this.queueSeqs[this.head]) return [slot.key, slot.value];
      this.head++;
    }
    return undefined;
  }

  /** Removes the entry at the queue's head. */
  private remove([key]: [K, V]): void {
    const slot = this.queueSlots[this.head]!;
    slot.removed = true;
    this.map.delete(key);
    this.head++;
  }

  private compact(): void {
    const queued = this.queueSlots.length - this.head;
    if (this.head > QUEUE_SLACK && this.head * 2 > this.queueSlots.length) {
      this.queueSlots = this.queueSlots.slice(this.head);
      this.queueSeqs = this.queueSeqs.slice(this.head);
      this.head = 0;
    }
    if (queued > 2 * this.map.size + QUEUE_SLACK) {
      const live = [...this.map.values()].sort((a, b) => a.seq - b.seq);
      this.queueSlots = live;
      this.queueSeqs = live.map((s) => s.seq);
      this.head = 0;
    }
  }
}
