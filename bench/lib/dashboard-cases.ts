/**
 * The data API endpoints the dashboard benchmark times, each with its
 * baseline: the same report run by the report layer on an open engine
 * (what `livelens report` runs, without process start), or for the two
 * endpoints the CLI has no report for, the one library call the route makes
 * (`experiments_seen`, `dataHealth`).
 *
 * @example
 * const cases = await endpointCases(engine, dataDir);
 * await cases[0].baseline(engine, { to: '4102444800001' });
 */
import { API_REPORTS } from '../../dashboard/api/routes.ts';
import { dataHealth } from '../../dashboard/api/data-health.ts';
import type { QueryEngine } from '../../pipeline/engine/engine.ts';
import { REPORTS, runReportRequest } from '../../pipeline/reports/index.ts';

export interface EndpointCase {
  /** Printed name, e.g. `qoe?by=region`. */
  name: string;
  /** Path under the server, e.g. `/api/v1/reports/qoe`. */
  path: string;
  params: Record<string, string>;
  /** The baseline: the report layer's own run of the same request (`extra` are the round's filters). */
  baseline(engine: QueryEngine, extra: Record<string, string>): Promise<unknown>;
}

/** The end of time the experiments list binds without a `to`, as the route does. */
const NO_END_MS = 8_640_000_000_000_000;

/** Every report endpoint and grouping, the experiments list, the first experiment seen (its report and cumulative lift) and data health. */
export async function endpointCases(engine: QueryEngine, dataDir: string): Promise<EndpointCase[]> {
  const shows = await runReportRequest('conversion', { by: 'show' }, { queryEngine: engine });
  const showId = String(shows.rows[0]?.show_id ?? '');
  const seen = await engine.run('experiments_seen', { from_ms: 0, to_ms: NO_END_MS, retailer_id: '', creator_id: '', show_id: '', region: '' });
  const experimentId = seen[0] ? String(seen[0].experiment_id) : undefined;
  const cases: EndpointCase[] = [];
  for (const report of API_REPORTS) {
    const groupings = report === 'timeline' ? [undefined] : Object.keys(REPORTS[report].groupings);
    for (const by of groupings) {
      const params: Record<string, string> = by === undefined ? { show: showId } : { by };
      cases.push({
        name: `${report}?${new URLSearchParams(params)}`,
        path: `/api/v1/reports/${report}`,
        params,
        baseline: (e, extra) => runReportRequest(report, { ...params, ...extra }, { queryEngine: e }),
      });
    }
  }
  cases.push({
    name: 'experiments',
    path: '/api/v1/experiments',
    params: {},
    baseline: (e, extra) => e.run('experiments_seen', { from_ms: 0, to_ms: Number(extra.to ?? NO_END_MS), retailer_id: '', creator_id: '', show_id: '', region: '' }),
  });
  if (experimentId !== undefined) {
    cases.push({
      name: `experiments/${experimentId}`,
      path: `/api/v1/experiments/${encodeURIComponent(experimentId)}`,
      params: {},
      baseline: (e, extra) => runReportRequest('experiment', { ...extra, id: experimentId }, { queryEngine: e }),
    });
    cases.push({
      name: `experiments/${experimentId}/cumulative`,
      path: `/api/v1/experiments/${encodeURIComponent(experimentId)}/cumulative`,
      params: {},
      baseline: (e, extra) => runReportRequest('experiment-cumulative', { ...extra, id: experimentId }, { queryEngine: e }),
    });
  }
  cases.push({
    name: 'health/data',
    path: '/api/v1/health/data',
    params: {},
    baseline: (_e, extra) => dataHealth(dataDir, extra.to !== undefined ? { toMs: Number(extra.to) } : {}),
  });
  return cases;
}
