/**
 * The Kinesis record format shared by the collector (writer) and the ingest
 * consumer (reader).
 *
 * One Kinesis record carries several events to cut shard cost (a shard takes
 * 1,000 records/s but 1 MiB/s): the record data is UTF-8 NDJSON, one
 * `EnrichedEvent` JSON object per line, each line ending in `\n`, at most
 * `MAX_PACKED_RECORD_BYTES` in all. An event larger than that travels alone.
 * Readers must accept a record of a single line without a trailing newline.
 * Dead letters use the same framing with `DeadLetter` objects on their own
 * stream or spool file.
 */
import type { EnrichedEvent } from './enriched.ts';

/** Target size of one packed Kinesis record (bytes); Kinesis allows 1 MiB. */
export const MAX_PACKED_RECORD_BYTES = 64 * 1024;

/** Packs serialised lines (each without newline) into records of at most `maxBytes`. */
export function packLines(lines: readonly string[], maxBytes = MAX_PACKED_RECORD_BYTES): Buffer[] {
  const records: Buffer[] = [];
  let parts: Buffer[] = [];
  let size = 0;
  for (const line of lines) {
    const buf = Buffer.from(line + '\n', 'utf8');
    if (size > 0 && size + buf.length > maxBytes) {
      records.push(Buffer.concat(parts, size));
      parts = [];
      size = 0;
    }
    parts.push(buf);
    size += buf.length;
  }
  if (size > 0) records.push(Buffer.concat(parts, size));
  return records;
}

/** Packs enriched events into Kinesis record payloads. */
export function packEvents(events: readonly EnrichedEvent[], maxBytes = MAX_PACKED_RECORD_BYTES): Buffer[] {
  return packLines(events.map((e) => JSON.stringify(e)), maxBytes);
}

/** Splits a record payload back into its JSON objects; blank lines are skipped. */
export function unpackRecord<T = EnrichedEvent>(data: Uint8Array): T[] {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() !== '') out.push(JSON.parse(line) as T);
  }
  return out;
}
