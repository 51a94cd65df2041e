import { beforeAll, describe, expect, it } from 'vitest';
import { buildSdk, SDK_BUDGET_GZIP_BYTES, type SdkBuild } from './build.ts';

describe('bundle budget', () => {
  let b: SdkBuild;
  beforeAll(async () => {
    b = await buildSdk(); // one build (esbuild + terser) for every check
  }, 30_000);

  it(`tracker + IVS binding stay within ${SDK_BUDGET_GZIP_BYTES} bytes minified and gzipped`, () => {
    console.log(`sdk bundle: ${b.esm.length} bytes minified, ${b.gzipBytes} bytes gzipped (budget ${SDK_BUDGET_GZIP_BYTES})`);
    expect(b.gzipBytes).toBeGreaterThan(1000); // the build really contains the SDK
    expect(b.gzipBytes).toBeLessThanOrEqual(SDK_BUDGET_GZIP_BYTES);
  });

  it('contains no validator and no player code (type-only imports)', () => {
    const { esm, iife } = b;
    for (const code of [esm, iife]) {
      expect(code).not.toMatch(/TypeCompiler|typebox|amazon-ivs-player|MediaPlayer/);
      expect(code).toContain('/v1/events');
    }
    expect(iife).toMatch(/^("use strict";)?var livelens=/);
  });
});
