import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseInteger } from './parse-integer.ts';
import { addSettingOptions, resolveSetting, resolveSettings, settingOption, SETTINGS, type SettingName } from './settings.ts';

describe('the settings registry', () => {
  it('resolves flag, then environment variable, then default, typed by kind', () => {
    expect(resolveSetting('port', { port: '9000' }, { LIVELENS_PORT: '8000' })).toBe(9000);
    expect(resolveSetting('port', {}, { LIVELENS_PORT: '8000' })).toBe(8000);
    expect(resolveSetting('port', {}, {})).toBe(8787);
    expect(resolveSetting('port', {}, { LIVELENS_PORT: '' })).toBe(8787); // empty is unset
    expect(resolveSetting('kinesisStream', {}, {})).toBeUndefined();
    expect(resolveSetting('engine', {}, { LIVELENS_ENGINE: 'athena' })).toBe('athena');
  });

  it('resolves a command\'s list once into a plain object, flags given on the command winning, nothing written to the environment', () => {
    const names = ['duckdbThreads', 'athenaWorkgroup', 'dataDir'] as const;
    const cmd = addSettingOptions(new Command('x').exitOverride(), names);
    cmd.parse(['--duckdb-threads', '3', '--athena-workgroup', 'analytics'], { from: 'user' });
    const env: NodeJS.ProcessEnv = { LIVELENS_DUCKDB_THREADS: '1', LIVELENS_DATA_DIR: '/keep' };
    expect(resolveSettings(names, cmd.opts(), env)).toEqual({ duckdbThreads: 3, athenaWorkgroup: 'analytics', dataDir: '/keep' });
    expect(env).toEqual({ LIVELENS_DUCKDB_THREADS: '1', LIVELENS_DATA_DIR: '/keep' });
  });

  it('refuses a bad value with one message shape naming the flag, what is allowed, and where the value came from', () => {
    expect(() => resolveSetting('port', { port: '70000' }, {})).toThrow('--port must be a whole number from 0 to 65535; got "70000"');
    expect(() => resolveSetting('duckdbThreads', {}, { LIVELENS_DUCKDB_THREADS: 'abc' })).toThrow(
      '--duckdb-threads must be a whole number from 1 to 1024 threads; got "abc" from LIVELENS_DUCKDB_THREADS',
    );
    expect(() => resolveSetting('spoolMaxBytes', { spoolMaxBytes: '-1' }, {})).toThrow('--spool-max-bytes must be a whole number of at least 0 bytes; got "-1"');
    expect(() => resolveSetting('engine', { engine: 'sqlite' }, {})).toThrow('--engine must be one of duckdb, athena; got "sqlite"');
    expect(() => resolveSetting('logLevel', {}, { LIVELENS_LOG_LEVEL: 'loud' })).toThrow(
      '--log-level must be one of fatal, error, warn, info, debug, trace, silent; got "loud" from LIVELENS_LOG_LEVEL',
    );
    expect(() => resolveSetting('duckdbMemoryLimit', { duckdbMemoryLimit: 'lots' }, {})).toThrow('--duckdb-memory-limit must be a size such as 512MB or 2GB; got "lots"');
    expect(() => parseInteger('1.5', { flag: '--flush-rows', min: 1, max: 10 })).toThrow('--flush-rows must be a whole number from 1 to 10; got "1.5"');
    expect(() => parseInteger(' ', { flag: '--seed', min: 0 })).toThrow('--seed must be a whole number of at least 0; got " "');
  });

  it('gives every setting a flag, a variable, a kind that fits its default and range, and shows the variable in the help', () => {
    const variables = new Set<string>();
    const flags = new Set<string>();
    for (const [name, spec] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
      expect(spec.flag, name).toMatch(/^--[a-z0-9-]+ <[a-z0-9]+>$/);
      expect(spec.variable, name).toMatch(/^(LIVELENS_[A-Z0-9_]+|AWS_REGION)$/);
      expect(spec.description.length, name).toBeGreaterThan(10);
      variables.add(spec.variable);
      flags.add(spec.flag.split(' ')[0]!);
      expect(settingOption(name).description).toContain(`env ${spec.variable}`);
      if ('default' in spec) {
        // The default passes its own checks (an integer in range, one of the choices, ...).
        expect(resolveSetting(name, {}, { [spec.variable]: String(spec.default) }), name).toEqual(spec.default);
      }
    }
    expect(variables.size).toBe(Object.keys(SETTINGS).length);
    expect(flags.size).toBe(Object.keys(SETTINGS).length);
  });
});
