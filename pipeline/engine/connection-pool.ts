/**
 * A bounded pool of connections (or any reusable resource): at most `max`
 * opened, each lent to one piece of work at a time, callers beyond that
 * waiting first come, first served. Connections are opened on demand and
 * kept for reuse; `close` waits for the work in flight, then closes them.
 *
 * @example
 * const pool = new ConnectionPool(3, () => instance.connect(), (c) => c.closeSync());
 * const rows = await pool.use((con) => con.runAndReadAll('SELECT 1'));
 * await pool.close();
 */

export class ConnectionPool<T> {
  private readonly idle: T[] = [];
  /** Callers waiting for a connection to come back (or a failed open to free a place). */
  private readonly waiters: Array<() => void> = [];
  private opened = 0;
  private opening = 0;
  private inFlight = 0;
  private readonly drainedWaiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly max: number,
    private readonly open: () => Promise<T>,
    private readonly closeOne: (resource: T) => void,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`a connection pool needs at least 1 connection (got ${max})`);
  }

  /** Connections opened so far (never more than `max`). */
  get size(): number {
    return this.opened;
  }

  /** Runs `work` with a connection of its own, waiting for one when all `max` are busy. */
  async use<R>(work: (resource: T) => Promise<R>): Promise<R> {
    if (this.closed) throw new Error('the connection pool is closed');
    this.inFlight += 1;
    try {
      const resource = await this.acquire();
      try {
        return await work(resource);
      } finally {
        this.release(resource);
      }
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const done of this.drainedWaiters.splice(0)) done();
    }
  }

  /** Waits for the work in flight, then closes every connection; later `use` calls fail. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.drainedWaiters.push(resolve));
    for (const resource of this.idle.splice(0)) this.closeOne(resource);
    this.opened = 0;
  }

  private async acquire(): Promise<T> {
    for (;;) {
      const ready = this.idle.pop();
      if (ready !== undefined) return ready;
      if (this.opened + this.opening < this.max) {
        this.opening += 1;
        try {
          const resource = await this.open();
          this.opened += 1;
          return resource;
        } catch (err) {
          // The place this open held is free again: the next waiter may try.
          this.waiters.shift()?.();
          throw err;
        } finally {
          this.opening -= 1;
        }
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private release(resource: T): void {
    this.idle.push(resource);
    this.waiters.shift()?.();
  }
}
