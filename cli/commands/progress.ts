/**
 * Progress of a long step: a bar on a terminal (cli-progress), plain lines
 * on anything else (CI logs, pipes), never both.
 *
 * @example
 * const p = createProgress('sessions', process.stdout);
 * p.update(10, 200); ...; p.stop();
 */
import { SingleBar, Presets } from 'cli-progress';

/** On a non-terminal, a line is written at every this-many percent. */
export const PLAIN_PROGRESS_STEP_PERCENT = 10;

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export function createProgress(label: string, out: NodeJS.WriteStream = process.stdout): Progress {
  if (out.isTTY) {
    const bar = new SingleBar({ format: `  ${label} [{bar}] {value}/{total} {percentage}% | {duration}s`, stream: out, hideCursor: true }, Presets.shades_classic);
    let started = false;
    return {
      update(done, total) {
        if (!started) bar.start(total, 0), (started = true);
        bar.setTotal(total);
        bar.update(done);
      },
      stop: () => started && bar.stop(),
    };
  }
  let nextPercent = 0;
  return {
    update(done, total) {
      const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
      if (percent < nextPercent) return;
      out.write(`  ${label}: ${done}/${total} (${percent}%)\n`);
      nextPercent = percent - (percent % PLAIN_PROGRESS_STEP_PERCENT) + PLAIN_PROGRESS_STEP_PERCENT;
    },
    stop: () => {},
  };
}
