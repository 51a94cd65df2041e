/**
 * The SDK in a real browser against the real collector: Debian's Chromium
 * (playwright-core) plays a live HLS stream made by ffmpeg with the real
 * amazon-ivs-player; the SDK as shipped (the minified bundle of sdk/build.ts)
 * sends to the collector, which writes to an embedded Kinesis; the test reads
 * the stream back.
 *
 * Checks: session_start, startup, heartbeats with watch_ms and bitrate,
 * quality_change; every event queued while the collector is down arrives once
 * it is back; a backlog queued before a reload is sent by the next page;
 * stopping ffmpeg makes the player rebuffer and buffer_start arrives; leaving
 * the page delivers the last events by sendBeacon.
 * (The player reports getLiveLatency() as 0 for non-IVS streams, so latency
 * is checked in sdk/ivs.test.ts with the fake player.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Plugin } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { EnrichedEvent, ServerFields } from '../../contract/enriched.ts';
import type { EventOf } from '../../contract/events.ts';
import { startCollector, type CollectorHandle } from '../../collector/node.ts';
import { createLogger } from '../../collector/log.ts';
import { readStream } from '../../collector/testing/read-stream.ts';
import { createKinesisClient, ensureStream, startEmbeddedKinesis, type EmbeddedKinesis } from '../../streams/embedded-kinesis.ts';
import { buildSdk } from '../../sdk/build.ts';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './chromium.ts';
import { startHlsStream, HLS_RENDITIONS, type HlsStream } from '../../viewer/hls-stream.ts';
import { startStaticServer, type StaticServer } from './static-server.ts';
import type { PageHooks } from './fixtures/sdk-page.ts';

/** Longest wait for one expected outcome (ms). */
const WAIT_MS = 20_000;
const STREAM = 'livelens-events';
const KEY = 'browser_test_key';
const SHOW = 'show-browser';

type Heartbeat = EventOf<'heartbeat'> & ServerFields;
const here = dirname(fileURLToPath(import.meta.url));
const ivsAssets = join(dirname(createRequire(import.meta.url).resolve('amazon-ivs-player')), 'assets');

/** Polls `probe` until it returns a value, failing after WAIT_MS with `what` in the message. */
async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const got = await probe();
    if (got !== undefined && got !== false) return got;
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('SDK in Chromium with amazon-ivs-player, ffmpeg HLS and the real collector', () => {
  let tmp: string;
  let hls: HlsStream;
  let kinesis: EmbeddedKinesis;
  let client: KinesisClient;
  let site: StaticServer;
  let collector: CollectorHandle;
  let collectorPort = 0;
  let browser: BrowserContext;
  let page: Page;

  const startOurCollector = async () => {
    collector = await startCollector({
      dataDir: join(tmp, 'data'),
      port: collectorPort,
      writeKeys: `${KEY}@acme=${site.url}`,
      kinesis: { endpoint: kinesis.endpoint, stream: STREAM },
      log: createLogger('error'),
    });
    collectorPort = collector.port;
  };
  const streamEvents = async (): Promise<EnrichedEvent[]> =>
    (await readStream<EnrichedEvent>(client, STREAM)).filter((e) => e.show_id === SHOW);
  const hooks = <R>(fn: (h: PageHooks) => R): Promise<R> =>
    page.evaluate(`(${fn.toString()})(window.livelensTest)`) as Promise<R>;
  const waitForPage = () => until('the page to load the SDK', () => hooks((h) => h !== undefined && h.tracker !== undefined));

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'livelens-browser-'));
    // The page imports the SDK as shipped: the built, minified ESM of sdk/build.ts, not its sources.
    const sdk = (await buildSdk()).esm;
    const shippedSdk: Plugin = {
      name: 'shipped-sdk',
      setup(b) {
        b.onResolve({ filter: /\/sdk\/index\.ts$/ }, () => ({ path: 'livelens.mjs', namespace: 'shipped-sdk' }));
        b.onLoad({ filter: /.*/, namespace: 'shipped-sdk' }, () => ({ contents: sdk, loader: 'js' }));
      },
    };
    const bundle = build({
      entryPoints: [join(here, 'fixtures', 'sdk-page.ts')],
      bundle: true,
      format: 'iife',
      define: { global: 'window' },
      plugins: [shippedSdk],
      write: false,
      logLevel: 'silent',
    });
    [hls, kinesis] = await Promise.all([startHlsStream(join(tmp, 'hls')), startEmbeddedKinesis()]);
    client = createKinesisClient({ endpoint: kinesis.endpoint });
    await ensureStream(client, STREAM, 1);
    site = await startStaticServer(
      { '/hls/': hls.dir, '/ivs/': ivsAssets },
      {
        '/': ['text/html; charset=utf-8', '<!doctype html><title>livelens</title><video muted playsinline></video><script src="/page.js"></script>'],
        '/page.js': ['text/javascript; charset=utf-8', (await bundle).outputFiles[0]!.text],
      },
    );
    await startOurCollector();
    browser = await chromium.launchPersistentContext(join(tmp, 'user-data'), {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_FLAGS,
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`${site.url}/?collector=${encodeURIComponent(collector.url)}&key=${KEY}`);
    await waitForPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([collector?.stop(), hls?.stop(), site?.stop()]);
    client?.destroy();
    await kinesis?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('sends session_start, startup, heartbeats with watch_ms and bitrate, and quality_change', async () => {
    const first = await until('startup and a heartbeat with watch time and bitrate', async () => {
      const events = await streamEvents();
      const beat = events.find((e) => e.type === 'heartbeat' && e.props.watch_ms > 0 && (e.props.bitrate_kbps ?? 0) > 0);
      return beat && events.some((e) => e.type === 'startup') ? events : undefined;
    });
    const start = first.find((e) => e.type === 'session_start')!;
    expect(start.props).toMatchObject({ autoplay: true, page: '/' });
    const startup = first.find((e) => e.type === 'startup')!;
    expect(startup.session_id).toBe(start.session_id);
    expect(startup.props.startup_ms).toBeGreaterThan(0);
    expect(startup.props.startup_ms).toBeLessThan(WAIT_MS);
    expect(startup).toMatchObject({ retailer_id: 'acme', device: 'desktop', region: 'unknown' });
    const beat = first.find((e): e is Heartbeat => e.type === 'heartbeat' && e.props.watch_ms > 0)!;
    expect(beat.props.watch_ms).toBeLessThanOrEqual(2_100);
    expect(HLS_RENDITIONS.map((r) => `${r.height}p`)).toContain(beat.props.quality); // the player names renditions by height

    const target = await hooks((h) => h.switchQuality());
    expect(target).toBeTruthy();
    // Adaptive switches may come first; look for the one the test asked for.
    const change = await until(`quality_change to ${target}`, async () =>
      (await streamEvents()).find((e) => e.type === 'quality_change' && e.props.quality === target),
    );
    const { from_kbps, to_kbps } = change.type === 'quality_change' ? change.props : { from_kbps: 0, to_kbps: 0 };
    expect(from_kbps).toBeGreaterThan(0);
    expect(to_kbps).toBeGreaterThan(0);
    expect(from_kbps).not.toBe(to_kbps);
  }, 40_000);

  it('delivers every event queued while the collector was down, once it is back', async () => {
    await collector.stop();
    const retriesBefore = await hooks((h) => h.tracker.stats().retries);
    await hooks((h) => [1, 2, 3].map((n) => h.tracker.chat(n)));
    const queued = await until('a failed send and a queued heartbeat', async () => {
      const [ids, stats] = await hooks((h) => [h.queuedIds(), h.tracker.stats()] as const);
      return stats.retries > retriesBefore && ids.length >= 5 ? ids : undefined;
    });
    await startOurCollector();
    await until('every queued event in the stream', async () => {
      const seen = new Set((await streamEvents()).map((e) => e.event_id));
      return queued.every((id) => seen.has(id));
    });
    await until('an empty queue in the page', async () => (await hooks((h) => h.tracker.stats().queued)) === 0);
  }, 40_000);

  it('sends a backlog queued before a reload from the next page', async () => {
    await collector.stop();
    const chatIds = await hooks((h) => [7, 8, 9].map((n) => h.tracker.chat(n)));
    await until('the chats in localStorage', async () => {
      const ids = await hooks((h) => h.queuedIds());
      return chatIds.every((id) => ids.includes(id));
    });
    const oldSession = await hooks((h) => h.tracker.sessionId());
    await page.reload();
    await waitForPage();
    const carried = await hooks((h) => h.queuedIds());
    expect(carried).toEqual(expect.arrayContaining(chatIds));
    await startOurCollector();
    const events = await until('the backlog and the pagehide session_end', async () => {
      const evs = await streamEvents();
      const ids = new Set(evs.map((e) => e.event_id));
      const ended = evs.some((e) => e.type === 'session_end' && e.session_id === oldSession && e.props.reason === 'pagehide');
      return carried.every((id) => ids.has(id)) && ended ? evs : undefined;
    });
    const viewers = new Set(events.map((e) => e.viewer_id));
    expect(viewers.size).toBe(1); // the viewer id survived the reload
  }, 40_000);

  it('reports buffer_start when the live stream starves (ffmpeg stopped)', async () => {
    const session = await hooks((h) => h.tracker.sessionId());
    await until('playback of the reloaded page', async () =>
      (await streamEvents()).some((e) => e.type === 'startup' && e.session_id === session),
    );
    await hls.stop();
    const stall = await until('buffer_start', async () =>
      (await streamEvents()).find((e) => e.type === 'buffer_start' && e.session_id === session),
    );
    expect(stall.props).toEqual({});
  }, 40_000);

  it('delivers the last events by sendBeacon when the viewer leaves (no next page)', async () => {
    const session = await hooks((h) => h.tracker.sessionId());
    const chatId = await hooks((h) => h.tracker.chat(42)); // queued, not yet sent: the leave beacons it
    await page.goto('about:blank');
    const got = await until('the beaconed chat and session_end', async () => {
      const evs = await streamEvents();
      const chat = evs.find((e) => e.event_id === chatId);
      const end = evs.find((e) => e.type === 'session_end' && e.session_id === session);
      return chat && end ? end : undefined;
    });
    expect(got.props).toEqual({ reason: 'pagehide' });
  }, 40_000);
});
