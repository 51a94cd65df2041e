/**
 * The data API (docs/spec.md §8) behind `requireAccess`:
 *
 *   GET /api/v1/reports/<conversion|conversion-over-time|qoe|qoe-impact|audience|timeline>
 *   GET /api/v1/experiments          the experiments seen, per retailer and variant
 *   GET /api/v1/experiments/<id>     the experiment report
 *   GET /api/v1/experiments/<id>/cumulative   its cumulative lift by day (or hour) of first exposure
 *   GET /api/v1/health/data          data health per retailer and day
 *
 * Parameters are the CLI flags in snake_case plus the filters; `format=`
 * json|csv|arrow wins over `Accept`. The retailer filter is bound here from
 * the caller's scope (a retailer token: its own; another: 403), before the
 * report layer or the cache sees the request. Results are cached per lake
 * state, scope and parameters.
 *
 * @example
 * app.route('/', createApiRoutes({ dataDir, engine: new SharedEngine({ dataDir }) }));
 */
import type { LakeLocation } from '../../pipeline/lake/lake-location.ts';
import { Hono, type Context } from 'hono';
import type { ColumnInfo, Row, SqlValue } from '../../pipeline/engine/engine.ts';
import { parseTimeBound } from '../../pipeline/reports/index.ts';
import { AccessDenied, bindRetailer, callerScope, scopeKey, type AccessEnv } from '../access/index.ts';
import { dataHealth } from './data-health.ts';
import { experimentUnits } from './experiment-units.ts';
import { CONTENT_TYPES, FormatError, inferColumns, negotiateFormat, rowsToArrow, type ApiFormat } from './formats.ts';
import { LakeStamp } from './lake-state.ts';
import { ReportParameterError, runReportRequest, UnknownReportError, type RawParameters } from './report-runner.ts';
import { cacheKey, ResultCache } from './result-cache.ts';
import type { SharedEngine } from './shared-engine.ts';

/** The reports under /api/v1/reports/ (docs/spec.md §8). */
export const API_REPORTS = ['conversion', 'conversion-over-time', 'qoe', 'qoe-impact', 'audience', 'timeline'] as const;
/** Parameters of the list and health endpoints. */
const LIST_PARAMETERS = ['from', 'to', 'retailer', 'creator', 'show', 'region'];
const HEALTH_PARAMETERS = ['from', 'to', 'retailer'];
/** Longest experiment id in a path (characters), as for other ids. */
export const MAX_EXPERIMENT_ID_CHARS = 64;

export interface ApiDeps {
  dataDir: string;
  engine: SharedEngine;
  /** The experiment definitions file (LIVELENS_EXPERIMENTS); default `<data dir>/experiments.json`. */
  experimentsFile?: string;
  cache?: ResultCache<ApiResult>;
  stamps?: LakeStamp;
  /** Where the lake is (LIVELENS_LAKE), for data health; default `<data dir>/lake`. */
  lake?: LakeLocation;
}

/** One answer, renderable in every format. */
export interface ApiResult {
  json: Record<string, unknown>;
  rows: Row[];
  columns: ColumnInfo[];
  csv(): string;
}

function csvCell(value: SqlValue | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** CSV as the CLI writes it (RFC 4180, header row, CRLF). */
export function rowsToCsv(rows: readonly Row[], columns: readonly ColumnInfo[]): string {
  const names = columns.map((c) => c.name);
  return [names.map(csvCell), ...rows.map((r) => names.map((n) => csvCell(r[n])))].map((l) => l.join(',')).join('\r\n') + '\r\n';
}

/** The query string as raw parameters (repeated keys kept, `format` removed). */
function rawParameters(c: Context): Record<string, string | string[]> {
  const raw: Record<string, string | string[]> = {};
  for (const [k, values] of Object.entries(c.req.queries())) {
    if (k === 'format') continue;
    raw[k] = values.length === 1 ? values[0]! : values;
  }
  return raw;
}

function single(raw: RawParameters, name: string): string | undefined {
  const v = raw[name];
  if (v === undefined || typeof v === 'string') return v;
  if (v.length > 1) throw new ReportParameterError(name, `given ${v.length} times: give it once`);
  return v[0];
}

/** Binds the retailer from the caller's scope: the only place a retailer filter is set. */
function scoped(c: Context<AccessEnv>, raw: Record<string, string | string[]>): Record<string, string | string[]> {
  const retailer = bindRetailer(callerScope(c), single(raw, 'retailer'));
  const { retailer: _asked, ...rest } = raw;
  return retailer === undefined ? rest : { ...rest, retailer };
}

function onlyKnown(raw: RawParameters, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(raw)) if (!allowed.includes(k)) throw new ReportParameterError(k, `is not a parameter of ${what}: use ${allowed.join(', ')}`);
}

function timeFilters(raw: RawParameters): { fromMs?: number; toMs?: number } {
  const out: { fromMs?: number; toMs?: number } = {};
  const from = single(raw, 'from');
  const to = single(raw, 'to');
  const parse = (name: string, text: string) => {
    try {
      return parseTimeBound(text);
    } catch (err) {
      throw new ReportParameterError(name, (err as Error).message);
    }
  };
  if (from !== undefined) out.fromMs = parse('from', from);
  if (to !== undefined) out.toMs = parse('to', to);
  if (out.fromMs !== undefined && out.toMs !== undefined && !(out.fromMs < out.toMs)) throw new ReportParameterError('from', `must be before to (${from} is not before ${to})`);
  return out;
}

function respond(c: Context, result: ApiResult, format: ApiFormat, cache: 'hit' | 'miss'): Response {
  const headers = { 'content-type': CONTENT_TYPES[format], 'cache-control': 'private, no-store', 'x-livelens-cache': cache, vary: 'Accept, Cookie, Authorization' };
  if (format === 'csv') return c.body(result.csv(), 200, headers);
  if (format === 'arrow') return c.body(rowsToArrow(result.rows, result.columns).slice().buffer, 200, headers);
  return c.body(JSON.stringify(result.json), 200, headers);
}

function failure(c: Context, err: unknown): Response {
  const headers = { 'cache-control': 'no-store' };
  if (err instanceof AccessDenied) return c.json({ error: err.message }, 403, headers);
  if (err instanceof ReportParameterError || err instanceof FormatError || (err as Error)?.name === 'ReportParameterError') {
    return c.json({ error: (err as Error).message }, 400, headers);
  }
  if (err instanceof UnknownReportError || (err as Error)?.name === 'UnknownReportError' || (err as Error)?.name === 'NotFound') {
    return c.json({ error: (err as Error).message }, 404, headers);
  }
  throw err;
}

class NotFound extends Error {
  override name = 'NotFound';
}

export function createApiRoutes(deps: ApiDeps): Hono<AccessEnv> {
  const cache = deps.cache ?? new ResultCache<ApiResult>();
  const stamps = deps.stamps ?? new LakeStamp(deps.dataDir);
  const experimentsFile = deps.experimentsFile ?? `${deps.dataDir}/experiments.json`;
  const app = new Hono<AccessEnv>();

  /** Validates, scopes, then answers from the cache or by running `compute`. */
  const serve = async (c: Context<AccessEnv>, name: string, compute: (raw: Record<string, string | string[]>) => Promise<ApiResult>, validate?: (raw: RawParameters) => void) => {
    try {
      const formats = c.req.queries('format');
      if (formats !== undefined && formats.length > 1) throw new ReportParameterError('format', `given ${formats.length} times: give it once`);
      const format = negotiateFormat(formats?.[0], c.req.header('accept'));
      const raw = scoped(c, rawParameters(c));
      validate?.(raw);
      const key = cacheKey(stamps.current(), scopeKey(callerScope(c)), name, raw);
      const hitsBefore = cache.hits;
      const result = await cache.get(key, () => compute(raw));
      return respond(c, result, format, cache.hits > hitsBefore ? 'hit' : 'miss');
    } catch (err) {
      return failure(c, err);
    }
  };

  const fromReport = async (name: string, raw: RawParameters): Promise<ApiResult> => {
    const out = await deps.engine.use((queryEngine) => runReportRequest(name, raw, { queryEngine }));
    return { json: out.json, rows: out.rows, columns: out.columns, csv: () => out.render('csv') };
  };

  app.get('/api/v1/reports/:name', (c) => {
    const name = c.req.param('name');
    if (!(API_REPORTS as readonly string[]).includes(name)) {
      return c.json({ error: `report "${name}" is not known: use ${API_REPORTS.join(', ')}` }, 404);
    }
    return serve(c, name, (raw) => fromReport(name, raw));
  });

  app.get('/api/v1/experiments', (c) =>
    serve(c, 'experiments', async (raw) => {
      const filters = timeFilters(raw);
      const params = {
        from_ms: filters.fromMs ?? 0, to_ms: filters.toMs ?? 8_640_000_000_000_000,
        retailer_id: single(raw, 'retailer') ?? '', creator_id: single(raw, 'creator') ?? '', show_id: single(raw, 'show') ?? '', region: single(raw, 'region') ?? '',
      };
      const seen = await deps.engine.use((engine) => engine.run('experiments_seen', params));
      const units = experimentUnits(experimentsFile);
      const rows: Row[] = seen.map((r) => ({ retailer_id: r.retailer_id!, experiment_id: r.experiment_id!, unit: units.get(String(r.experiment_id)) ?? 'viewer', variant: r.variant!, exposed: Number(r.exposed) }));
      const columns: ColumnInfo[] = [
        { name: 'retailer_id', type: 'VARCHAR' }, { name: 'experiment_id', type: 'VARCHAR' }, { name: 'unit', type: 'VARCHAR' },
        { name: 'variant', type: 'VARCHAR' }, { name: 'exposed', type: 'BIGINT' },
      ];
      return { json: { rows, params }, rows, columns, csv: () => rowsToCsv(rows, columns) };
    }, (raw) => {
      onlyKnown(raw, LIST_PARAMETERS, '/api/v1/experiments');
      timeFilters(raw);
    }),
  );

  app.get('/api/v1/experiments/:id', (c) => {
    const id = c.req.param('id');
    return serve(c, `experiment:${id}`, async (raw) => {
      const out = await fromReport('experiment', { ...raw, id });
      const exposed = Number(out.json.exposed_viewers ?? 0) + Number(out.json.exposed_shows ?? 0);
      if (exposed === 0) throw new NotFound(`experiment "${id}" has no exposures${single(raw, 'retailer') ? ` for retailer "${single(raw, 'retailer')}"` : ''} in the period`);
      return { ...out, columns: out.columns.some((col) => col.type === 'OTHER') ? inferColumns(out.rows, new Set(['viewers', 'shows'])) : out.columns };
    }, (raw) => {
      if (id.length > MAX_EXPERIMENT_ID_CHARS) throw new ReportParameterError('id', `is over ${MAX_EXPERIMENT_ID_CHARS} characters`);
      if ('id' in raw) throw new ReportParameterError('id', 'goes in the path: /api/v1/experiments/<id>');
    });
  });

  // Beyond docs/spec.md §8's list, in its spirit: the experiment's cumulative lift by day of first exposure (report experiment-cumulative).
  app.get('/api/v1/experiments/:id/cumulative', (c) => {
    const id = c.req.param('id');
    return serve(c, `experiment-cumulative:${id}`, async (raw) => {
      const out = await fromReport('experiment-cumulative', { ...raw, id });
      if (out.rows.length === 0 && out.json.note === null) throw new NotFound(`experiment "${id}" has no exposures${single(raw, 'retailer') ? ` for retailer "${single(raw, 'retailer')}"` : ''} in the period`);
      return out;
    }, (raw) => {
      if (id.length > MAX_EXPERIMENT_ID_CHARS) throw new ReportParameterError('id', `is over ${MAX_EXPERIMENT_ID_CHARS} characters`);
      if ('id' in raw) throw new ReportParameterError('id', 'goes in the path: /api/v1/experiments/<id>/cumulative');
    });
  });

  app.get('/api/v1/health/data', (c) =>
    serve(c, 'health', async (raw) => {
      const filters = { ...timeFilters(raw), retailer: single(raw, 'retailer') };
      // A folder lake: on the shared engine's views (no DuckDB per request); S3 (Athena): its own session over the download cache.
      const health = deps.lake === undefined || deps.lake.kind === 'local'
        ? await deps.engine.use((engine) => dataHealth(deps.dataDir, filters, deps.lake, engine))
        : await dataHealth(deps.dataDir, filters, deps.lake);
      return { json: { rows: health.rows, rejections: health.rejections, params: health.params }, rows: health.rows, columns: health.columns, csv: () => rowsToCsv(health.rows, health.columns) };
    }, (raw) => {
      for (const k of Object.keys(raw)) {
        if (!HEALTH_PARAMETERS.includes(k)) {
          throw new ReportParameterError(k, `is not a parameter of /api/v1/health/data (it is per retailer and day): use ${HEALTH_PARAMETERS.join(', ')}`);
        }
      }
      timeFilters(raw);
    }),
  );
  return app;
}
