/**
 * Results of required queries that several report queries read with the
 * same parameters, computed once per lake state and parameters into a table
 * and read by each of them (DuckDB: a table of the in-memory database, so
 * every connection sees it). The three qoe-impact groupings each read all of
 * qoe_impact_buckets (every dimension) and the Quality view asks for all
 * three at once: one computation instead of three.
 *
 * Requests in flight for the same key share one computation; a failed one is
 * not kept. At most `maxEntries` results are kept, the least recently used
 * dropped first; a result is dropped only once no statement reads it, and
 * every result goes when the lake changes (`clear`).
 *
 * @example
 * const shared = new SharedResults(MAX_SHARED_RESULTS, (table, name) => run(`CREATE TABLE ${table} AS ...`), (table) => run(`DROP TABLE ${table}`));
 * const rows = await shared.use({ qoe_impact_buckets: key }, (tables) => query(tables));
 */

/** Shared results kept at once (each a small aggregate: qoe_impact_buckets is at most a few thousand rows). */
export const MAX_SHARED_RESULTS = 16;
/** The prefix of every shared result's table name. */
export const SHARED_TABLE_PREFIX = 'shared_';

interface Entry {
  table: string;
  ready: Promise<void>;
  /** Statements holding the result (waiting for it or reading it). */
  users: number;
  /** Out of the map (evicted or the lake changed): dropped when the last user lets go. */
  retired: boolean;
}

export class SharedResults {
  private readonly entries = new Map<string, Entry>();
  private sequence = 0;

  constructor(
    private readonly maxEntries: number,
    /** Computes query `name` into the new table `table`. */
    private readonly create: (table: string, name: string, key: string) => Promise<void>,
    /** Drops a table made by `create` (errors are ignored: the table may be gone with the database). */
    private readonly drop: (table: string) => Promise<void>,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error(`shared results: maxEntries must be a whole number of at least 1 (got ${maxEntries})`);
  }

  /**
   * Runs `work` with the table of each query in `keys` (query name → its
   * key: lake state and parameters), computing those not kept yet.
   */
  async use<T>(keys: Readonly<Record<string, string>>, work: (tables: Record<string, string>) => Promise<T>): Promise<T> {
    const held: Entry[] = [];
    try {
      const tables: Record<string, string> = {};
      for (const [name, key] of Object.entries(keys)) {
        const entry = this.acquire(name, key);
        held.push(entry);
        await entry.ready;
        tables[name] = entry.table;
      }
      return await work(tables);
    } finally {
      for (const entry of held) this.release(entry);
    }
  }

  /** Retires every kept result (the lake changed); those in use are dropped when their statements end. */
  clear(): void {
    for (const entry of this.entries.values()) this.retire(entry);
    this.entries.clear();
  }

  /** Results kept now. */
  get size(): number {
    return this.entries.size;
  }

  private acquire(name: string, key: string): Entry {
    const mapKey = JSON.stringify([name, key]);
    const found = this.entries.get(mapKey);
    if (found !== undefined) {
      this.entries.delete(mapKey);
      this.entries.set(mapKey, found);
      found.users += 1;
      return found;
    }
    this.sequence += 1;
    const table = `${SHARED_TABLE_PREFIX}${name}_${this.sequence}`;
    const entry: Entry = { table, ready: this.create(table, name, key), users: 1, retired: false };
    entry.ready.catch(() => {
      if (this.entries.get(mapKey) === entry) this.entries.delete(mapKey);
      this.retire(entry);
    });
    this.entries.set(mapKey, entry);
    for (const [oldKey, old] of this.entries) {
      if (this.entries.size <= this.maxEntries) break;
      if (old.users > 0) continue;
      this.entries.delete(oldKey);
      this.retire(old);
    }
    return entry;
  }

  private release(entry: Entry): void {
    entry.users -= 1;
    if (entry.retired && entry.users === 0) void this.drop(entry.table).catch(() => undefined);
  }

  private retire(entry: Entry): void {
    if (entry.retired) return;
    entry.retired = true;
    if (entry.users === 0) void this.drop(entry.table).catch(() => undefined);
  }
}
