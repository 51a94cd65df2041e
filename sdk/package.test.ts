/**
 * The SDK as a package: `livelens` and `livelens/sdk` resolve (the exports
 * map, here through Node's self-reference) to the built ESM, and the IIFE
 * defines the `livelens` global for a plain `<script>` tag.
 */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSdk } from './build.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  sideEffects: boolean;
  exports: Record<string, string | { types: string; import: string }>;
  scripts: Record<string, string>;
};

beforeAll(async () => {
  await buildSdk({ write: true });
}, 60_000);

describe('the SDK package', () => {
  it('declares the exports map, no side effects, and builds on install', () => {
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.exports['.']).toEqual(pkg.exports['./sdk']);
    expect(pkg.exports['./sdk']).toMatchObject({ import: './sdk/dist/livelens.mjs', types: './sdk/dist/types/sdk/index.d.ts' });
    expect(pkg.exports['./sdk/iife']).toBe('./sdk/dist/livelens.iife.js');
    expect(pkg.scripts.prepare).toContain('build:sdk');
  });

  it("resolves 'livelens/sdk' and 'livelens' to the built ESM, which tracks in Node", async () => {
    const sdk = (await import(`${pkg.name}/sdk`)) as typeof import('./index.ts');
    const root = (await import(pkg.name)) as typeof import('./index.ts');
    expect(root.createTracker).toBe(sdk.createTracker);
    const sent: string[] = [];
    const tracker = sdk.createTracker({
      endpoint: 'http://collector.test', writeKey: 'k1', showId: 's1', creatorId: 'c1', storage: null, lifecycle: null, sendBeacon: null,
      fetch: async (_url, init) => (sent.push(init.body), { status: 200, headers: { get: () => null }, text: async () => '{"accepted":1,"rejected":[]}' }),
    });
    tracker.chat(3);
    await tracker.destroy();
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!).events[0]).toMatchObject({ type: 'chat_message', show_id: 's1', props: { length: 3 } });
  });

  it('the IIFE defines the livelens global', () => {
    const context: { livelens?: Record<string, unknown> } = {};
    runInNewContext(readFileSync(new URL('./dist/livelens.iife.js', import.meta.url), 'utf8'), context);
    expect(typeof context.livelens?.createTracker).toBe('function');
    expect(typeof context.livelens?.trackIvsPlayer).toBe('function');
  });
});
