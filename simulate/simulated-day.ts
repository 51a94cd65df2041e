/**
 * The whole product on one machine, fed by the simulator: embedded Kinesis
 * and the collector (server/start-server.ts), a continuous ingest while the viewers
 * watch, then a final catch-up ingest, the order imports, the reports, and
 * a comparison of every report with the planted truth. `livelens demo` and
 * the end-to-end test both run this.
 *
 * @example
 * const day = await runSimulatedDay({ dataDir: '.livelens', seed: 7, shows: 6, viewers: 800, hours: 8 });
 * day.mismatches; // [] when every report equals the ground truth
 * await day.serve.stop();
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIMULATION_DIR } from '../contract/data-dir.ts';
import { randomBytes } from 'node:crypto';
import { startServer, type ServerHandle, type ServerRoutes, type ServerService } from '../server/start-server.ts';
import { createLogger, type Logger } from '../collector/log.ts';
import { createEngine } from '../pipeline/engine/create-engine.ts';
import { runIngest, type IngestStats } from '../pipeline/ingest/run-ingest.ts';
import { importOrders, type ImportOrdersResult } from '../pipeline/orders/import-orders.ts';
import { analyzeExperiment, type ExperimentReport } from '../pipeline/reports/experiment.ts';
import { runReport } from '../pipeline/reports/run-report.ts';
import type { Row } from '../pipeline/engine/engine.ts';
import { RETAILERS, SIMULATED_EXPERIMENTS, simulatedExperimentDefinitions } from './world/catalog.ts';
import { DEFAULT_EXPERIMENTS_FILE, loadExperimentDefinitions } from '../pipeline/reports/experiment-definitions.ts';
import { compareConversion, compareExperiment, compareQoe, type Mismatch } from './truth/compare.ts';
import { runSimulation, type SimulationResult } from './run.ts';
import type { ConversionDimension, QoeDimension } from './truth/truth.ts';

/** The trusted header that carries each simulated viewer's own address (so per-address rate limits see many viewers). */
export const SIM_CLIENT_ADDRESS_HEADER = 'x-forwarded-for';

export interface SimulatedDayOptions {
  dataDir: string;
  seed: number;
  shows: number;
  viewers: number;
  hours: number;
  /** Collector port; 0 picks a free one. */
  port?: number;
  /** retailer id → write key the simulator sends with; default: a fresh random key per retailer. */
  writeKeys?: Record<string, string>;
  /** More `key@retailer[=origins]` entries the collector also accepts (the user's own keys). */
  extraWriteKeys?: string;
  concurrency?: number;
  /** More routes and sub-apps on the collector's port (the dashboard, live routes). */
  routes?: ServerRoutes[];
  /** Background services beside the collector (the live reader). */
  services?: ServerService[];
  /** More sections of the server's `GET /metrics` (the live view's counters). */
  metrics?: () => Record<string, unknown>;
  log?: Logger;
  /** Step names as they start ("simulate", "ingest", ...). */
  onStep?: (step: string) => void;
  onProgress?: (done: number, total: number) => void;
}

export interface SimulatedDay {
  serve: ServerHandle;
  writeKeys: Record<string, string>;
  simulation: SimulationResult;
  ingest: IngestStats[];
  imports: Array<ImportOrdersResult & { retailer: string; file: string }>;
  conversion: Record<ConversionDimension, Row[]>;
  qoeByRegion: Row[];
  qoe: Record<QoeDimension, Row[]>;
  experiments: Record<string, ExperimentReport>;
  mismatches: Mismatch[];
  /** Milliseconds per step. */
  timings: Record<string, number>;
}

/** Default write keys: one random key per retailer, valid for the collector's key syntax. */
export function generateRetailerKeys(): Record<string, string> {
  return Object.fromEntries(RETAILERS.map((r) => [r.id, `demo-${r.id}-${randomBytes(6).toString('hex')}`]));
}

/** Runs a simulated day end to end; the collector is left running (call `serve.stop()`). */
export async function runSimulatedDay(o: SimulatedDayOptions): Promise<SimulatedDay> {
  const timings: Record<string, number> = {};
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    o.onStep?.(name);
    const t0 = Date.now();
    try {
      return await work();
    } finally {
      timings[name] = Date.now() - t0;
    }
  };
  const log = o.log ?? createLogger('warn');
  const writeKeys = o.writeKeys ?? generateRetailerKeys();
  const serve = await step('start', () =>
    startServer({
      dataDir: o.dataDir,
      port: o.port ?? 0,
      writeKeys: [...(o.extraWriteKeys ? [o.extraWriteKeys] : []), ...Object.entries(writeKeys).map(([retailer, key]) => `${key}@${retailer}`)].join(','),
      clientAddressHeader: SIM_CLIENT_ADDRESS_HEADER,
      routes: o.routes,
      services: o.services,
      metrics: o.metrics,
      log,
    }),
  );
  const kinesis = { endpoint: serve.kinesisEndpoint, stream: serve.stream };
  // Ingest runs while the viewers watch, as in production; it is stopped (landing what it read) once they are done.
  const live = new AbortController();
  const liveIngest = runIngest({ dataDir: o.dataDir, kinesis, signal: live.signal });
  try {
    // The experiments are defined before they run, as a growth team would: the report reads this file.
    mkdirSync(o.dataDir, { recursive: true });
    writeFileSync(join(o.dataDir, DEFAULT_EXPERIMENTS_FILE), `${JSON.stringify(simulatedExperimentDefinitions(), null, 2)}\n`);
    const simulation = await step('simulate', () =>
      runSimulation({
        seed: o.seed, shows: o.shows, viewers: o.viewers, hours: o.hours,
        endpoint: serve.url, writeKeys, outDir: join(o.dataDir, SIMULATION_DIR),
        concurrency: o.concurrency, onProgress: o.onProgress,
      }),
    );
    const ingest = await step('ingest', async () => {
      live.abort();
      const first = await liveIngest;
      return [first, await runIngest({ dataDir: o.dataDir, kinesis, once: true })];
    });
    const imports = await step('orders', async () => {
      const out: SimulatedDay['imports'] = [];
      for (const f of simulation.orderFiles) out.push({ ...(await importOrders(f.file, { dataDir: o.dataDir, retailer: f.retailerId })), retailer: f.retailerId, file: f.file });
      return out;
    });
    const engine = await createEngine({ dataDir: o.dataDir });
    try {
      const conversion = await step('reports', async () => {
        const out = {} as Record<ConversionDimension, Row[]>;
        for (const by of ['creator', 'show', 'offer', 'region'] as const) out[by] = (await runReport('conversion', { by, dataDir: o.dataDir, queryEngine: engine })).rows;
        return out;
      });
      const qoe = {} as Record<QoeDimension, Row[]>;
      for (const by of ['region', 'show', 'device'] as const) qoe[by] = (await runReport('qoe', { by, dataDir: o.dataDir, queryEngine: engine })).rows;
      const qoeByRegion = qoe.region;
      const experiments = await step('experiments', async () => {
        const out: Record<string, ExperimentReport> = {};
        // The definitions the simulator wrote (<data dir>/experiments.json): two viewer-level and two show-level experiments.
        const definitions = await loadExperimentDefinitions(join(o.dataDir, DEFAULT_EXPERIMENTS_FILE));
        for (const { id } of SIMULATED_EXPERIMENTS) out[id] = await analyzeExperiment(engine, id, { definition: definitions.get(id)! });
        return out;
      });
      const truth = simulation.truth;
      const mismatches = [
        ...(['creator', 'show', 'offer', 'region'] as const).flatMap((by) => compareConversion(by, truth.conversion[by], conversion[by])),
        ...(['region', 'show', 'device'] as const).flatMap((by) => compareQoe(by, truth.qoe[by], qoe[by])),
        ...Object.values(experiments).flatMap((e) => compareExperiment(truth.experiments[e.experiment_id]!, e)),
      ];
      return { serve, writeKeys, simulation, ingest, imports, conversion, qoeByRegion, qoe, experiments, mismatches, timings };
    } finally {
      await engine.close();
    }
  } catch (err) {
    live.abort();
    await liveIngest.catch(() => undefined);
    await serve.stop();
    throw err;
  }
}
