/**
 * Response formats of the data API (docs/spec.md §8): `json` (the CLI's
 * `--format json`), `csv` (the CLI's `--format csv`) and `arrow`, an Apache
 * Arrow IPC stream with one column per row field: integers Int64, other
 * numbers Float64, strings Utf8, booleans Bool, nulls kept. `format=` wins
 * over `Accept`.
 *
 * @example
 * const format = negotiateFormat(c.req.query('format'), c.req.header('accept')); // 'json' | 'csv' | 'arrow'
 * const bytes = rowsToArrow(rows, columns);
 */
import { Bool, Float64, Int64, Table, Utf8, tableToIPC, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import type { ColumnInfo, Row, SqlValue } from '../../pipeline/engine/engine.ts';

export const API_FORMATS = ['json', 'csv', 'arrow'] as const;
export type ApiFormat = (typeof API_FORMATS)[number];

export const CONTENT_TYPES: Readonly<Record<ApiFormat, string>> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  arrow: 'application/vnd.apache.arrow.stream',
};

/** A format parameter that is not allowed (HTTP 400). */
export class FormatError extends Error {
  readonly parameter = 'format';
  constructor(value: string) {
    super(`format: "${value}" is not allowed: use ${API_FORMATS.join(', ')}`);
    this.name = 'FormatError';
  }
}

/** `format` when given (checked), else the first format `Accept` names, else json. */
export function negotiateFormat(format: string | undefined, accept: string | undefined): ApiFormat {
  if (format !== undefined) {
    if (!(API_FORMATS as readonly string[]).includes(format)) throw new FormatError(format);
    return format as ApiFormat;
  }
  for (const part of (accept ?? '').split(',')) {
    const type = part.split(';')[0]!.trim().toLowerCase();
    if (type === 'text/csv') return 'csv';
    if (type === CONTENT_TYPES.arrow || type === 'application/vnd.apache.arrow.file') return 'arrow';
    if (type === 'application/json') return 'json';
  }
  return 'json';
}

type ArrowKind = 'int' | 'float' | 'string' | 'bool';

/** The Arrow kind of a column: from its engine type, else from its values (all integers stay Float64 unless typed). */
function kindOf(column: ColumnInfo, rows: readonly Row[]): ArrowKind {
  switch (column.type) {
    case 'BIGINT': case 'INTEGER': return 'int';
    case 'DOUBLE': return 'float';
    case 'BOOLEAN': return 'bool';
    case 'VARCHAR': case 'DATE': case 'TIMESTAMP': return 'string';
    default: {
      const value = rows.map((r) => r[column.name]).find((v) => v !== null && v !== undefined);
      if (typeof value === 'boolean') return 'bool';
      if (typeof value === 'number') return 'float';
      return 'string';
    }
  }
}

function vectorOf(kind: ArrowKind, values: readonly (SqlValue | undefined)[]): Vector {
  const type: DataType = { int: new Int64(), float: new Float64(), string: new Utf8(), bool: new Bool() }[kind];
  const cells = values.map((v) => {
    if (v === null || v === undefined) return null;
    if (kind === 'int') return BigInt(typeof v === 'number' ? Math.trunc(v) : String(v));
    if (kind === 'float') return Number(v);
    if (kind === 'bool') return Boolean(v);
    return String(v);
  });
  return vectorFromArray(cells, type);
}

/** Rows as an Arrow IPC stream, one column per field in `columns` order. */
export function rowsToArrow(rows: readonly Row[], columns: readonly ColumnInfo[]): Uint8Array {
  const vectors: Record<string, Vector> = {};
  for (const column of columns) vectors[column.name] = vectorOf(kindOf(column, rows), rows.map((r) => r[column.name]));
  return tableToIPC(new Table(vectors), 'stream');
}

/** Column types inferred from row values (integer-valued count fields Int64), for rows built in TypeScript. */
export function inferColumns(rows: readonly Row[], integerFields: ReadonlySet<string> = new Set()): ColumnInfo[] {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return names.map((name): ColumnInfo => {
    const value = rows.map((r) => r[name]).find((v) => v !== null && v !== undefined);
    if (typeof value === 'string') return { name, type: 'VARCHAR' };
    if (typeof value === 'boolean') return { name, type: 'BOOLEAN' };
    if (typeof value === 'number') return { name, type: integerFields.has(name) ? 'BIGINT' : 'DOUBLE' };
    return { name, type: 'OTHER' };
  });
}
