/**
 * The Firehose transform (the path with no consumer to run): Firehose first
 * splits each packed Kinesis record into its NDJSON lines (record
 * deaggregation, contract/record-format.ts), then calls this Lambda with
 * one event per record. It returns the event as one flat lake row
 * (`toLakeRow`, the same flattening as ingest) and its partition key `dt`,
 * the UTC date of `event_time`, so Firehose's Parquet conversion against
 * the Glue table `lake_events` and dynamic partitioning land exactly the
 * ingest layout, `<lake>/events/dt=YYYY-MM-DD/`. A line that is not an
 * event comes back `ProcessingFailed` and goes to Firehose's error prefix.
 *
 * Bundled by deploy/template.ts into the template as inline code (CommonJS
 * `index.handler`), so the stack needs no artifact bucket.
 *
 * @example
 * await handler({ records: [{ recordId: '1', data: Buffer.from(JSON.stringify(event)).toString('base64') }] })
 */
import type { EnrichedEvent } from '../contract/enriched.ts';
import { toLakeRow } from '../contract/lake.ts';

export interface FirehoseRecord {
  recordId: string;
  /** Base64 of one NDJSON line (after deaggregation). */
  data: string;
}

export interface FirehoseResult {
  recordId: string;
  result: 'Ok' | 'ProcessingFailed';
  data: string;
  metadata?: { partitionKeys: { dt: string } };
}

/** One event line as a lake row with its partition, or why it is not one. */
export function transformLine(line: string): { row: Record<string, unknown>; dt: string } | { error: string } {
  let event: EnrichedEvent;
  try {
    event = JSON.parse(line) as EnrichedEvent;
  } catch {
    return { error: 'not JSON' };
  }
  if (typeof event !== 'object' || event === null || typeof event.event_id !== 'string' || !Number.isFinite(event.event_time)) {
    return { error: 'not an enriched event (event_id, event_time)' };
  }
  if (typeof event.props !== "object" || event.props === null) return { error: 'an event without props' };
  return { row: toLakeRow(event), dt: new Date(event.event_time).toISOString().slice(0, 10) };
}

/** The Lambda handler Firehose calls. */
export async function handler(event: { records: FirehoseRecord[] }): Promise<{ records: FirehoseResult[] }> {
  return {
    records: event.records.map((r) => {
      const out = transformLine(Buffer.from(r.data, 'base64').toString('utf8').trim());
      if ('error' in out) return { recordId: r.recordId, result: 'ProcessingFailed', data: r.data };
      return {
        recordId: r.recordId,
        result: 'Ok',
        data: Buffer.from(JSON.stringify(out.row) + '\n').toString('base64'),
        metadata: { partitionKeys: { dt: out.dt } },
      };
    }),
  };
}
