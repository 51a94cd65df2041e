/**
 * The report predicates every query file would otherwise write out by hand,
 * defined once and expanded by the query loader (query-files.ts) before the
 * text reaches DuckDB or Athena. A view cannot carry bound parameters, so
 * they are text placeholders, `{{name}}` or `{{name alias}}` (the alias of
 * the table whose columns they test):
 *
 *   {{in_period}}        dt >= $from_dt AND dt <= $to_dt
 *                        AND event_time >= $from_ms AND event_time < $to_ms
 *   {{retailer_filter}}  ($retailer_id = '' OR retailer_id = $retailer_id)
 *   {{filters}}          ($creator_id = '' OR creator_id = $creator_id)
 *                        AND ($show_id = '' OR show_id = $show_id)
 *                        AND ($region = '' OR region = $region)
 *
 * (`{{in_period}}` is an event's period with its `dt` bound, partition-bounds.ts.)
 * The lines after the first take the placeholder line's indentation, two
 * spaces more unless the placeholder follows a leading `AND`, so the text
 * is what a careful hand writes and the engines' plans are those of the
 * hand-written predicate.
 *
 * @example
 * expandPredicates('q', '  WHERE {{in_period e}}') // '  WHERE e.dt >= $from_dt AND e.dt <= $to_dt\n    AND e.event_time >= $from_ms AND e.event_time < $to_ms'
 */

/** `($column = '' OR <alias.>column = $column)`: a report filter, '' meaning all (the parameter is named after its column). */
function optional(column: string): (qualify: (column: string) => string) => string {
  return (qualify) => `($${column} = '' OR ${qualify(column)} = $${column})`;
}

/** Each predicate placeholder's lines, ANDed, with its columns qualified by the alias. */
const PREDICATES: Readonly<Record<string, ReadonlyArray<(qualify: (column: string) => string) => string>>> = {
  in_period: [
    (q) => `${q('dt')} >= $from_dt AND ${q('dt')} <= $to_dt`,
    (q) => `${q('event_time')} >= $from_ms AND ${q('event_time')} < $to_ms`,
  ],
  retailer_filter: [optional('retailer_id')],
  filters: [optional('creator_id'), optional('show_id'), optional('region')],
};

/** Anything written as a placeholder: `{{` up to the next `}}` (or the end of the line). */
const ANY_PLACEHOLDER = /\{\{([^}\n]*)(\}\}|$)/gm;
/** A `{{name}}` identifier placeholder, left to the caller's identifiers (query-files.ts). */
const IDENTIFIER_PLACEHOLDER = /^[a-z][a-z0-9_]*$/;
/** A table alias a predicate may be given: a plain lowercase name. */
const ALIAS = /^[a-z][a-z0-9_]*$/;
/** How much deeper a predicate's continuation lines stand than a line that does not start with its `AND`. */
const CONTINUATION_INDENT = '  ';

const predicateList = Object.keys(PREDICATES).map((p) => `{{${p}}}`).join(', ');

/**
 * `sql` with every predicate placeholder expanded; `{{name}}` identifier
 * placeholders are left for the caller. Refuses an unknown or malformed
 * placeholder, a bad or missing alias, and a predicate in a `--` comment
 * (its continuation lines would fall outside the comment).
 */
export function expandPredicates(queryName: string, sql: string): string {
  return sql.replace(ANY_PLACEHOLDER, (whole: string, inner: string, close: string, offset: number) => {
    const where = `query "${queryName}": ${whole}`;
    if (close === '') throw new Error(`${where} is not closed: write {{name}} or {{name alias}}`);
    if (IDENTIFIER_PLACEHOLDER.test(inner) && !Object.hasOwn(PREDICATES, inner)) return whole;
    const [name = '', ...rest] = inner.split(' ');
    const lines = Object.hasOwn(PREDICATES, name) ? PREDICATES[name] : undefined;
    if (lines === undefined) {
      throw new Error(`${where} is not a placeholder: the predicates are ${predicateList} (each may name a table alias, e.g. {{filters e}}), and {{name}} is an identifier the caller gives`);
    }
    if (rest.length > 1 || (rest.length === 1 && !ALIAS.test(rest[0]!))) {
      const alias = rest.join(' ');
      throw new Error(`${where}: ${alias === '' ? 'the alias is missing after the space' : `alias "${alias}" is not allowed`}: write {{${name}}} or {{${name} alias}} with a table alias of lowercase letters, digits and _`);
    }
    const lineStart = sql.lastIndexOf('\n', offset - 1) + 1;
    const before = sql.slice(lineStart, offset);
    if (before.includes('--')) throw new Error(`${where} stands in a -- comment: name the predicate without braces there`);
    const indent = /^\s*/.exec(before)![0];
    const continuation = /^\s*AND\s+$/i.test(before) ? indent : indent + CONTINUATION_INDENT;
    const alias = rest[0];
    const qualify = (column: string) => (alias === undefined ? column : `${alias}.${column}`);
    return lines.map((line) => line(qualify)).join(`\n${continuation}AND `);
  });
}
