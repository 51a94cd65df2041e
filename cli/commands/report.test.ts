/**
 * The `livelens report` group: one subcommand per report the library knows,
 * and every one takes the six filters the library declares (docs/spec.md §5).
 * What each filter keeps is tested in test/report-filters.test.ts.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { REPORT_NAMES, reportParameterSpecs } from '../../pipeline/reports/index.ts';
import { register } from './report.ts';

const FILTERS = ['from', 'to', 'retailer', 'creator', 'show', 'region'];

describe('livelens report', () => {
  it('the library declares the six filters for every report, and every `livelens report` command has the flags', () => {
    const program = new Command();
    register(program);
    const group = program.commands.find((c) => c.name() === 'report')!;
    expect(group.commands.map((c) => c.name()).sort()).toEqual([...REPORT_NAMES].sort());
    for (const name of REPORT_NAMES) {
      const names = reportParameterSpecs(name).map((s) => s.name);
      for (const filter of FILTERS) expect(names, `${name} takes ${filter}`).toContain(filter);
      const flags = group.commands.find((c) => c.name() === name)!.options.map((o) => o.long);
      for (const filter of FILTERS) expect(flags, `report ${name} has --${filter}`).toContain(`--${filter}`);
    }
  });
});
