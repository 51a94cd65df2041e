/**
 * One consumer per stream and data dir: two would read the same shards and
 * race on the same checkpoints. The lock is a file holding the owner's pid,
 * created exclusively; a lock whose process is gone (a crash) is taken over.
 *
 * @example
 * const release = await lockConsumer('.livelens', 'livelens-events');
 * try { ... } finally { await release(); }
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECKPOINTS_DIR, CONSUMER_LOCK_SUFFIX } from '../../contract/data-dir.ts';

export function consumerLockPath(dataDir: string, stream: string): string {
  return join(dataDir, CHECKPOINTS_DIR, `${stream}${CONSUMER_LOCK_SUFFIX}`);
}

/** Takes the lock or throws naming the process that holds it; resolves to its release. */
export async function lockConsumer(dataDir: string, stream: string): Promise<() => Promise<void>> {
  const path = consumerLockPath(dataDir, stream);
  await mkdir(join(dataDir, CHECKPOINTS_DIR), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new Error(`stream ${stream} is already being ingested into ${dataDir} by process ${holder} (lock ${path}); run one ingest per data dir`);
      }
      // Left by a process that is gone: take it over.
      await rm(path, { force: true });
    }
  }
  throw new Error(`could not take the ingest lock ${path}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
