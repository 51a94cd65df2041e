/**
 * The demo's viewer page in one call (issue 14): where ffmpeg and
 * amazon-ivs-player are installed, a live test stream written by ffmpeg into
 * `<data dir>/viewer-stream/` with the product cards as ID3 timed metadata
 * (id3-track.ts, product-cards.ts), the page at `/viewer` tracking itself
 * with the SDK into this server's collector, and the demo checkout that
 * turns a "Buy" into an order in the lake. Otherwise `available: false`
 * with the reason, and nothing is mounted.
 *
 * The page sends with `writeKey` for `retailerId`; without them (`livelens
 * serve --viewer-show`), with the server's first write key, taken when the
 * service starts.
 *
 * @example
 * const viewer = createViewer({ dataDir, writeKey, retailerId: 'northwind', showId, creatorId, log });
 * if (viewer.available) await startServer({ ..., routes: [viewer.routes], services: [viewer.service] });
 * else console.log(`viewer page: skipped (${viewer.reason})`);
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../collector/log.ts';
import { VIEWER_STREAM_DIR } from '../contract/data-dir.ts';
import { mountApp, type ServerRoutes, type ServerService } from '../server/start-server.ts';
import { IVS_WASM_FILE, IVS_WORKER_FILE, ivsPlayerAssetsDir } from './assets.ts';
import { createCheckout } from './checkout.ts';
import { ffmpegAvailable, startHlsStream, type HlsRendition, type HlsStream } from './hls-stream.ts';
import { cellHeaderKept, timedId3Track } from './id3-track.ts';
import { cueSchedule, productCards } from './product-cards.ts';
import { VIEWER_PATH, viewerRoutes, type ViewerShop } from './routes.ts';

/** The viewer stream's one rendition: small, as the machine is shared with everything else the demo runs. */
export const VIEWER_RENDITION: HlsRendition = { name: 'main', width: 640, height: 360, videoKbps: 700 };
/**
 * The page's SDK intervals (ms): shorter than the SDK's defaults (10 s, 5 s)
 * so that a person trying the demo sees themselves counted among the
 * concurrent viewers (a heartbeat in the last 30 s) within a few seconds.
 */
export const VIEWER_HEARTBEAT_MS = 5_000;
export const VIEWER_FLUSH_MS = 2_000;
/** The creator the page names when none is given. */
export const DEFAULT_VIEWER_CREATOR = 'cr-live';

export interface ViewerOptions {
  dataDir: string;
  /** The key the page sends with and its retailer; both or neither (then the server's first write key). */
  writeKey?: string;
  retailerId?: string;
  showId: string;
  creatorId?: string;
  title?: string;
  log: Logger;
  /** Seconds a card stays on screen and the pause after it (product-cards.ts defaults). */
  cardS?: number;
  gapS?: number;
  /** SDK intervals of the page (ms; default VIEWER_HEARTBEAT_MS, VIEWER_FLUSH_MS). */
  heartbeatIntervalMs?: number;
  flushIntervalMs?: number;
}

export type Viewer =
  | {
      available: true;
      path: string;
      routes: ServerRoutes;
      /** Binds the server's first write key when none was given, then starts the stream (`serve`, tests). */
      service: ServerService;
      /** Writes the cue track and starts ffmpeg (a failure is logged: the page then says the stream is unavailable); needs a write key. */
      startStream(): Promise<void>;
      stopStream(): Promise<void>;
      /** The page's configuration and checkout, once a write key is bound. */
      shop(): ViewerShop | undefined;
    }
  | { available: false; reason: string };

export function createViewer(o: ViewerOptions): Viewer {
  if (!ffmpegAvailable()) return { available: false, reason: 'ffmpeg is not installed (apt-get install ffmpeg)' };
  if (!ivsPlayerAssetsDir()) return { available: false, reason: 'amazon-ivs-player is not installed (a dev dependency: npm install)' };
  if ((o.writeKey === undefined) !== (o.retailerId === undefined)) throw new Error('createViewer: give both writeKey and retailerId, or neither');
  const dir = join(o.dataDir, VIEWER_STREAM_DIR);
  const streamDir = join(dir, 'hls');
  let shop: ViewerShop | undefined;
  const bind = (writeKey: string, retailerId: string): ViewerShop => {
    const cards = productCards(retailerId);
    const creatorId = o.creatorId ?? DEFAULT_VIEWER_CREATOR;
    return {
      config: {
        endpoint: '',
        writeKey,
        retailerId,
        showId: o.showId,
        creatorId,
        title: o.title ?? `${retailerId} live: today's picks`,
        stream: `${VIEWER_PATH}/hls/master.m3u8`,
        wasmWorker: `${VIEWER_PATH}/ivs/${IVS_WORKER_FILE}`,
        wasmBinary: `${VIEWER_PATH}/ivs/${IVS_WASM_FILE}`,
        cards,
        heartbeatIntervalMs: o.heartbeatIntervalMs ?? VIEWER_HEARTBEAT_MS,
        flushIntervalMs: o.flushIntervalMs ?? VIEWER_FLUSH_MS,
        checkout: `${VIEWER_PATH}/checkout`,
      },
      checkout: createCheckout({ dataDir: o.dataDir, retailerId, cards }),
    };
  };
  if (o.writeKey !== undefined && o.retailerId !== undefined) shop = bind(o.writeKey, o.retailerId);

  let hls: HlsStream | undefined;
  const startStream = async () => {
    if (!shop) throw new Error('the viewer page has no write key yet (start it through its service, or give writeKey and retailerId)');
    if (hls) return;
    rmSync(dir, { recursive: true, force: true }); // segments of an earlier run would confuse players
    mkdirSync(dir, { recursive: true });
    const { cues, durationS } = cueSchedule(shop.config.cards, { cardS: o.cardS, gapS: o.gapS });
    const cueFile = join(dir, 'cues.ts');
    const start = async (cellHeader: boolean) => {
      writeFileSync(cueFile, timedId3Track(cues, durationS, { cellHeader }));
      return startHlsStream(streamDir, { renditions: [VIEWER_RENDITION], pattern: 'testsrc2', timedMetadata: cueFile });
    };
    try {
      hls = await start(true);
      // The first segment holds the first cue: if this ffmpeg kept the cell header, write the track without it.
      if (cellHeaderKept(readFileSync(join(streamDir, `v${VIEWER_RENDITION.name}`, 'seg0.ts')))) {
        await hls.stop();
        rmSync(streamDir, { recursive: true, force: true });
        o.log.info('viewer page: this ffmpeg keeps metadata cell headers; restarting the stream with bare ID3 tags');
        hls = await start(false);
      }
    } catch (err) {
      // The rest of the server runs on; the page says the stream is not available.
      o.log.error({ err: (err as Error).message }, 'viewer page: the test stream did not start');
    }
  };
  const stopStream = async () => {
    await hls?.stop();
    hls = undefined;
  };
  const service: ServerService = {
    name: 'viewer-stream',
    async start(context) {
      const first = context.writeKeys[0];
      if (!shop && first) shop = bind(first.key, first.retailer);
      await startStream();
    },
    stop: stopStream,
  };
  return {
    available: true, path: VIEWER_PATH, routes: mountApp('/', viewerRoutes({ shop: () => shop, streamDir })), service, startStream, stopStream, shop: () => shop,
  };
}
