import { describe, expect, it } from 'vitest';
import { buildSdk, SDK_BUDGET_GZIP_BYTES } from './build.ts';

describe('bundle budget', () => {
  it(`tracker + IVS binding stay within ${SDK_BUDGET_GZIP_BYTES} bytes minified and gzipped`, async () => {
    const b = await buildSdk();
    console.log(`sdk bundle: ${b.esm.length} bytes minified, ${b.gzipBytes} bytes gzipped (budget ${SDK_BUDGET_GZIP_BYTES})`);
    expect(b.gzipBytes).toBeGreaterThan(1000); // the build really contains the SDK
    expect(b.gzipBytes).toBeLessThanOrEqual(SDK_BUDGET_GZIP_BYTES);
  });

  it('contains no validator and no player code (type-only imports)', async () => {
    const { esm, iife } = await buildSdk();
    for (const code of [esm, iife]) {
      expect(code).not.toMatch(/TypeCompiler|typebox|amazon-ivs-player|MediaPlayer/);
      expect(code).toContain('/v1/events');
    }
    expect(iife).toMatch(/^("use strict";)?var livelens=/);
  });
});
