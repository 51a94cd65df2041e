/**
 * The reports behind `livelens report <name> --by <group>`: which query file
 * answers each grouping, the group key's column, and what is added to the
 * rows after the query (the Wilson interval on conversion rates). Another
 * report registers itself by adding an entry here.
 *
 * A report family whose queries differ only in the group column is one
 * template in queries/ (`qoe_by_group.sql`, `conversion_by_group.sql`) with a
 * `{{group}}` placeholder; the groupings below are the whitelist of what the
 * loader substitutes for it (a `--by` value only picks an entry, user text
 * never reaches the SQL).
 *
 * @example
 * REPORTS.conversion.groupings.creator; // { query: 'conversion_by_group', key: 'creator_id', identifiers: { group: 'creator_id' } }
 */
import type { ColumnInfo, Row, SqlValue } from '../engine/engine.ts';
import type { QueryIdentifiers } from '../engine/query-files.ts';
import { wilsonInterval } from '../../stats/wilson.ts';
import { AUDIENCE_INTERVAL_COLUMNS, withAudienceIntervals } from './audience-intervals.ts';

export interface Grouping {
  /** File in queries/, without `.sql`. */
  query: string;
  /** The group key's column in the rows (docs/spec.md §5). */
  key: string;
  /** Identifiers for the query's `{{name}}` placeholders (the whitelist). */
  identifiers?: QueryIdentifiers;
  /** Bound parameters the grouping sets (e.g. a period's length); callers never give them. */
  params?: Readonly<Record<string, SqlValue>>;
}

/** One hour and one day in ms: the periods of the conversion-over-time report. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A period of conversion_over_time.sql: `bucket_ms` long (0: the whole period, one row per retailer and currency). */
function byPeriod(bucketMs: number): Grouping {
  return { query: 'conversion_over_time', key: 'period_start', params: { bucket_ms: bucketMs } };
}

/** A grouping of a template query by one group column. */
function byColumn(query: string, column: string): Grouping {
  return { query, key: column, identifiers: { group: column } };
}

export interface ReportDefinition {
  description: string;
  groupings: Record<string, Grouping>;
  /** Derived columns added to each row after either engine ran the query. */
  enrich?: { columns: ColumnInfo[]; row: (row: Row) => Row };
}

/** Adds conversion_rate_ci_low/high, the 95% Wilson interval of buyers / viewers. */
export function withConversionInterval(row: Row): Row {
  const buyers = Number(row.buyers ?? 0);
  const viewers = Number(row.viewers ?? 0);
  const [low, high] = wilsonInterval(buyers, viewers);
  return { ...row, conversion_rate_ci_low: low, conversion_rate_ci_high: high };
}

/** The Wilson interval columns added to every report with a conversion_rate of buyers / viewers. */
const CONVERSION_INTERVAL: NonNullable<ReportDefinition['enrich']> = {
  columns: [
    { name: 'conversion_rate_ci_low', type: 'DOUBLE' },
    { name: 'conversion_rate_ci_high', type: 'DOUBLE' },
  ],
  row: withConversionInterval,
};

export const REPORTS = {
  conversion: {
    description: 'viewers, clickers, buyers, orders, units, revenue and conversion per group (one row per currency)',
    groupings: {
      creator: byColumn('conversion_by_group', 'creator_id'),
      show: byColumn('conversion_by_group', 'show_id'),
      offer: byColumn('conversion_by_group', 'offer_id'),
      region: byColumn('conversion_by_group', 'region'),
    },
    enrich: CONVERSION_INTERVAL,
  },
  qoe: {
    description: 'startup, rebuffering, live latency, playback failures and exits before video start per group',
    groupings: {
      region: byColumn('qoe_by_group', 'region'),
      show: byColumn('qoe_by_group', 'show_id'),
      device: byColumn('qoe_by_group', 'device'),
    },
  },
  'qoe-impact': {
    description: 'viewers, buyers, conversion and revenue per QoE bucket of (viewer, show) pairs, with revenue at risk (one row per currency)',
    groupings: {
      rebuffer: { query: 'qoe_impact_by_rebuffer', key: 'bucket' },
      latency: { query: 'qoe_impact_by_latency', key: 'bucket' },
      startup: { query: 'qoe_impact_by_startup', key: 'bucket' },
    },
    enrich: CONVERSION_INTERVAL,
  },
  audience: {
    description: 'distinct and returning viewers per creator or show, conversion of returning and new viewers',
    groupings: {
      creator: { query: 'audience_by_creator', key: 'creator_id' },
      show: { query: 'audience_by_show', key: 'show_id' },
    },
    enrich: { columns: AUDIENCE_INTERVAL_COLUMNS, row: withAudienceIntervals },
  },
  timeline: {
    description: 'per minute of a show: concurrent viewers, chat messages, impressions, clicks, attributed revenue, product cues',
    groupings: {
      show: { query: 'show_timeline', key: 'minute' },
    },
  },
  // Beyond docs/spec.md §5: the dashboard Overview's totals and the same over time.
  'conversion-over-time': {
    description: 'viewers, clickers, buyers, orders, units, revenue, watch minutes and conversion per retailer and hour or day (by the click\'s time for order lines), or in total over the period (one row per currency)',
    groupings: {
      hour: byPeriod(HOUR_MS),
      day: byPeriod(DAY_MS),
      total: byPeriod(0),
    },
    enrich: CONVERSION_INTERVAL,
  },
} satisfies Record<string, ReportDefinition>;

export type ReportName = keyof typeof REPORTS;

/** Every whitelisted identifier set of a query file (none for a plain query): for checks over all of queries/. */
export function queryIdentifierSets(query: string): QueryIdentifiers[] {
  const definitions: ReportDefinition[] = Object.values(REPORTS);
  return definitions.flatMap((d) => Object.values(d.groupings))
    .filter((g) => g.query === query && g.identifiers !== undefined)
    .map((g) => g.identifiers!);
}

/** The definition of a report, or an error listing the known ones. */
export function reportDefinition(name: string): ReportDefinition {
  if (!(name in REPORTS)) throw new Error(`report "${name}" is not known: use ${Object.keys(REPORTS).join(', ')}`);
  return REPORTS[name as ReportName];
}

/** The grouping of a report, or an error listing the allowed `--by` values. */
export function reportGrouping(name: string, by: string): Grouping {
  const def = reportDefinition(name);
  const grouping = def.groupings[by];
  if (grouping === undefined) {
    throw new Error(`report ${name} cannot be grouped by "${by}": use --by ${Object.keys(def.groupings).join('|')}`);
  }
  return grouping;
}
