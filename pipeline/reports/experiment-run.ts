/**
 * Runs the experiment report on the configured engine (opening and
 * closing it unless one is passed in): the entry point for the CLI,
 * dashboard and demo.
 *
 * @example
 * const report = await runExperimentReport('exp1', { dataDir: './.livelens', method: 'sequential' });
 */
import type { QueryEngine } from '../engine/engine.ts';
import { createEngine, type EngineSettings } from '../engine/create-engine.ts';
import { analyzeExperiment, type ExperimentOptions, type ExperimentReport } from './experiment.ts';

export interface ExperimentRunOptions extends ExperimentOptions, Partial<EngineSettings> {
  /** An open engine to reuse (not closed here). */
  queryEngine?: QueryEngine;
}

export async function runExperimentReport(experimentId: string, options: ExperimentRunOptions = {}): Promise<ExperimentReport> {
  const engine = options.queryEngine ?? (await createEngine({ ...options, dataDir: options.dataDir ?? './.livelens' }));
  try {
    return await analyzeExperiment(engine, experimentId, options);
  } finally {
    if (options.queryEngine === undefined) await engine.close();
  }
}
