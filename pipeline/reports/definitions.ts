/**
 * The reports behind `livelens report <name> --by <group>`: which query file
 * answers each grouping, the group key's column, and what is added to the
 * rows after the query (the Wilson interval on conversion rates). Another
 * report registers itself by adding an entry here.
 *
 * @example
 * REPORTS.conversion.groupings.creator; // { query: 'conversion_by_creator', key: 'creator_id' }
 */
import type { ColumnInfo, Row } from '../engine/engine.ts';
import { wilsonInterval } from '../../stats/wilson.ts';
import { AUDIENCE_INTERVAL_COLUMNS, withAudienceIntervals } from './audience-intervals.ts';

export interface Grouping {
  /** File in queries/, without `.sql`. */
  query: string;
  /** The group key's column in the rows (docs/spec.md §5). */
  key: string;
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
      creator: { query: 'conversion_by_creator', key: 'creator_id' },
      show: { query: 'conversion_by_show', key: 'show_id' },
      offer: { query: 'conversion_by_offer', key: 'offer_id' },
      region: { query: 'conversion_by_region', key: 'region' },
    },
    enrich: CONVERSION_INTERVAL,
  },
  qoe: {
    description: 'startup, rebuffering, live latency, playback failures and exits before video start per group',
    groupings: {
      region: { query: 'qoe_by_region', key: 'region' },
      show: { query: 'qoe_by_show', key: 'show_id' },
      device: { query: 'qoe_by_device', key: 'device' },
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
} satisfies Record<string, ReportDefinition>;

export type ReportName = keyof typeof REPORTS;

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
