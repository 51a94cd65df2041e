/**
 * The collector under benchmark in its own process (lib/collector-bench-server.ts),
 * so its CPU and memory are apart from the load generator's: start a variant,
 * ask it for its memory, stop it.
 *
 * @example
 * const s = await startBenchServer('kinesis', dataDir);
 * const { rssBytes } = await askMemory<{ rssBytes: number }>(s);
 * await stopBenchServer(s);
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface BenchServer {
  child: ChildProcess;
  url: string;
  key: string;
}

/** Forks the bench server for `variant` over `dataDir` and waits for the URL and key it prints first. */
export async function startBenchServer(variant: string, dataDir: string): Promise<BenchServer> {
  const child = fork(join(import.meta.dirname, 'collector-bench-server.ts'), [variant, dataDir], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const first = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl !== -1) resolve(buf.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`${variant} server exited with ${code}`)));
  });
  const { url, key } = JSON.parse(first) as { url: string; key: string };
  return { child, url, key };
}

/** The server's answer to an `rss` message (its memory and, where it measures them, more). */
export function askMemory<T>(s: BenchServer): Promise<T> {
  return new Promise((resolve) => {
    s.child.once('message', (m) => resolve(m as T));
    s.child.send('rss');
  });
}

/** The server's trace points since the previous ask (empty unless it was started with LIVELENS_BENCH_TRACE=1). */
export function askTrace<T>(s: BenchServer): Promise<T[]> {
  return new Promise((resolve) => {
    // A late answer to an `rss` ask may come first: wait for the one that carries the trace.
    const onMessage = (m: unknown): void => {
      if (typeof m !== 'object' || m === null || !('trace' in m)) return;
      s.child.off('message', onMessage);
      resolve((m as { trace: T[] }).trace);
    };
    s.child.on('message', onMessage);
    s.child.send('trace');
  });
}

/** Asks the server to stop and waits for its exit. */
export async function stopBenchServer(s: BenchServer): Promise<void> {
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.send('stop');
  await exited;
}
