/**
 * One query engine for the server's lifetime, opened on first use and
 * shared by every API request; queries take turns on it (one DuckDB
 * connection runs one statement at a time). The DuckDB engine rebuilds its
 * lake views itself when files land.
 *
 * @example
 * const engines = new SharedEngine({ dataDir });
 * const rows = await engines.use((engine) => engine.run('experiments_seen', params));
 */
import { createEngine, type EngineSettings } from '../../pipeline/engine/create-engine.ts';
import type { QueryEngine } from '../../pipeline/engine/engine.ts';

export class SharedEngine {
  private engine: Promise<QueryEngine> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly settings: EngineSettings, private readonly open: (s: EngineSettings) => Promise<QueryEngine> = createEngine) {}

  /** Runs `work` with the engine once earlier work finished. */
  use<T>(work: (engine: QueryEngine) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      this.engine ??= this.open(this.settings);
      let engine: QueryEngine;
      try {
        engine = await this.engine;
      } catch (err) {
        this.engine = undefined;
        throw err;
      }
      return work(engine);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Closes the engine (if opened). */
  async close(): Promise<void> {
    const engine = this.engine;
    this.engine = undefined;
    if (engine) await (await engine).close();
  }
}
