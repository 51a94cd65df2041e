/**
 * Black-box harness for the SPEC conformance tests: runs the real `livelens` CLI
 * (`node bin/livelens.js ...`) as a child process, starts `livelens serve` on a free
 * port and reads the landed lake with DuckDB. Nothing here imports product code,
 * so these tests only see what docs/spec.md promises.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const BIN_PATH = resolve(import.meta.dirname, '../../bin/livelens.js');
/** How long `livelens serve` may take to print its URL (tsx load + kinesalite start). */
const SERVE_START_TIMEOUT_MS = 45_000;
/** How long a one-shot command (ingest --once, report, stats) may run. */
const COMMAND_TIMEOUT_MS = 45_000;

/** Output of one finished CLI run. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment for a child: the parent's, minus every LIVELENS_* setting, plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('LIVELENS_')) clean[name] = value;
  }
  return { ...clean, ...env };
}

/**
 * Runs `livelens <args>` to completion.
 * @example const { code, stdout } = await runCli(['stats', '--input', file]);
 */
export function runCli(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN_PATH, ...args], { env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`livelens ${args.join(' ')} did not finish in ${COMMAND_TIMEOUT_MS} ms\n${stdout}\n${stderr}`));
    }, COMMAND_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });
}

/** A running `livelens serve`. */
export interface ServeHandle {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts `livelens serve <args>` and resolves once it prints its `http://host:port` URL.
 * @example const serve = await startServe(['--data-dir', dir, '--port', '0']);
 */
export function startServe(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<ServeHandle> {
  const child: ChildProcess = spawn(process.execPath, [BIN_PATH, 'serve', ...args], {
    env: childEnv(env),
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((done) => child.on('close', () => done()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`livelens serve printed no URL in ${SERVE_START_TIMEOUT_MS} ms:\n${output}`));
    }, SERVE_START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[0-9.:[\]a-z]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolvePromise({ url: match[1], output: () => output, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`livelens serve exited (${code}) before listening:\n${output}`));
    });
  });
}

/** A fresh temporary data dir; remove it with `removeDir`. */
export function makeDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'livelens-spec-'));
}

/** Removes a temporary dir made by `makeDataDir`. */
export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/**
 * Every landed event row in `<dataDir>/lake` (any Parquet file with an `event_id` and `type` column),
 * as plain JS objects.
 * @example const rows = await readLakeEvents(dir); rows.find((r) => r.event_id === 'abc12345');
 */
export async function readLakeEvents(dataDir: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const glob = join(dataDir, 'lake', '**', '*.parquet').replaceAll("'", "''");
    const files = (await connection.runAndReadAll(`SELECT file FROM glob('${glob}')`)).getRowObjectsJS();
    const rows: Record<string, unknown>[] = [];
    for (const { file } of files) {
      const path = String(file).replaceAll("'", "''");
      const columns = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`))
        .getRowObjectsJS()
        .map((row) => String(row['column_name']));
      if (!columns.includes('event_id') || !columns.includes('type')) continue;
      const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${path}', hive_partitioning = true)`);
      rows.push(...(reader.getRowObjectsJS() as Record<string, unknown>[]));
    }
    return rows;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
