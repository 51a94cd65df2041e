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
import { wilsonInterval } from './wilson.ts';

export interface Grouping {
  /** File in queries/, without `.sql`. */
  query: string;
  /** The group key's column in the rows (SPEC section 5). */
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

export const REPORTS = {
  conversion: {
    description: 'viewers, clickers, buyers, orders, units, revenue and conversion per group (one row per currency)',
    groupings: {
      creator: { query: 'conversion_by_creator', key: 'creator_id' },
      show: { query: 'conversion_by_show', key: 'show_id' },
      offer: { query: 'conversion_by_offer', key: 'offer_id' },
      region: { query: 'conversion_by_region', key: 'region' },
    },
    enrich: {
      columns: [
        { name: 'conversion_rate_ci_low', type: 'DOUBLE' },
        { name: 'conversion_rate_ci_high', type: 'DOUBLE' },
      ],
      row: withConversionInterval,
    },
  },
  qoe: {
    description: 'startup, rebuffering, live latency and playback failures per group',
    groupings: {
      region: { query: 'qoe_by_region', key: 'region' },
      show: { query: 'qoe_by_show', key: 'show_id' },
      device: { query: 'qoe_by_device', key: 'device' },
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
