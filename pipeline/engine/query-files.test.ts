import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadQuery, MAX_QUERY_DEPENDENCY_DEPTH, placeholderNames, QUERIES_DIR, readQueryFile, requiredQueries } from './query-files.ts';
import { queryIdentifierSets } from '../reports/definitions.ts';

function queriesDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livelens-sql-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, `${name}.sql`), text);
  return dir;
}

describe('query files', () => {
  it('prepends required queries as CTEs, deepest first and once', () => {
    const dir = queriesDir({
      base: 'SELECT 1 AS x',
      middle: '-- requires: base\nSELECT x FROM base',
      top: '-- top: the report\n-- requires: middle, base\nWITH t AS (SELECT x FROM middle)\nSELECT * FROM t, base',
    });
    expect(loadQuery('top', dir)).toBe(
      '-- top: the report\n-- requires: middle, base\nWITH base AS (\nSELECT 1 AS x\n),\nmiddle AS (\n-- requires: base\nSELECT x FROM base\n),\nt AS (SELECT x FROM middle)\nSELECT * FROM t, base',
    );
    expect(loadQuery('middle', dir)).toBe('-- requires: base\nWITH base AS (\nSELECT 1 AS x\n)\nSELECT x FROM base');
  });

  it('leaves a materialized required query (and what only it needs) to its table', () => {
    const dir = queriesDir({
      base: 'SELECT 1 AS x',
      middle: '-- requires: base\nSELECT x FROM base',
      other: 'SELECT 2 AS y',
      top: '-- requires: middle, other\nSELECT * FROM middle, other',
    });
    expect(loadQuery('top', dir, {}, [], ['middle'])).toBe('-- requires: middle, other\nWITH other AS (\nSELECT 2 AS y\n)\nSELECT * FROM middle, other');
    expect(loadQuery('top', dir, {}, [], ['middle', 'other'])).toBe('-- requires: middle, other\nSELECT * FROM middle, other');
  });

  it('reads a required query named in tables from its table, as a leading CTE (and leaves what only it needs out)', () => {
    const dir = queriesDir({
      base: 'SELECT 1 AS x',
      middle: '-- requires: base\nSELECT x FROM base',
      other: 'SELECT 2 AS y',
      top: '-- requires: middle, other\nSELECT * FROM middle, other',
    });
    expect(loadQuery('top', dir, {}, [], [], { middle: 'shared_middle_1' })).toBe(
      '-- requires: middle, other\nWITH middle AS (SELECT * FROM shared_middle_1),\nother AS (\nSELECT 2 AS y\n)\nSELECT * FROM middle, other',
    );
    expect(loadQuery('middle', dir, {}, [], [], { base: 'b' })).toBe('-- requires: base\nWITH base AS (SELECT * FROM b)\nSELECT x FROM base');
    expect(() => loadQuery('top', dir, {}, [], [], { middle: 'x; DROP TABLE y' })).toThrow(/table "x; DROP TABLE y" is not allowed/);
  });

  it('carries a period view as a leading CTE only when the statement (or a query it requires) reads it', () => {
    const dir = queriesDir({
      base: 'SELECT x FROM orders',
      top: '-- requires: base\nSELECT * FROM base',
      plain: 'SELECT 1 AS x',
    });
    fs.mkdirSync(path.join(dir, 'views'));
    fs.writeFileSync(path.join(dir, 'views', 'orders_in_period.sql'), 'SELECT 2 AS x');
    fs.writeFileSync(path.join(dir, 'views', 'events_in_period.sql'), 'SELECT 3 AS x');
    expect(loadQuery('top', dir, {}, ['events', 'orders'])).toBe(
      '-- requires: base\nWITH orders AS (\nSELECT 2 AS x\n),\nbase AS (\nSELECT x FROM orders\n)\nSELECT * FROM base',
    );
    expect(loadQuery('plain', dir, {}, ['events', 'orders'])).toBe('SELECT 1 AS x');
    expect(loadQuery('top', dir)).not.toContain('orders AS');
  });

  it('stops a cycle', () => {
    const dir = queriesDir({ a: '-- requires: b\nSELECT 1', b: '-- requires: a\nSELECT 2' });
    expect(() => loadQuery('a', dir)).toThrow(`deeper than ${MAX_QUERY_DEPENDENCY_DEPTH}`);
  });

  it('substitutes identifiers for {{name}} placeholders, refusing missing, unknown and malformed ones', () => {
    const dir = queriesDir({
      base: 'SELECT 1 AS x',
      family: '-- family: by {{group}}\n-- requires: base\nSELECT {{group}}, count(*) AS n FROM events, base GROUP BY {{group}}',
    });
    expect(loadQuery('family', dir, { group: 'show_id' })).toBe(
      '-- family: by show_id\n-- requires: base\nWITH base AS (\nSELECT 1 AS x\n)\nSELECT show_id, count(*) AS n FROM events, base GROUP BY show_id',
    );
    expect(() => loadQuery('family', dir)).toThrow('query "family" needs an identifier for {{group}}');
    expect(() => loadQuery('family', dir, { group: 'show_id', colour: 'x' })).toThrow('query "family" has no {{colour}} placeholder (it has {{group}})');
    expect(() => loadQuery('family', dir, { group: "region; DROP TABLE x" })).toThrow(/identifier "region; DROP TABLE x" for \{\{group\}\} is not allowed/);
    expect(() => loadQuery('family', dir, { group: 'Region' })).toThrow(/not allowed: lowercase letters, digits and _/);
    expect(() => loadQuery('base', dir, { group: 'region' })).toThrow('query "base" has no {{group}} placeholder (it has none)');
  });

  it('expands the predicate placeholders to the hand-written predicates, with a table alias, before identifiers and dependencies', () => {
    const dir = queriesDir({
      clicks: "SELECT * FROM events c\nWHERE {{filters c}}",
      family: [
        '-- requires: clicks',
        'SELECT {{group}}, count(*) AS n',
        'FROM events',
        "  WHERE type = 'heartbeat'",
        '    AND {{in_period}}',
        '    AND {{retailer_filter}}',
        '    AND {{filters}}',
        'GROUP BY {{group}}',
      ].join('\n'),
      joined: "SELECT {{filters e}} AS kept FROM u JOIN events e\n  ON e.viewer_id = u.viewer_id\n   AND {{in_period e}} AND e.x = 1",
    });
    expect(loadQuery('family', dir, { group: 'region' })).toBe([
      '-- requires: clicks',
      'WITH clicks AS (',
      'SELECT * FROM events c',
      "WHERE ($creator_id = '' OR c.creator_id = $creator_id)",
      "  AND ($show_id = '' OR c.show_id = $show_id)",
      "  AND ($region = '' OR c.region = $region)",
      ')',
      'SELECT region, count(*) AS n',
      'FROM events',
      "  WHERE type = 'heartbeat'",
      '    AND dt >= $from_dt AND dt <= $to_dt',
      '    AND event_time >= $from_ms AND event_time < $to_ms',
      "    AND ($retailer_id = '' OR retailer_id = $retailer_id)",
      "    AND ($creator_id = '' OR creator_id = $creator_id)",
      "    AND ($show_id = '' OR show_id = $show_id)",
      "    AND ($region = '' OR region = $region)",
      'GROUP BY region',
    ].join('\n'));
    expect(readQueryFile('joined', dir)).toBe([
      "SELECT ($creator_id = '' OR e.creator_id = $creator_id)",
      "  AND ($show_id = '' OR e.show_id = $show_id)",
      "  AND ($region = '' OR e.region = $region) AS kept FROM u JOIN events e",
      '  ON e.viewer_id = u.viewer_id',
      '   AND e.dt >= $from_dt AND e.dt <= $to_dt',
      '   AND e.event_time >= $from_ms AND e.event_time < $to_ms AND e.x = 1',
    ].join('\n'));
    // A predicate is no identifier placeholder: the caller cannot give one for it.
    expect(placeholderNames(readQueryFile('family', dir))).toEqual(['group']);
    expect(() => loadQuery('clicks', dir, { filters: 'region' })).toThrow('query "clicks" has no {{filters}} placeholder (it has none)');
  });

  it('refuses a bad or missing alias, an unknown or unclosed placeholder, and a predicate in a comment', () => {
    const refused = (sql: string) => () => readQueryFile('q', queriesDir({ q: `SELECT 1 FROM events e\nWHERE ${sql}` }));
    const alias = 'write {{filters}} or {{filters alias}} with a table alias of lowercase letters, digits and _';
    expect(refused('{{filters E}}')).toThrow(`query "q": {{filters E}}: alias "E" is not allowed: ${alias}`);
    expect(refused('{{filters e.}}')).toThrow(`alias "e." is not allowed: ${alias}`);
    expect(refused('{{filters e; DROP TABLE x}}')).toThrow(/alias "e; DROP TABLE x" is not allowed/);
    expect(refused('{{filters }}')).toThrow(`query "q": {{filters }}: the alias is missing after the space: ${alias}`);
    expect(refused('{{filtres e}}')).toThrow(
      'query "q": {{filtres e}} is not a placeholder: the predicates are {{in_period}}, {{retailer_filter}}, {{filters}} (each may name a table alias, e.g. {{filters e}}), and {{name}} is an identifier the caller gives',
    );
    expect(refused('{{ filters }}')).toThrow(/\{\{ filters \}\} is not a placeholder/);
    expect(refused('{{constructor e}}')).toThrow(/\{\{constructor e\}\} is not a placeholder/);
    expect(refused('{{in_period e\n  AND x = 1')).toThrow('query "q": {{in_period e is not closed: write {{name}} or {{name alias}}');
    expect(refused('x = 1 -- not {{retailer_filter}}')).toThrow('query "q": {{retailer_filter}} stands in a -- comment: name the predicate without braces there');
    // An unknown {{name}} is an identifier placeholder, which loadQuery asks the caller for.
    expect(() => loadQuery('q', queriesDir({ q: 'SELECT {{filter}} FROM events' }))).toThrow('query "q" needs an identifier for {{filter}}');
  });

  it('leaves no report filter written out by hand in queries/ (each is a predicate placeholder)', () => {
    const triple = /\(\$creator_id = '' OR (\w+\.)?creator_id = \$creator_id\)\s+AND \(\$show_id = '' OR (\w+\.)?show_id = \$show_id\)\s+AND \(\$region = ''/;
    const period = /dt >= \$from_dt AND (\w+\.)?dt <= \$to_dt\s+AND (\w+\.)?event_time >= \$from_ms/;
    const files = fs.readdirSync(QUERIES_DIR, { recursive: true }).map(String).filter((f) => f.endsWith('.sql'));
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const file of files) {
      const raw = fs.readFileSync(path.join(QUERIES_DIR, file), 'utf8');
      expect(raw, file).not.toMatch(triple);
      expect(raw, file).not.toMatch(period);
      expect(raw, file).not.toContain("($retailer_id = '' OR retailer_id = $retailer_id)");
    }
  });

  it('allows only plain names of files in queries/', () => {
    expect(() => readQueryFile('../package')).toThrow(/not allowed/);
    expect(() => readQueryFile('no_such_report')).toThrow(/no query named "no_such_report"/);
  });

  it('keeps every shipped query one statement, CTEs first', () => {
    const names = fs.readdirSync(QUERIES_DIR).filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -4));
    expect(names.length).toBeGreaterThanOrEqual(9);
    for (const name of names) {
      const sets = placeholderNames(readQueryFile(name)).length > 0 ? queryIdentifierSets(name) : [{}];
      expect(sets.length, `${name}: a template needs a whitelist in pipeline/reports/definitions.ts`).toBeGreaterThan(0);
      for (const identifiers of sets) expect(placeholderNames(loadQuery(name, QUERIES_DIR, identifiers)), name).toEqual([]);
      const sql = loadQuery(name, QUERIES_DIR, sets[0]);
      const body = sql.split('\n').filter((l) => !l.trim().startsWith('--')).join('\n').trim();
      expect(body, name).toMatch(/^(WITH|SELECT)\s/);
      expect(body.replace(/'[^']*'/g, ''), name).not.toContain(';');
      // Athena takes every ? for a positional parameter.
      expect(sql, name).not.toContain('?');
      for (const dep of requiredQueries(readQueryFile(name))) expect(names, `${name} requires ${dep}`).toContain(dep);
    }
  });
});
