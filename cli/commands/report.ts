/**
 * `livelens report <name>`: the report group (docs/spec.md §5). Each report
 * is a module in `cli/commands/report/<name>.ts` exporting `register(group)`
 * and listed below, one line each.
 *
 * @example
 * livelens report conversion --by creator --from 2026-11-01 --format json
 */
import type { Command } from 'commander';

/** Registers one report subcommand on the `report` group. */
export type RegisterReport = (group: Command) => void;

// Loaded before register() runs (top-level await), so registration stays synchronous.
const reportModules: Array<{ register: RegisterReport }> = await Promise.all([
  // One line per report module, in docs/spec.md order, then the dashboard's.
  import('./report/conversion.ts'),
  import('./report/qoe.ts'),
  import('./report/experiment.ts'),
  import('./report/qoe-impact.ts'),
  import('./report/audience.ts'),
  import('./report/timeline.ts'),
  // The dashboard's own reports.
  import('./report/conversion-over-time.ts'),
  import('./report/experiment-cumulative.ts'),
]);

export function register(program: Command): void {
  const group = program
    .command('report')
    .description('reports from the lake: conversion (by group and over time), quality of experience, experiments, QoE impact, audience, show timeline (DuckDB or Athena)');
  for (const module of reportModules) module.register(group);
}
