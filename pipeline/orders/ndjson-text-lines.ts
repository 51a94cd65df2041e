/**
 * The lines of an NDJSON byte stream, numbered from 1: split at `\n` (a
 * `\r` before it is dropped, so CRLF files read the same), a UTF-8 BOM
 * dropped from the first line, the last line read even without a final
 * newline. A line longer than `maxLineBytes` or not valid UTF-8 comes back
 * as an error with its number; memory is bounded by `maxLineBytes`.
 *
 * @example
 * for await (const batch of ndjsonTextLines(createReadStream(file), { maxLineBytes: 1 << 20 })) for (const l of batch) 'error' in l ? report(l) : JSON.parse(l.text);
 */

export type TextLine = { line: number; text: string } | { line: number; error: string };

const LF = 0x0a;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The lines in batches (those ending in one chunk of bytes: fewer async steps). */
export async function* ndjsonTextLines(bytes: AsyncIterable<Buffer>, options: { maxLineBytes: number }): AsyncGenerator<TextLine[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let parts: Buffer[] = [];
  let size = 0;
  let oversized = false;
  let line = 1;
  const finish = (): TextLine => {
    const n = line++;
    if (oversized) {
      const error = `line longer than ${options.maxLineBytes} bytes (MAX_ORDER_ROW_BYTES)`;
      oversized = false;
      size = 0;
      return { line: n, error };
    }
    let buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    parts = [];
    size = 0;
    if (n === 1 && buf.subarray(0, BOM.length).equals(BOM)) buf = buf.subarray(BOM.length);
    if (buf.length > 0 && buf[buf.length - 1] === CR) buf = buf.subarray(0, buf.length - 1);
    try {
      return { line: n, text: decoder.decode(buf) };
    } catch {
      return { line: n, error: 'not valid UTF-8' };
    }
  };
  const take = (piece: Buffer) => {
    if (oversized || piece.length === 0) return;
    size += piece.length;
    if (size > options.maxLineBytes + 1) {
      // (+1: a CR ending the line is not counted.) The line's bytes are dropped as they come.
      oversized = true;
      parts = [];
      return;
    }
    parts.push(piece);
  };
  for await (const chunk of bytes) {
    const batch: TextLine[] = [];
    let from = 0;
    for (let at = chunk.indexOf(LF, from); at !== -1; at = chunk.indexOf(LF, from)) {
      take(chunk.subarray(from, at));
      batch.push(finish());
      from = at + 1;
    }
    // Copied: the stream may reuse its buffer, and a kept slice would pin a whole chunk.
    if (from < chunk.length) take(Buffer.from(chunk.subarray(from)));
    if (batch.length > 0) yield batch;
  }
  if (size > 0 || oversized) yield [finish()];
}
