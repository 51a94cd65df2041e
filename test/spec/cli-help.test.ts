/**
 * docs/spec.md §§5 and 7, black box: `--help` on every command of the command line, the
 * flags each report takes, and a flag documented for every setting of the table.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './cli-harness.ts';

/** Commands of docs/spec.md §5 and the flags each must offer. */
const COMMANDS: { command: string[]; flags: string[] }[] = [
  { command: ['serve'], flags: [] },
  { command: ['ingest'], flags: ['--once'] },
  { command: ['orders', 'import'], flags: ['--retailer'] },
  { command: ['report', 'conversion'], flags: ['--by', '--from', '--to', '--format', '--engine', '--window', '--retailer'] },
  { command: ['report', 'qoe'], flags: ['--by', '--from', '--to', '--format', '--engine'] },
  { command: ['report', 'experiment'], flags: ['--from', '--to', '--format', '--engine'] },
  { command: ['stats'], flags: ['--input'] },
  { command: ['athena', 'ddl'], flags: ['--create', '--lake'] },
  { command: ['simulate'], flags: [] },
  { command: ['demo'], flags: [] },
];

/** Setting variables of docs/spec.md §7 that every command using them must document beside a flag. */
const SETTINGS: { variable: string; command: string[] }[] = [
  { variable: 'LIVELENS_DATA_DIR', command: ['serve'] },
  { variable: 'LIVELENS_PORT', command: ['serve'] },
  { variable: 'LIVELENS_WRITE_KEYS', command: ['serve'] },
  { variable: 'LIVELENS_KINESIS_STREAM', command: ['serve'] },
  { variable: 'LIVELENS_KINESIS_ENDPOINT', command: ['serve'] },
  { variable: 'LIVELENS_REGION_HEADER', command: ['serve'] },
  { variable: 'LIVELENS_ENGINE', command: ['report', 'conversion'] },
  { variable: 'LIVELENS_DATA_DIR', command: ['ingest'] },
  { variable: 'LIVELENS_KINESIS_STREAM', command: ['ingest'] },
  { variable: 'LIVELENS_KINESIS_ENDPOINT', command: ['ingest'] },
  { variable: 'LIVELENS_DATA_DIR', command: ['orders', 'import'] },
  { variable: 'LIVELENS_DATA_DIR', command: ['report', 'conversion'] },
  { variable: 'LIVELENS_LAKE', command: ['athena', 'ddl'] },
];

/** How many CLI processes run at once (each start-up loads TypeScript through tsx). */
const PARALLEL_PROCESSES = 4;

const helps = new Map<string, CliResult>();

beforeAll(async () => {
  const commands = [[], ['orders'], ['report'], ...COMMANDS.map((c) => c.command)];
  for (let i = 0; i < commands.length; i += PARALLEL_PROCESSES) {
    const batch = commands.slice(i, i + PARALLEL_PROCESSES);
    const results = await Promise.all(batch.map((command) => runCli([...command, '--help'])));
    batch.forEach((command, j) => helps.set(command.join(' '), results[j] as CliResult));
  }
}, 120_000);

function help(command: string[]): CliResult {
  const result = helps.get(command.join(' '));
  if (!result) throw new Error(`no help run for ${command.join(' ')}`);
  return result;
}

describe('--help on every command', () => {
  it('the top level lists every command of docs/spec.md §5', () => {
    const top = help([]);
    expect(top.code).toBe(0);
    for (const name of ['serve', 'ingest', 'orders', 'report', 'stats', 'athena', 'simulate', 'demo']) expect(top.stdout).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
    expect(help(['orders']).stdout).toMatch(/^\s+import\b/m);
  });

  for (const { command, flags } of COMMANDS) {
    it(`livelens ${command.join(' ')} --help exits 0 and documents ${flags.join(' ') || 'itself'}`, () => {
      const result = help(command);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`Usage: livelens ${command.join(' ')}`);
      for (const flag of flags) expect(result.stdout).toContain(flag);
    });
  }

  it('report conversion offers --by creator|show|offer|region and every format and engine', () => {
    const text = help(['report', 'conversion']).stdout;
    for (const word of ['creator', 'show', 'offer', 'region', 'table', 'json', 'csv', 'duckdb', 'athena']) expect(text).toContain(word);
  });

  it('report qoe offers --by region|show|device', () => {
    const text = help(['report', 'qoe']).stdout;
    for (const word of ['region', 'show', 'device']) expect(text).toContain(word);
  });
});

describe('every setting has a flag (docs/spec.md §7)', () => {
  for (const { variable, command } of SETTINGS) {
    it(`livelens ${command.join(' ')} documents a flag for ${variable}`, () => {
      const text = help(command).stdout.replace(/\s+/g, ' ');
      expect(text).toContain(variable);
      // The variable is named in the description of an option ("--flag <value> ... (env VAR").
      const option = text.split(/ (?=--[a-z])/).find((part) => part.includes(variable));
      expect(option).toMatch(/^--[a-z-]+/);
    });
  }
});
