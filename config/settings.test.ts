import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { applySettingFlags, resolveSetting, settingOption, SETTINGS } from './settings.ts';

describe('settings', () => {
  it('resolves flag, then environment variable, then default', () => {
    expect(resolveSetting('port', { port: '9000' }, { LIVELENS_PORT: '8000' })).toBe('9000');
    expect(resolveSetting('port', {}, { LIVELENS_PORT: '8000' })).toBe('8000');
    expect(resolveSetting('port', {}, {})).toBe('8787');
    expect(resolveSetting('kinesisStream', {}, {})).toBeUndefined();
  });

  it('copies the flags a command was given into the environment, leaving the rest alone', () => {
    const cmd = new Command('x').exitOverride();
    for (const name of ['duckdbThreads', 'athenaWorkgroup', 'dataDir'] as const) cmd.addOption(settingOption(name));
    cmd.parse(['--duckdb-threads', '3', '--athena-workgroup', 'analytics'], { from: 'user' });
    const env: NodeJS.ProcessEnv = { LIVELENS_DUCKDB_THREADS: '1', LIVELENS_DATA_DIR: '/keep' };
    applySettingFlags(cmd.opts(), env);
    expect(env).toEqual({ LIVELENS_DUCKDB_THREADS: '3', LIVELENS_ATHENA_WORKGROUP: 'analytics', LIVELENS_DATA_DIR: '/keep' });
  });

  it('gives every setting both a flag and a variable, and shows the variable in the help', () => {
    for (const [name, spec] of Object.entries(SETTINGS)) {
      expect(spec.flag, name).toMatch(/^--[a-z0-9-]+ <[a-z0-9]+>$/);
      expect(spec.env, name).toMatch(/^(LIVELENS_[A-Z0-9_]+|AWS_REGION)$/);
      expect(settingOption(name as keyof typeof SETTINGS).description).toContain(`env ${spec.env}`);
    }
  });
});
