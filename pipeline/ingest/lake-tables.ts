/**
 * How NDJSON lines from the stream become lake rows, as DuckDB SQL over
 * `read_ndjson`: the events table (props flattened into columns exactly as
 * `toLakeRow` does) and the dead-letter table. DuckDB parses and flattens in
 * native code, which measured 1.5-2.4x faster than JSON.parse + toLakeRow +
 * a DuckDB appender (`npm run bench:ingest`); test/ingest-rows.test.ts checks
 * the rows equal `toLakeRow`'s for every event type.
 */
import { LAKE_EVENT_COLUMNS, LAKE_COLUMN_NAMES, type LakeColumn } from '../../contract/lake.ts';
import type { LakeTable } from '../lake/partitions.ts';

/** Columns of `lake/dead_letters/` (the `DeadLetter` fields of contract/enriched.ts). */
export const LAKE_DEAD_LETTER_COLUMNS = {
  retailer_id: 'VARCHAR',
  received_at: 'BIGINT',
  index: 'BIGINT',
  error: 'VARCHAR',
  raw: 'VARCHAR',
} as const;

export interface NdjsonTableSpec {
  table: LakeTable;
  /** `columns` argument of read_ndjson: JSON field -> DuckDB type. */
  readColumns: Record<string, string>;
  /** SELECT list turning a read row into the lake columns. */
  selectList: string;
  /** Output columns, in order. */
  outputColumns: readonly string[];
  /** Expression of the partition date (YYYY-MM-DD, UTC). */
  dtExpression: string;
  /** Column whose value identifies a row for dedupe (events: event_id). */
  dedupeKey?: string;
  /** Rows lacking these (or whose value does not fit the column) are unusable and kept as dead letters instead. */
  requiredColumns: readonly string[];
}

/** Fields an event carries at top level; every other lake column but `experiments` comes from `props`. */
const TOP_LEVEL: ReadonlySet<LakeColumn> = new Set([
  'event_id', 'type', 'ts', 'event_time', 'received_at', 'retailer_id', 'viewer_id',
  'session_id', 'show_id', 'creator_id', 'user_id', 'region', 'device',
]);
const PROP_COLUMNS = LAKE_COLUMN_NAMES.filter((c) => !TOP_LEVEL.has(c) && c !== 'experiments');

const q = (name: string) => `"${name}"`;
const utcDay = (epochMsColumn: string) => `strftime(epoch_ms(${q(epochMsColumn)}), '%Y-%m-%d')`;

export const EVENTS_TABLE: NdjsonTableSpec = {
  table: 'events',
  readColumns: {
    ...Object.fromEntries([...TOP_LEVEL].map((c) => [c, LAKE_EVENT_COLUMNS[c]])),
    experiments: 'JSON',
    props: `STRUCT(${PROP_COLUMNS.map((c) => `${q(c)} ${LAKE_EVENT_COLUMNS[c]}`).join(', ')})`,
  },
  selectList: LAKE_COLUMN_NAMES.map((c) => {
    if (TOP_LEVEL.has(c)) return q(c);
    // toLakeRow: a non-empty object becomes its JSON text, anything else NULL.
    if (c === 'experiments') return `CASE WHEN json_type(experiments) = 'OBJECT' AND json_keys(experiments) <> [] THEN CAST(experiments AS VARCHAR) END AS experiments`;
    return `props.${q(c)} AS ${q(c)}`;
  }).join(', '),
  outputColumns: LAKE_COLUMN_NAMES,
  dtExpression: utcDay('event_time'),
  dedupeKey: 'event_id',
  // Every field the collector always sets: a line lacking one (or with a value its column cannot hold) is a dead letter, not a row with a NULL.
  requiredColumns: ['event_id', 'type', 'ts', 'event_time', 'received_at', 'retailer_id'],
};

export const DEAD_LETTERS_TABLE: NdjsonTableSpec = {
  table: 'dead_letters',
  readColumns: { ...LAKE_DEAD_LETTER_COLUMNS },
  selectList: Object.keys(LAKE_DEAD_LETTER_COLUMNS).map(q).join(', '),
  outputColumns: Object.keys(LAKE_DEAD_LETTER_COLUMNS),
  dtExpression: utcDay('received_at'),
  requiredColumns: ['received_at'],
};
