/**
 * Decodes `POST /v1/events` (docs/spec.md §2): checks the content type and
 * encoding (415), reads at most MAX_BODY_BYTES after inflating (413), parses
 * JSON and the envelope (400) and the batch size (400 below
 * MIN_EVENTS_PER_BATCH, 413 above MAX_EVENTS_PER_BATCH). Sets `c.get('envelope')`.
 *
 * @example
 * app.post('/v1/events', decodeBatch(), (c) => c.json({ n: c.get('envelope').events.length }));
 */
import type { MiddlewareHandler } from 'hono';
import { validateEnvelope } from '../../../contract/events.ts';
import { MAX_BODY_BYTES, MAX_EVENTS_PER_BATCH, MIN_EVENTS_PER_BATCH } from '../../../contract/limits.ts';
import type { CollectorEnv } from '../../types.ts';
import { readBody } from './read-body.ts';

export const ACCEPTED_CONTENT_TYPES = ['application/json', 'text/plain'];
export const ACCEPTED_ENCODINGS = ['gzip', 'identity'];

/** `application/json; charset=utf-8` -> `application/json`. */
function mediaType(header: string | undefined): string {
  if (header === undefined) return '';
  const semi = header.indexOf(';');
  return (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
}

export function decodeBatch(maxBodyBytes = MAX_BODY_BYTES): MiddlewareHandler<CollectorEnv> {
  return async (c, next) => {
    const type = mediaType(c.req.header('content-type'));
    if (!ACCEPTED_CONTENT_TYPES.includes(type)) {
      return c.json({ error: `unsupported content type "${type}"; allowed: ${ACCEPTED_CONTENT_TYPES.join(', ')}` }, 415);
    }
    const encoding = (c.req.header('content-encoding') ?? 'identity').trim().toLowerCase() || 'identity';
    if (encoding !== 'gzip' && encoding !== 'identity') {
      return c.json({ error: `unsupported content encoding "${encoding.slice(0, 32)}"; allowed: ${ACCEPTED_ENCODINGS.join(', ')}` }, 415);
    }
    const tooLarge = { error: `body larger than ${maxBodyBytes} bytes after decoding (MAX_BODY_BYTES)` };
    let body;
    try {
      body = await readBody(c.req.raw, encoding, maxBodyBytes);
    } catch {
      return c.json({ error: 'body is not valid gzip data' }, 400);
    }
    if (!body.ok) return c.json(tooLarge, 413);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.text);
    } catch (err) {
      return c.json({ error: `body is not valid JSON: ${(err as Error).message}` }, 400);
    }
    const envelope = validateEnvelope(parsed);
    if (!envelope.ok) return c.json({ error: `invalid envelope: ${envelope.error}` }, 400);
    const n = envelope.value.events.length;
    if (n < MIN_EVENTS_PER_BATCH) {
      return c.json({ error: `events is empty; a batch holds ${MIN_EVENTS_PER_BATCH} to ${MAX_EVENTS_PER_BATCH} events` }, 400);
    }
    if (n > MAX_EVENTS_PER_BATCH) {
      return c.json({ error: `batch of ${n} events; at most ${MAX_EVENTS_PER_BATCH} per request (MAX_EVENTS_PER_BATCH)` }, 413);
    }
    c.set('envelope', envelope.value);
    return next();
  };
}
