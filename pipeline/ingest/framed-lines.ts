/**
 * Numbers the NDJSON lines of a landing so that the lines DuckDB cannot read
 * are found, not silently skipped: each non-blank line is staged as
 * `{"__line":N,"__row":<line>}`; a line the reader refuses yields no
 * `__line`, and comparing the numbers read with 1..count names every such
 * line.
 *
 * @example
 * const f = frameLines([Buffer.from('{"a":1}\n\nbad\n')]);
 * f.count // 2; f.staged: '{"__line":1,"__row":{"a":1}}\n{"__line":2,"__row":bad}\n'
 * f.text(2) // 'bad'
 */

/** Column of the line number in the staged file. */
export const LINE_COLUMN = '__line';
/** Column holding the line's own object in the staged file. */
export const ROW_COLUMN = '__row';

export interface FramedLines {
  /** The staged NDJSON: every non-blank line wrapped with its number. */
  staged: Buffer;
  /** Non-blank lines (numbered 1..count). */
  count: number;
  /** The text of line `n` (1-based), as it was handed in. */
  text(n: number): string;
}

const SUFFIX = Buffer.from('}\n');

function isBlank(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d;
}

/** Frames the lines of `parts` (each a whole number of lines; a missing final newline is allowed). */
export function frameLines(parts: readonly Uint8Array[]): FramedLines {
  const data = parts.length === 1 ? Buffer.from(parts[0]!.buffer, parts[0]!.byteOffset, parts[0]!.byteLength) : Buffer.concat(parts);
  const bounds: number[] = [];
  let start = 0;
  while (start < data.length) {
    let end = data.indexOf(0x0a, start);
    if (end === -1) end = data.length;
    let i = start;
    while (i < end && isBlank(data[i]!)) i++;
    if (i < end) bounds.push(start, end);
    start = end + 1;
  }
  const count = bounds.length / 2;
  const prefixes: Buffer[] = new Array(count);
  let size = 0;
  for (let n = 0; n < count; n++) {
    prefixes[n] = Buffer.from(`{"${LINE_COLUMN}":${n + 1},"${ROW_COLUMN}":`);
    size += prefixes[n]!.length + (bounds[2 * n + 1]! - bounds[2 * n]!) + SUFFIX.length;
  }
  const staged = Buffer.allocUnsafe(size);
  let at = 0;
  for (let n = 0; n < count; n++) {
    at += prefixes[n]!.copy(staged, at);
    at += data.copy(staged, at, bounds[2 * n]!, bounds[2 * n + 1]!);
    at += SUFFIX.copy(staged, at);
  }
  return {
    staged,
    count,
    text: (n) => data.toString('utf8', bounds[2 * (n - 1)]!, bounds[2 * (n - 1) + 1]!).replace(/\r$/, ''),
  };
}
