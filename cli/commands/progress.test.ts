import { describe, expect, it } from 'vitest';
import { createProgress, PLAIN_PROGRESS_STEP_PERCENT } from './progress.ts';

describe('createProgress off a terminal', () => {
  it('writes a plain line at every PLAIN_PROGRESS_STEP_PERCENT percent, not one per update', () => {
    const lines: string[] = [];
    const out = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
    const p = createProgress('sessions', out);
    for (let i = 1; i <= 200; i++) p.update(i, 200);
    p.stop();
    expect(lines.length).toBe(100 / PLAIN_PROGRESS_STEP_PERCENT + 1); // the start, then every step
    expect(lines[0]).toBe('  sessions: 1/200 (0%)\n');
    expect(lines[1]).toBe('  sessions: 20/200 (10%)\n');
    expect(lines.at(-1)).toBe('  sessions: 200/200 (100%)\n');
  });
});
