/**
 * What the reports count: every event_id of the deduplicated `events` view
 * (the one every report reads) with its number of rows there, and of raw
 * rows in the lake; then the fault test's line: sent, acknowledged, counted.
 *
 * @example
 * const c = await countInReports(dataDir, load.stats);
 * expect(c.notExactlyOnce).toEqual([]);
 */
import { createDuckDbEngine } from '../../pipeline/engine/duckdb.ts';
import type { LoadStats } from './sdk-load.ts';

export interface Counted {
  /** Acknowledged events found exactly once in the reports' events view. */
  counted: number;
  /** Acknowledged events missing from the reports, or there more than once (should be none). */
  notExactlyOnce: Array<{ event_id: string; rows: number }>;
  /** Events in the reports the load never sent (should be none). */
  strangers: number;
  /** Rows in the lake (re-deliveries included) against distinct event_ids there. */
  lakeRows: number;
  lakeDistinct: number;
}

export async function countInReports(dataDir: string, stats: LoadStats): Promise<Counted> {
  const engine = await createDuckDbEngine({ dataDir, threads: 1, memoryLimit: '256MB' });
  try {
    const rows = (await engine.select('SELECT event_id, count(*) AS n FROM events GROUP BY event_id')).rows;
    const lake = (await engine.select('SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM lake_events')).rows[0]!;
    const inReports = new Map(rows.map((r) => [String(r.event_id), Number(r.n)]));
    const notExactlyOnce: Counted['notExactlyOnce'] = [];
    let counted = 0;
    for (const id of stats.ackedIds) {
      const n = inReports.get(id) ?? 0;
      if (n === 1) counted++;
      else notExactlyOnce.push({ event_id: id, rows: n });
    }
    const strangers = [...inReports.keys()].filter((id) => !stats.sentIds.has(id)).length;
    return { counted, notExactlyOnce, strangers, lakeRows: Number(lake.n), lakeDistinct: Number(lake.d) };
  } finally {
    await engine.close();
  }
}

/** The line each fault test prints. */
export function faultLine(fault: string, stats: LoadStats, c: Counted): string {
  const statuses = Object.entries(stats.statuses).map(([k, v]) => `${k}:${v}`).join(' ');
  return `[fault] ${fault}: sent ${stats.sent}, acknowledged ${stats.acked}, counted ${c.counted} (lake rows ${c.lakeRows}, distinct ${c.lakeDistinct}; ${stats.attempts} attempts: ${statuses})`;
}
