/**
 * The live groups as CloudWatch datums (docs/spec.md §9): per (retailer,
 * region) group, dimensions `RetailerId` and `Region`, `Timestamp` the
 * snapshot's `at`, null figures left out; batched within PutMetricData's
 * limits (MAX_DATUMS_PER_CALL datums, MAX_REQUEST_BYTES).
 *
 * @example
 * batchDatums(datumsOf(snapshot, { highResolution: true })) // [[{ MetricName: 'ConcurrentViewers', ... }, ...], ...]
 */
import type { MetricDatum, StandardUnit } from '@aws-sdk/client-cloudwatch';
import type { LiveFigures, LiveSnapshot } from '../snapshot.ts';
import { MAX_DATUMS_PER_CALL, MAX_REQUEST_BYTES, REQUEST_BYTES_MARGIN } from './limits.ts';

/** The published metrics: CloudWatch name, unit and the live field behind it. */
export const CLOUDWATCH_METRICS = [
  { name: 'ConcurrentViewers', unit: 'Count', field: 'concurrent_viewers' },
  { name: 'StartupTimeP50', unit: 'Milliseconds', field: 'startup_p50_ms' },
  { name: 'LatencyP95', unit: 'Milliseconds', field: 'latency_p95_ms' },
  { name: 'RebufferPercent', unit: 'Percent', field: 'rebuffer_pct' },
  { name: 'PlaybackFailurePercent', unit: 'Percent', field: 'playback_failure_pct' },
] as const satisfies readonly { name: string; unit: StandardUnit; field: keyof LiveFigures }[];

export type CloudWatchMetricName = (typeof CLOUDWATCH_METRICS)[number]['name'];

/** Datums of every region group of the snapshot. */
export function datumsOf(snapshot: LiveSnapshot, o: { highResolution: boolean }): MetricDatum[] {
  const out: MetricDatum[] = [];
  const Timestamp = new Date(snapshot.at);
  for (const g of snapshot.groups) {
    const Dimensions = [{ Name: 'RetailerId', Value: g.retailer_id }, { Name: 'Region', Value: g.region }];
    for (const m of CLOUDWATCH_METRICS) {
      const value = g[m.field];
      if (value === null) continue;
      out.push({ MetricName: m.name, Dimensions, Timestamp, Value: value, Unit: m.unit, ...(o.highResolution ? { StorageResolution: 1 } : {}) });
    }
  }
  return out;
}

/** Splits datums into PutMetricData calls of at most MAX_DATUMS_PER_CALL datums and about MAX_REQUEST_BYTES − margin bytes of JSON. */
export function batchDatums(datums: readonly MetricDatum[], maxDatums = MAX_DATUMS_PER_CALL, maxBytes = MAX_REQUEST_BYTES - REQUEST_BYTES_MARGIN): MetricDatum[][] {
  const batches: MetricDatum[][] = [];
  let batch: MetricDatum[] = [];
  let bytes = 0;
  for (const d of datums) {
    const size = JSON.stringify(d).length + 1;
    if (batch.length > 0 && (batch.length >= maxDatums || bytes + size > maxBytes)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(d);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
