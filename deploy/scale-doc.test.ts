/**
 * docs/scale.md is what `npm run scale-doc` prints: every figure from the
 * code's constants, the recorded collector measurement and the measured
 * Parquet bytes. Regenerate with `npm run scale-doc -- --write`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HEARTBEAT_INTERVAL_MS } from '../sdk/heartbeat.ts';
import { computeScaleModel, CONCURRENT_VIEWERS } from './scale-model.ts';
import { renderScaleDoc, SCALE_DOC_PATH } from './scale-doc.ts';
import { DEFAULT_ATHENA_BYTES_SCANNED_CUTOFF } from './template.ts';

describe('docs/scale.md', () => {
  it('equals the script\'s output', async () => {
    const model = await computeScaleModel();
    const doc = readFileSync(SCALE_DOC_PATH, 'utf8');
    expect(doc === renderScaleDoc(model), 'docs/scale.md is stale: run npm run scale-doc -- --write').toBe(true);
    // The arithmetic holds together: heartbeats follow the SDK's interval; shards cover bytes and records.
    expect(model.perType.find((t) => t.type === 'heartbeat')!.eventsPerSecond).toBe(CONCURRENT_VIEWERS / (HEARTBEAT_INTERVAL_MS / 1000));
    for (const k of [model.unpacked, model.packed]) {
      expect(k.shards * 1024 * 1024).toBeGreaterThanOrEqual(k.bytesPerSecond);
      expect(k.shards * 1000).toBeGreaterThanOrEqual(k.recordsPerSecond);
    }
    expect(model.packed.shards).toBeLessThan(model.unpacked.shards);
    expect(model.collectorInstances * model.usablePerInstance).toBeGreaterThanOrEqual(model.eventsPerSecond);
    // One show day's report fits the stack's Athena cutoff even in the worst case; a month read whole does not.
    for (const r of model.reports) {
      expect(r.bytesScannedWorstDay).toBeLessThanOrEqual(DEFAULT_ATHENA_BYTES_SCANNED_CUTOFF);
      expect(r.bytesScannedAfterMonth).toBeGreaterThan(DEFAULT_ATHENA_BYTES_SCANNED_CUTOFF);
    }
  }, 60_000);
});
