/**
 * Runs the experiment report on the configured engine (opening and
 * closing it unless one is passed in): the entry point for the CLI,
 * dashboard and demo. The experiment's definition comes from the
 * definitions file (docs/spec.md §7: `experimentsFile`, resolved by the
 * caller from --experiments / LIVELENS_EXPERIMENTS through config/settings.ts,
 * else `<data dir>/experiments.json` if present) unless one is passed in.
 *
 * @example
 * const report = await runExperimentReport('exp1', { dataDir: './.livelens', method: 'sequential' });
 */
import type { QueryEngine } from '../engine/engine.ts';
import { createEngine, type EngineSettings } from '../engine/create-engine.ts';
import { analyzeExperiment, type ExperimentOptions, type ExperimentReport } from './experiment.ts';
import { experimentsFileFor, loadExperimentDefinitions } from './experiment-definitions.ts';

export interface ExperimentRunOptions extends ExperimentOptions, Partial<EngineSettings> {
  /** An open engine to reuse (not closed here). */
  queryEngine?: QueryEngine;
  /** The definitions file; it must exist when given. */
  experimentsFile?: string;
}

/** The experiment's definition from the file that applies, if any. */
async function definitionFor(experimentId: string, options: ExperimentRunOptions, dataDir: string) {
  if (options.definition !== undefined) return options.definition;
  const file = experimentsFileFor(options.experimentsFile, dataDir);
  if (file === null) return undefined;
  return (await loadExperimentDefinitions(file)).get(experimentId);
}

export async function runExperimentReport(experimentId: string, options: ExperimentRunOptions = {}): Promise<ExperimentReport> {
  const dataDir = options.dataDir ?? './.livelens';
  const definition = await definitionFor(experimentId, options, dataDir);
  const engine = options.queryEngine ?? (await createEngine({ ...options, dataDir }));
  try {
    return await analyzeExperiment(engine, experimentId, { ...options, ...(definition ? { definition } : {}) });
  } finally {
    if (options.queryEngine === undefined) await engine.close();
  }
}
