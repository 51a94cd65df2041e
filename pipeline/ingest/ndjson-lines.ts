/**
 * Counting NDJSON lines without decoding them, to decide when a batch is
 * big enough to land.
 *
 * @example
 * countNdjsonLines([Buffer.from('{"a":1}\n\n{"b":2}')]) // 2
 */

/** Non-blank lines in the chunks (blank lines are skipped by every reader, as unpackRecord does). */
export function countNdjsonLines(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of parts) {
    let start = 0;
    while (start < p.byteLength) {
      let end = p.indexOf(0x0a, start);
      if (end === -1) end = p.byteLength;
      for (let i = start; i < end; i++) {
        const b = p[i]!;
        if (b !== 0x20 && b !== 0x09 && b !== 0x0d) {
          n++;
          break;
        }
      }
      start = end + 1;
    }
  }
  return n;
}
