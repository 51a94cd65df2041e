/**
 * Reads a request body with a byte cap, inflating gzip with the same cap, so
 * that neither a huge upload nor a gzip bomb is ever held in memory: zlib
 * stops producing output at `maxOutputLength` and fails.
 *
 * @example
 * const r = await readBody(req, 'gzip', MAX_BODY_BYTES);
 * if (r.ok) JSON.parse(r.text);
 */
import { gunzip } from 'node:zlib';

export type BodyResult = { ok: true; text: string } | { ok: false; tooLarge: true };

const TOO_LARGE: BodyResult = { ok: false, tooLarge: true };

/**
 * Collects at most `maxBytes` of a stream; null when it holds more. The rest
 * is left unread, not cancelled: cancelling would destroy the socket under a
 * client still writing, and the server discards it after answering
 * (collector/linger.ts).
 */
async function readCapped(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Buffer | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      reader.releaseLock();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function inflate(data: Buffer, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    gunzip(data, { maxOutputLength: maxBytes }, (err, out) => {
      if (!err) resolve(out);
      else if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') resolve(null);
      else reject(err);
    });
  });
}

/**
 * Returns the decoded body text, or `tooLarge` when the body (before or after
 * inflating) exceeds `maxBytes`. Throws on corrupt gzip data.
 */
export async function readBody(req: Request, encoding: 'gzip' | 'identity', maxBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) return TOO_LARGE;
  let raw: Buffer | null;
  if (Number.isFinite(declared)) {
    // Node's HTTP parser holds the body to its Content-Length, so this is bounded.
    raw = Buffer.from(await req.arrayBuffer());
  } else {
    raw = req.body ? await readCapped(req.body, maxBytes) : Buffer.alloc(0);
  }
  if (raw === null) return TOO_LARGE;
  if (encoding === 'gzip') {
    raw = await inflate(raw, maxBytes);
    if (raw === null) return TOO_LARGE;
  }
  // A UTF-8 byte order mark (some text/plain senders add one) is not JSON.
  const bom = raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0;
  return { ok: true, text: raw.toString('utf8', bom) };
}
