/**
 * docs/spec.md §7, black box: every setting is read from its environment variable and its
 * flag wins over it; defaults (generated demo key, ./.livelens) when neither is given.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, readLakeEvents, removeDir, runCli, startServe, type ServeHandle } from './cli-harness.ts';

const ENV_KEY = 'specEnvKey-eeee';
const FLAG_KEY = 'specFlagKey-ffff';

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function postOne(url: string, key: string, eventId: string, headers: Record<string, string> = {}): Promise<Response> {
  const now = Date.now();
  return fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-write-key': key, ...headers },
    body: JSON.stringify({
      sent_at: now,
      events: [{ event_id: eventId, type: 'session_start', ts: now, viewer_id: 'v', session_id: 's', show_id: 'sh', creator_id: 'c', props: {} }],
    }),
  });
}

let envDir = '';
let flagDir = '';
let cwdDir = '';
let envPort = 0;
let flagged: ServeHandle;
let plain: ServeHandle;

beforeAll(async () => {
  [envDir, flagDir, cwdDir] = await Promise.all([makeDataDir(), makeDataDir(), makeDataDir()]);
  envPort = await freePort();
  [flagged, plain] = await Promise.all([
    startServe(['--port', '0', '--data-dir', flagDir, '--write-keys', `${FLAG_KEY}@flagged`, '--region-header', 'x-flag-country'], {
      LIVELENS_PORT: String(envPort),
      LIVELENS_DATA_DIR: envDir,
      LIVELENS_WRITE_KEYS: `${ENV_KEY}@env`,
      LIVELENS_REGION_HEADER: 'x-env-country',
    }),
    startServeIn(cwdDir),
  ]);
}, 90_000);

/** `livelens serve --port 0` with no other setting, run from `cwd`. */
function startServeIn(cwd: string): Promise<ServeHandle> {
  return startServe(['--port', '0'], {}, cwd);
}

afterAll(async () => {
  await Promise.all([flagged?.stop(), plain?.stop()]);
  await Promise.all([removeDir(envDir), removeDir(flagDir), removeDir(cwdDir)]);
});

describe('flags win over environment variables', () => {
  it('--port over LIVELENS_PORT', () => {
    expect(new URL(flagged.url).port).not.toBe(String(envPort));
  });

  it('--write-keys over LIVELENS_WRITE_KEYS', async () => {
    expect((await postOne(flagged.url, FLAG_KEY, 'settings_flag_key_1')).status).toBe(200);
    expect((await postOne(flagged.url, ENV_KEY, 'settings_env_key_1')).status).toBe(401);
  });

  it('--data-dir over LIVELENS_DATA_DIR', async () => {
    expect((await readdir(flagDir)).length).toBeGreaterThan(0);
    expect(await readdir(envDir)).toEqual([]);
  });

  it('--region-header over LIVELENS_REGION_HEADER', async () => {
    const response = await postOne(flagged.url, FLAG_KEY, 'settings_region_1', { 'x-flag-country': 'FR', 'x-env-country': 'IT' });
    expect(response.status).toBe(200);
    await flagged.stop();
    const ingest = await runCli(['ingest', '--once', '--data-dir', flagDir]);
    expect(ingest.code, ingest.stderr).toBe(0);
    const rows = await readLakeEvents(flagDir);
    const row = rows.find((r) => r['event_id'] === 'settings_region_1');
    expect(row?.['region']).toBe('FR');
    expect(row?.['retailer_id']).toBe('flagged');
  }, 60_000);

  it('--engine over LIVELENS_ENGINE', async () => {
    const result = await runCli(['report', 'conversion', '--by', 'creator', '--format', 'json', '--engine', 'duckdb', '--data-dir', flagDir], {
      LIVELENS_ENGINE: 'athena',
    });
    expect(result.code, result.stderr).toBe(0);
    const rows = (JSON.parse(result.stdout) as { rows: Record<string, unknown>[] }).rows;
    expect(rows.find((row) => row['creator_id'] === 'c')?.['viewers']).toBe(1);
  }, 60_000);

  it('LIVELENS_DATA_DIR is read when no flag is given', async () => {
    const file = join(envDir, 'orders.csv');
    await writeFile(file, 'order_id,ts,user_id,click_id,product_id,quantity,unit_price,currency\nO1,2026-01-01T00:00:00Z,u1,,p1,1,1,EUR\n');
    const result = await runCli(['orders', 'import', file], { LIVELENS_DATA_DIR: envDir });
    expect(result.code, result.stderr).toBe(0);
    expect(await readdir(envDir)).toContain('lake');
  }, 60_000);
});

describe('defaults', () => {
  it('prints a generated demo key at start, and it works', async () => {
    const key = /key[^:\n]*:\s*(\S+)/i.exec(plain.output().split('\n').filter((line) => !line.startsWith('{')).join('\n'))?.[1];
    expect(key).toBeDefined();
    expect((await postOne(plain.url, key ?? '', 'settings_demo_key_1')).status).toBe(200);
  });

  it('keeps its data in ./.livelens', async () => {
    expect(await readdir(cwdDir)).toContain('.livelens');
  });
});
