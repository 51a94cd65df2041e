/**
 * Opens the query engine the settings name (docs/spec.md §7:
 * `LIVELENS_ENGINE` / `--engine`), never from a code change. The engine's
 * settings (`ENGINE_SETTINGS`, declared in config/settings.ts) are
 * resolved once by the command and passed in; nothing here reads the
 * environment.
 *
 * @example
 * const engine = await createEngine(engineSettingsFrom(resolveSettings(ENGINE_SETTINGS, cmd.opts())));
 * const local = await createEngine({ dataDir: './.livelens' }); // DuckDB with its defaults
 */
import type { SettingName, SettingsOf } from '../../config/settings.ts';
import type { QueryEngine } from './engine.ts';
import { createDuckDbEngine } from './duckdb.ts';
import { createAthenaEngine } from './athena.ts';
import { ATHENA_SETTINGS, athenaConfigFrom, requireAwsRegion } from './athena-config.ts';
import type { AthenaConfig } from './athena-config.ts';
import { requireLocalLake, type LakeLocation } from '../lake/lake-location.ts';
import { lakeLocationOf } from '../lake/lake-from-settings.ts';

export type EngineName = 'duckdb' | 'athena';

export interface EngineSettings {
  /** `duckdb` (default) or `athena`. */
  engine?: EngineName;
  /** Local data dir holding `lake/` (DuckDB). */
  dataDir: string;
  memoryLimit?: string;
  threads?: number;
  /** DuckDB: report queries run at once (default DEFAULT_DUCKDB_CONNECTIONS); benchmarks compare 1. */
  connections?: number;
  /** Where the lake is (LIVELENS_LAKE / LIVELENS_LAKE_S3): DuckDB reads a folder and refuses s3://; default `<dataDir>/lake`. */
  lake?: LakeLocation;
  /** Athena settings; required for the athena engine. */
  athena?: AthenaConfig;
}

/** Every setting an engine takes. */
export const ENGINE_SETTINGS = ['engine', 'dataDir', 'duckdbMemoryLimit', 'duckdbThreads', ...ATHENA_SETTINGS] as const satisfies readonly SettingName[];

/** Engine settings from resolved settings. */
export function engineSettingsFrom(s: SettingsOf<typeof ENGINE_SETTINGS>): EngineSettings {
  const settings: EngineSettings = { engine: s.engine, dataDir: s.dataDir, memoryLimit: s.duckdbMemoryLimit, athena: athenaConfigFrom(s), lake: lakeLocationOf(s) };
  if (s.duckdbThreads !== undefined) settings.threads = s.duckdbThreads;
  return settings;
}

/** Opens the configured engine. */
export async function createEngine(settings: EngineSettings): Promise<QueryEngine> {
  if ((settings.engine ?? 'duckdb') === 'athena') {
    if (!settings.athena) throw new Error('the athena engine needs its settings: pass engineSettingsFrom(resolveSettings(ENGINE_SETTINGS, ...))');
    requireAwsRegion(settings.athena.region);
    return createAthenaEngine(settings.athena);
  }
  // DuckDB reads a folder lake; an s3:// one is refused naming both settings (docs/spec.md §7).
  const lakeDir = settings.lake ? requireLocalLake(settings.lake) : undefined;
  return createDuckDbEngine({ dataDir: settings.dataDir, lakeDir, memoryLimit: settings.memoryLimit, threads: settings.threads, connections: settings.connections });
}
