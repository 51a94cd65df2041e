/**
 * The processes of a fault test, each real and separately killable:
 * kinesalite (its own process, on a fixed port so it can come back),
 * `livelens serve` (the collector) and `livelens ingest --once`.
 *
 * @example
 * const k = await Kinesalite.start(dir, await freePort());
 * const s = await Serve.start({ dataDir, port: await freePort(), kinesisEndpoint: k.endpoint });
 * s.kill('SIGKILL');
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'livelens.js');
/** Longest wait for a child to say it is ready (a CLI start takes ~1.5 s idle, but over 20 s was seen at load ~20 on 2 cores). */
export const START_TIMEOUT_MS = 45_000;
export const FAULT_WRITE_KEY = 'fault_key_0001';
export const FAULT_RETAILER = 'faultshop';

/** A free TCP port on 127.0.0.1 (so a restarted process can take the same one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function waitFor(child: ChildProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} not ready within ${START_TIMEOUT_MS} ms; output: ${out.slice(-500)}`)), START_TIMEOUT_MS);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code ?? signal}) before it was ready; output: ${out.slice(-500)}`));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Kinesalite in its own process on `port`, persisted in `dir`. */
export class Kinesalite {
  private constructor(private child: ChildProcess, readonly endpoint: string, private readonly dir: string, readonly port: number) {}

  static async start(dir: string, port: number): Promise<Kinesalite> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'kinesalite-child.ts'), dir, String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const m = await waitFor(child, /ready (\S+)\n/, 'kinesalite');
    return new Kinesalite(child, m[1]!, dir, port);
  }

  /** Stops it hard (as a crash or a lost host would). */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await exited(this.child);
  }

  /** Starts it again on the same folder and port. */
  async restart(): Promise<void> {
    const again = await Kinesalite.start(this.dir, this.port);
    this.child = again.child;
  }
}

export interface ServeOptions {
  dataDir: string;
  port: number;
  kinesisEndpoint: string;
  env?: Record<string, string>;
}

/** `livelens serve` as a child process. */
export class Serve {
  private constructor(private child: ChildProcess, readonly url: string, private readonly options: ServeOptions) {}

  static async start(options: ServeOptions): Promise<Serve> {
    const args = [BIN, 'serve', '--data-dir', options.dataDir, '--port', String(options.port), '--kinesis-endpoint', options.kinesisEndpoint, '--write-keys', `${FAULT_WRITE_KEY}@${FAULT_RETAILER}`];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LIVELENS_LOG_LEVEL: 'warn', LIVELENS_RATE_ADDRESS_REQUESTS_PER_S: '0', ...options.env } });
    const m = await waitFor(child, /listening on (http:\/\/\S+) /, 'livelens serve');
    return new Serve(child, m[1]!, options);
  }

  /** The collector's /metrics. */
  async metrics(): Promise<{ accepted: number; spooled: number; responses: Record<string, number>; sink: { streamUp: boolean; spool: { events: number; bytes: number } } }> {
    return (await (await fetch(`${this.url}/metrics`)).json()) as never;
  }

  /** Waits until the spool is empty and the stream up (everything acknowledged is in Kinesis). */
  async drained(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = await this.metrics();
      if (m.sink.streamUp && m.sink.spool.events === 0) return;
      if (Date.now() > deadline) throw new Error(`spool not drained within ${timeoutMs} ms: ${JSON.stringify(m.sink)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  kill(signal: NodeJS.Signals): Promise<void> {
    this.child.kill(signal);
    return exited(this.child);
  }

  async restart(env: Record<string, string> = {}): Promise<void> {
    const again = await Serve.start({ ...this.options, env: { ...this.options.env, ...env } });
    this.child = again.child;
  }

  /** SIGTERM: drains and exits. */
  stop(): Promise<void> {
    return this.kill('SIGTERM');
  }
}

/** `livelens ingest --once`; resolves with how it ended (a crash point SIGKILLs it). */
export function ingestOnce(dataDir: string, kinesisEndpoint: string, env: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'ingest', '--once', '--data-dir', dataDir, '--kinesis-endpoint', kinesisEndpoint], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LIVELENS_LOG_LEVEL: 'warn', ...env },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })));
}
