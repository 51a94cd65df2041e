/**
 * Flags every `livelens report` subcommand has: its report's parameters as
 * the library declares them (`--by`, `--from/--to`, `--retailer`,
 * `--creator`, `--show`, `--region`, `--window`, ...; docs/spec.md sections
 * 5 and 8), `--format` and the engine settings; and the one way a
 * subcommand runs and prints a report (the library entry point the data
 * API calls too, so both give the same output).
 *
 * @example
 * addReportOptions(group.command('qoe'), 'qoe').action(async (flags) => printReport('qoe', flags));
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { addSettingOptions, resolveSettings } from '../../../config/settings.ts';
import { ENGINE_SETTINGS, engineSettingsFrom } from '../../../pipeline/engine/create-engine.ts';
import {
  reportFormat, reportParameterSpecs, runReportRequest, ReportParameterError, REPORT_FORMATS,
} from '../../../pipeline/reports/index.ts';
import type { RawParameters, ReportEngineOptions } from '../../../pipeline/reports/index.ts';

/** Flags as commander gives them: camelCase keys, text values. */
export type ReportFlags = Record<string, unknown> & { format?: string; engine?: string; dataDir?: string };

/** `lookback_days` → `lookback-days` (the flag) / `lookbackDays` (commander's key). */
const kebab = (name: string) => name.replaceAll('_', '-');
const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The CLI spelling of a report parameter. */
export function flagOf(parameter: string): string {
  return `--${kebab(parameter)}`;
}

/** Adds the report's parameters (all but the positional `id`), `--format` and the engine settings. */
export function addReportOptions(cmd: Command, report: string): Command {
  for (const spec of reportParameterSpecs(report)) {
    if (spec.name === 'id') continue;
    const option = new Option(`${flagOf(spec.name)} <${kebab(spec.name)}>`, spec.description);
    if (spec.choices) option.choices([...spec.choices]);
    if (spec.default !== undefined) option.default(spec.default);
    if (spec.required) option.makeOptionMandatory();
    cmd.addOption(option);
  }
  cmd.addOption(new Option('--format <format>', 'output format').choices([...REPORT_FORMATS]).default('table'));
  return addSettingOptions(cmd, ENGINE_SETTINGS);
}

/** Flags → the report's raw parameters (snake_case names, text values), as the data API receives them. */
export function reportParametersFromFlags(report: string, flags: ReportFlags, positional: Record<string, string> = {}): RawParameters {
  const raw: Record<string, string> = { ...positional };
  for (const spec of reportParameterSpecs(report)) {
    const value = flags[camel(spec.name)];
    if (value !== undefined && spec.name !== 'id') raw[spec.name] = String(value);
  }
  return raw;
}

/** Runs a report from flags and writes it to stdout (`settings`: what the report needs beyond the engine); errors go to stderr (naming the flag) with exit code 1. */
export async function printReport(
  report: string,
  flags: ReportFlags,
  positional: Record<string, string> = {},
  settings: (flags: ReportFlags) => Partial<ReportEngineOptions> = () => ({}),
): Promise<void> {
  try {
    const format = reportFormat(flags.format);
    const raw = reportParametersFromFlags(report, flags, positional);
    const output = await runReportRequest(report, raw, { ...engineSettingsFrom(resolveSettings(ENGINE_SETTINGS, flags)), ...settings(flags) });
    process.stdout.write(output.render(format));
  } catch (err) {
    const message = err instanceof ReportParameterError
      ? `${err.parameter === 'id' ? 'experiment id' : flagOf(err.parameter)}: ${err.detail}`
      : (err as Error).message;
    process.stderr.write(`livelens report ${report}: ${message}\n`);
    process.exitCode = 1;
  }
}
