/**
 * One query engine for the server's lifetime, shared by every API request
 * and used by them at once: the DuckDB engine runs concurrent queries on
 * several connections of one instance (pipeline/engine/duckdb.ts), Athena
 * runs them as separate executions. `warm` opens it (building the lake
 * views) when the server starts, so the first view does not pay for it.
 * The DuckDB engine rebuilds its lake views itself when files land.
 *
 * @example
 * const engines = new SharedEngine({ dataDir });
 * void engines.warm();
 * const rows = await engines.use((engine) => engine.run('experiments_seen', params));
 */
import { createEngine, type EngineSettings } from '../../pipeline/engine/create-engine.ts';
import type { QueryEngine } from '../../pipeline/engine/engine.ts';

export class SharedEngine {
  private engine: Promise<QueryEngine> | undefined;
  private closed = false;

  constructor(private readonly settings: EngineSettings, private readonly open: (s: EngineSettings) => Promise<QueryEngine> = createEngine) {}

  /** The engine, opened once (a failed open is retried by the next caller). */
  private opened(): Promise<QueryEngine> {
    if (this.closed) return Promise.reject(new Error('the dashboard engine is closed (the server is stopping)'));
    if (this.engine === undefined) {
      const opening = this.open(this.settings);
      this.engine = opening;
      opening.catch(() => {
        if (this.engine === opening) this.engine = undefined;
      });
    }
    return this.engine;
  }

  /** Runs `work` with the engine, at once with other work. */
  async use<T>(work: (engine: QueryEngine) => Promise<T>): Promise<T> {
    return work(await this.opened());
  }

  /** Opens the engine now (server start); resolves when it is ready, never rejects (the first request reports a failure). */
  async warm(): Promise<void> {
    await this.opened().catch(() => undefined);
  }

  /** Closes the engine (if opened), after the queries in flight. */
  async close(): Promise<void> {
    this.closed = true;
    const engine = this.engine;
    this.engine = undefined;
    if (engine) await (await engine.catch(() => undefined))?.close();
  }
}
