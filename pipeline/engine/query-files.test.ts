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
