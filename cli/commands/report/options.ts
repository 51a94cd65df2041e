/**
 * Options every `livelens report` subcommand shares (`--from/--to`,
 * `--retailer`, `--window`, `--format`, `--engine`, `--data-dir`) and the
 * one way a subcommand runs and prints a report.
 *
 * @example
 * addReportOptions(group.command('qoe')).action(async (opts) => printReport('qoe', opts));
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { addSettingOptions, resolveSettings } from '../../../config/settings.ts';
import { ENGINE_SETTINGS, engineSettingsFrom } from '../../../pipeline/engine/create-engine.ts';
import {
  formatReport, parseDurationMs, parseTimeBound, reportFormat, runReport, REPORT_FORMATS,
} from '../../../pipeline/reports/index.ts';
import type { ReportOptions, ReportResult } from '../../../pipeline/reports/index.ts';

export interface ReportFlags {
  by?: string;
  from?: string;
  to?: string;
  retailer?: string;
  window?: string;
  format?: string;
  engine?: string;
  dataDir?: string;
}

/** Adds the shared flags to a report subcommand. */
export function addReportOptions(cmd: Command): Command {
  cmd
    .option('--from <time>', 'start of the period, inclusive: ISO 8601 or epoch ms (default: the beginning)')
    .option('--to <time>', 'end of the period, exclusive: ISO 8601 or epoch ms (default: no end)')
    .option('--retailer <id>', 'only this retailer (default: every retailer)')
    .option('--window <duration>', 'attribution window: e.g. 24h, 90m, 2d', '24h')
    .addOption(new Option('--format <format>', 'output format').choices([...REPORT_FORMATS]).default('table'));
  return addSettingOptions(cmd, ENGINE_SETTINGS);
}

/** Flags → library options (validated; errors name the flag and what is allowed). */
export function reportOptionsFromFlags(flags: ReportFlags): ReportOptions {
  const options: ReportOptions = {
    by: flags.by ?? '',
    ...engineSettingsFrom(resolveSettings(ENGINE_SETTINGS, flags as Record<string, unknown>)),
  };
  if (flags.from !== undefined) options.fromMs = parseTimeBound(flags.from);
  if (flags.to !== undefined) options.toMs = parseTimeBound(flags.to);
  if (flags.retailer !== undefined) options.retailer = flags.retailer;
  if (flags.window !== undefined) options.windowMs = parseDurationMs(flags.window);
  return options;
}

/** Runs a report from flags and writes it to stdout; errors go to stderr with exit code 1. */
export async function printReport(name: string, flags: ReportFlags): Promise<ReportResult | undefined> {
  try {
    const format = reportFormat(flags.format);
    const result = await runReport(name, reportOptionsFromFlags(flags));
    process.stdout.write(formatReport(result, format));
    return result;
  } catch (err) {
    process.stderr.write(`livelens report ${name}: ${(err as Error).message}\n`);
    process.exitCode = 1;
    return undefined;
  }
}
