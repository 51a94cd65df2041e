/**
 * Simulated time for one viewer's device: `now()` and timers that fire only
 * when the simulation advances the clock, so an hour of a show runs in
 * milliseconds while the SDK's own timers (flush interval, heartbeats,
 * retries) behave exactly as they would in real time.
 *
 * @example
 * const clock = new VirtualClock(Date.UTC(2026, 0, 1));
 * clock.setTimeout(() => console.log(clock.now()), 10_000);
 * await clock.advanceTo(Date.UTC(2026, 0, 1) + 60_000); // logs the start + 10 s
 */

interface Scheduled {
  at: number;
  seq: number;
  fn: () => void;
}

export class VirtualClock {
  private t: number;
  private seq = 0;
  private readonly pending = new Map<number, Scheduled>();

  constructor(startMs: number) {
    this.t = startMs;
  }

  /** The simulated epoch ms. */
  readonly now = (): number => this.t;

  readonly setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.pending.set(id, { at: this.t + Math.max(0, ms || 0), seq: id, fn });
    return id;
  };

  readonly clearTimeout = (handle: unknown): void => {
    if (typeof handle === 'number') this.pending.delete(handle);
  };

  /** Timers waiting to fire. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Moves time forward to `targetMs`, firing every due timer in time order
   * (ties in the order they were set) with `now()` at the timer's moment.
   * After each callback `settle` is awaited, so that work the callback
   * started (an HTTP request) finishes before time moves on.
   */
  async advanceTo(targetMs: number, settle: () => Promise<void> = async () => {}): Promise<void> {
    for (;;) {
      let next: Scheduled | undefined;
      let nextId = 0;
      for (const [id, s] of this.pending) {
        if (s.at <= targetMs && (!next || s.at < next.at || (s.at === next.at && s.seq < next.seq))) {
          next = s;
          nextId = id;
        }
      }
      if (!next) break;
      this.pending.delete(nextId);
      this.t = Math.max(this.t, next.at);
      next.fn();
      await settle();
    }
    this.t = Math.max(this.t, targetMs);
    await settle();
  }
}
