/**
 * Picks the query engine from configuration (SPEC section 7:
 * `LIVELENS_ENGINE` / `--engine`), never from a code change.
 *
 * | variable                      | meaning                                  | default |
 * |-------------------------------|------------------------------------------|---------|
 * | LIVELENS_ENGINE               | `duckdb` or `athena`                     | `duckdb` |
 * | LIVELENS_DUCKDB_MEMORY_LIMIT  | DuckDB memory_limit (spills beyond it)   | `2GB`   |
 * | LIVELENS_DUCKDB_THREADS       | DuckDB worker threads                    | all cores |
 * Athena's variables: athena-config.ts.
 *
 * @example
 * const engine = await createEngine({ engine: 'duckdb', dataDir: './.livelens' });
 */
import type { QueryEngine } from './engine.ts';
import { createDuckDbEngine } from './duckdb.ts';
import { createAthenaEngine } from './athena.ts';
import { athenaConfigFromEnv, requireAwsRegion } from './athena-config.ts';
import type { AthenaConfig } from './athena-config.ts';

export const ENGINE_NAMES = ['duckdb', 'athena'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export interface EngineSettings {
  /** `duckdb` (default) or `athena`. */
  engine?: string;
  /** Local data dir holding `lake/` (DuckDB). */
  dataDir: string;
  memoryLimit?: string;
  threads?: number;
  /** Athena settings; read from the environment when absent. */
  athena?: AthenaConfig;
}

/** Checks an engine name from a flag or variable. */
export function engineName(value: string | undefined): EngineName {
  const name = value ?? 'duckdb';
  if (!(ENGINE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`engine "${name}" is not known: use ${ENGINE_NAMES.join(' or ')}`);
  }
  return name as EngineName;
}

/** DuckDB tuning from `LIVELENS_DUCKDB_MEMORY_LIMIT` / `LIVELENS_DUCKDB_THREADS`. */
export function duckDbTuningFromEnv(env: NodeJS.ProcessEnv = process.env): { memoryLimit?: string; threads?: number } {
  const tuning: { memoryLimit?: string; threads?: number } = {};
  const memory = env.LIVELENS_DUCKDB_MEMORY_LIMIT;
  if (memory) {
    if (!/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(memory)) {
      throw new Error(`LIVELENS_DUCKDB_MEMORY_LIMIT="${memory}" is not a size: use e.g. 512MB or 2GB`);
    }
    tuning.memoryLimit = memory;
  }
  const threads = env.LIVELENS_DUCKDB_THREADS;
  if (threads) {
    const n = Number(threads);
    if (!Number.isInteger(n) || n < 1) throw new Error(`LIVELENS_DUCKDB_THREADS="${threads}" must be a whole number of at least 1`);
    tuning.threads = n;
  }
  return tuning;
}

/** Opens the configured engine. */
export async function createEngine(settings: EngineSettings): Promise<QueryEngine> {
  if (engineName(settings.engine) === 'athena') {
    if (settings.athena) return createAthenaEngine(settings.athena);
    requireAwsRegion();
    return createAthenaEngine(athenaConfigFromEnv());
  }
  const tuning = duckDbTuningFromEnv();
  return createDuckDbEngine({
    dataDir: settings.dataDir,
    memoryLimit: settings.memoryLimit ?? tuning.memoryLimit,
    threads: settings.threads ?? tuning.threads,
  });
}
