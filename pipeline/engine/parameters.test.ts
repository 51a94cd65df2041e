import { describe, expect, it } from 'vitest';
import { athenaLiteral, checkParameters, parameterNames, parameterUses, toPositional } from './parameters.ts';

describe('named parameters', () => {
  it('finds $names outside strings, quoted identifiers and comments', () => {
    const sql = `-- $not_me\nSELECT '$nor_me', "$col" /* $nope */ FROM t WHERE a = $a AND b = $b_2 AND c = $a`;
    expect(parameterUses(sql).map((u) => u.name)).toEqual(['a', 'b_2', 'a']);
    expect(parameterNames(sql)).toEqual(['a', 'b_2']);
  });

  it('keeps a doubled quote inside a literal', () => {
    expect(parameterNames(`SELECT 'it''s $x' AS s, $y`)).toEqual(['y']);
  });

  it('maps names to Athena positions with typed literals', () => {
    expect(toPositional('SELECT * FROM t WHERE a = $s AND b >= $n AND c = $s AND d < $f AND e = $b AND f IS $z', {
      s: "o'brien", n: 1_793_491_200_000, f: 0.25, b: true, z: null,
    })).toEqual({
      sql: 'SELECT * FROM t WHERE a = ? AND b >= ? AND c = ? AND d < ? AND e = ? AND f IS ?',
      values: ["'o''brien'", '1793491200000', "'o''brien'", "DOUBLE '0.25'", 'true', 'NULL'],
    });
  });

  it('refuses values that are not finite', () => {
    expect(() => athenaLiteral(Number.NaN)).toThrow(/only finite numbers/);
  });

  it('names every missing parameter', () => {
    expect(() => checkParameters('q', 'SELECT $a, $b, $c', { b: 1 })).toThrow('query "q" needs parameter(s) $a, $c (it uses $a, $b, $c)');
  });
});
