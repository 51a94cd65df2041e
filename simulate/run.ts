/**
 * `runSimulation`: plants a world, plays every session through the real SDK
 * to a running collector, writes the orders as the retailers' CSV exports,
 * and writes the ground truth to `truth.json`.
 *
 * @example
 * const sim = await runSimulation({ seed: 7, shows: 6, viewers: 800, hours: 8, endpoint: c.url,
 *   writeKeys: { northwind: 'k1', lumiere: 'k2' }, outDir: '.livelens/simulation' });
 * sim.orderFiles; // import each with importOrders(file, { dataDir, retailer })
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RETAILERS, SHOW_FORMAT_EXPERIMENT, AA_EXPERIMENT, SHOW_AA_EXPERIMENT, SHOW_LEVEL_EXPERIMENT } from './world/catalog.ts';
import { driveSession, viewerStorage } from './world/drive.ts';
import { planOrders } from './world/orders.ts';
import { writeOrderCsvs, type OrderCsvFile } from './world/orders-csv.ts';
import { planSessions, type PlannedSession } from './world/sessions.ts';
import { computeTruth, type GroundTruth } from './truth/truth.ts';
import { generateWorld, type World } from './world/world.ts';

/** Shows end this long before now; late orders (up to 29 h after a click) still lie in the past. */
export const LATE_ORDER_ROOM_MS = 30 * 3_600_000;
/**
 * Longest simulated span: the oldest event must stay inside the collector's
 * 72 h bound (MAX_EVENT_AGE_MS) with room for late orders and a slow run.
 */
export const MAX_SIM_HOURS = 36;
/** Viewers driven at once (each one's sessions in order, as one browser). */
export const DEFAULT_CONCURRENCY = 32;
export const TRUTH_FILE = 'truth.json';

export interface SimulationOptions {
  seed: number;
  shows: number;
  viewers: number;
  hours: number;
  /** Collector base URL. */
  endpoint: string;
  /** retailer id → write key of that retailer. */
  writeKeys: Readonly<Record<string, string>>;
  /** Header the collector trusts for the viewer's country. */
  regionHeader?: string;
  /** Where the order CSVs and truth.json go. */
  outDir: string;
  concurrency?: number;
  /** Real "now" (epoch ms); the world ends LATE_ORDER_ROOM_MS before it. */
  nowMs?: number;
  /** Called after each session: sessions done, sessions in all. */
  onProgress?: (done: number, total: number) => void;
}

export interface SimulationResult {
  world: World;
  sessions: PlannedSession[];
  truth: GroundTruth;
  truthFile: string;
  orderFiles: OrderCsvFile[];
  /** Events the collector acknowledged / listed as rejected / the SDK dropped, summed over sessions. */
  events: { accepted: number; rejected: number; refused: number; dropped: number };
  /** HTTP status → requests. */
  statuses: Record<string, number>;
  /** Answers the simulated network dropped, so the SDK re-sent those batches (duplicates the pipeline must absorb). */
  lostAcks: number;
  /** Inclusive first and exclusive last epoch ms of the simulated events. */
  span: { fromMs: number; toMs: number };
  elapsedMs: number;
}

/** Start of the world for a run at `nowMs`: whole minutes, `hours` of shows ending LATE_ORDER_ROOM_MS ago. */
export function worldStartMs(nowMs: number, hours: number): number {
  if (!(hours > 0 && hours <= MAX_SIM_HOURS)) throw new Error(`hours must be above 0 and at most ${MAX_SIM_HOURS} (events older than 72 h are refused by the collector); got ${hours}`);
  return Math.floor((nowMs - LATE_ORDER_ROOM_MS - hours * 3_600_000) / 60_000) * 60_000;
}

/** Runs `worker` over `items` with at most `limit` at once. */
async function pool<T>(items: readonly T[], limit: number, worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await worker(items[next++]!);
  });
  await Promise.all(lanes);
}

export async function runSimulation(o: SimulationOptions): Promise<SimulationResult> {
  const started = Date.now();
  for (const r of RETAILERS) {
    if (!o.writeKeys[r.id]) {
      throw new Error(`no write key for retailer "${r.id}": the simulation needs one key per retailer (${RETAILERS.map((x) => `KEY@${x.id}`).join(',')})`);
    }
  }
  const startMs = worldStartMs(o.nowMs ?? Date.now(), o.hours);
  const world = generateWorld({ seed: o.seed, shows: o.shows, viewers: o.viewers, hours: o.hours, startMs });
  const sessions = planSessions(world);
  const byViewer = new Map<string, PlannedSession[]>();
  for (const s of sessions) byViewer.set(s.viewerId, [...(byViewer.get(s.viewerId) ?? []), s]);

  const clickIds = new Map<string, string>();
  const variants = new Map<string, Map<string, string>>([[SHOW_FORMAT_EXPERIMENT.id, new Map()], [AA_EXPERIMENT.id, new Map()]]);
  /** Show-level experiments: experiment id → show id → variant the SDK gave the show. */
  const showVariants = new Map<string, Map<string, string>>([[SHOW_LEVEL_EXPERIMENT.id, new Map()], [SHOW_AA_EXPERIMENT.id, new Map()]]);
  const events = { accepted: 0, rejected: 0, refused: 0, dropped: 0 };
  const statuses: Record<string, number> = {};
  let lostAcks = 0;
  let done = 0;
  await pool([...byViewer.values()], o.concurrency ?? DEFAULT_CONCURRENCY, async (mine) => {
    const storage = viewerStorage(mine[0]!.viewerId);
    for (const s of mine) {
      const r = await driveSession(s, { endpoint: o.endpoint, writeKey: o.writeKeys[s.retailerId]!, regionHeader: o.regionHeader ?? 'cloudfront-viewer-country' }, storage, o.seed);
      for (const [k, id] of r.clickIds) clickIds.set(k, id);
      for (const [exp, v] of Object.entries(r.variants)) {
        variants.get(exp)?.set(s.viewerId, v);
        showVariants.get(exp)?.set(s.showId, v);
      }
      events.accepted += r.stats.accepted;
      events.rejected += r.stats.rejected;
      events.refused += r.stats.refused;
      events.dropped += r.stats.dropped;
      lostAcks += r.lostAcks;
      for (const [status, n] of r.statuses) statuses[status] = (statuses[status] ?? 0) + n;
      o.onProgress?.(++done, sessions.length);
    }
  });

  const lines = planOrders(world, sessions, {
    variantOf: (v) => variants.get(SHOW_FORMAT_EXPERIMENT.id)!.get(v),
    showVariantOf: (show) => showVariants.get(SHOW_LEVEL_EXPERIMENT.id)!.get(show),
    clickIdOf: (k) => clickIds.get(k),
  });
  mkdirSync(o.outDir, { recursive: true });
  const orderFiles = writeOrderCsvs(lines, o.outDir);
  const truth = computeTruth({ world, sessions, lines, clickIds, variants, showVariants });
  const truthFile = join(o.outDir, TRUTH_FILE);
  const span = { fromMs: Math.min(...sessions.map((s) => s.joinMs)), toMs: Math.max(...sessions.map((s) => s.leaveMs)) + 1 };
  writeFileSync(truthFile, `${JSON.stringify({ ...truth, options: world.options, span, order_files: orderFiles }, null, 2)}\n`);
  return { world, sessions, truth, truthFile, orderFiles, events, statuses, lostAcks, span, elapsedMs: Date.now() - started };
}
