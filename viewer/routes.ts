/**
 * The viewer page's routes (no credential: it is what a shopper opens):
 * `GET /viewer` (the page), `/viewer/viewer.js`, `/viewer/viewer.css`,
 * `/viewer/config.json`, the IVS player's worker and wasm under
 * `/viewer/ivs/`, the live stream under `/viewer/hls/` (only the names
 * ffmpeg writes: `master.m3u8`, `v<rendition>/index.m3u8`, `seg<N>.ts`,
 * never cached) and `POST /viewer/checkout` (the demo order; same origin
 * only, at most MAX_CHECKOUT_BODY_BYTES).
 *
 * Its Content-Security-Policy is the dashboard's (no inline script or
 * style, nothing from another origin) plus what a player needs:
 * `'wasm-unsafe-eval'` (WebAssembly compilation, not JavaScript eval),
 * `blob:` media (Media Source Extensions) and workers from this origin.
 *
 * @example
 * app.route('/', viewerRoutes({ shop: () => ({ config, checkout }), streamDir }));
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestOrigin } from '../dashboard/access/index.ts';
import { SECURITY_HEADERS } from '../dashboard/access/headers.ts';
import { IVS_WASM_FILE, IVS_WORKER_FILE, viewerAssets } from './assets.ts';
import { CheckoutRefused, type Checkout } from './checkout.ts';
import type { ViewerConfig } from './page/config.ts';

/** The page's path. */
export const VIEWER_PATH = '/viewer';
/** Largest checkout request body (bytes). */
export const MAX_CHECKOUT_BODY_BYTES = 1_024;

export const VIEWER_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The stream's file names (what hls-stream.ts writes). */
const STREAM_FILE = /^(master\.m3u8|v[a-z0-9]{1,16}\/(index\.m3u8|seg\d{1,12}\.ts))$/;
const STREAM_TYPES: Record<string, string> = { m3u8: 'application/vnd.apple.mpegurl', ts: 'video/mp2t' };

/** What the page sends with and where it orders (bound once a write key is known). */
export interface ViewerShop {
  config: ViewerConfig;
  checkout: Checkout;
}

export interface ViewerRoutesOptions {
  /** Undefined until a write key is bound: config and checkout answer 503. */
  shop: () => ViewerShop | undefined;
  /** Folder ffmpeg writes the stream into. */
  streamDir: string;
}

const NOT_READY = { error: 'the viewer page is starting (no write key bound yet); try again in a moment' };

function viewerHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
    c.res.headers.set('content-security-policy', VIEWER_CONTENT_SECURITY_POLICY);
  };
}

export function viewerRoutes(o: ViewerRoutesOptions): Hono {
  const app = new Hono();
  app.use(VIEWER_PATH, viewerHeaders());
  app.use(`${VIEWER_PATH}/*`, viewerHeaders());
  const asset = async (name: string, cache: string) => {
    const a = (await viewerAssets()).get(name)!;
    return new Response(a.body, { headers: { 'content-type': a.type, 'cache-control': cache } });
  };
  app.get(VIEWER_PATH, () => asset('viewer.html', 'no-cache'));
  app.get(`${VIEWER_PATH}/viewer.js`, () => asset('viewer.js', 'no-cache'));
  app.get(`${VIEWER_PATH}/viewer.css`, () => asset('viewer.css', 'no-cache'));
  app.get(`${VIEWER_PATH}/ivs/${IVS_WORKER_FILE}`, () => asset(IVS_WORKER_FILE, 'max-age=3600'));
  app.get(`${VIEWER_PATH}/ivs/${IVS_WASM_FILE}`, () => asset(IVS_WASM_FILE, 'max-age=3600'));
  app.get(`${VIEWER_PATH}/config.json`, (c) => {
    const shop = o.shop();
    return shop ? c.json(shop.config, 200, { 'cache-control': 'no-store' }) : c.json(NOT_READY, 503, { 'retry-after': '2' });
  });
  app.get(`${VIEWER_PATH}/hls/*`, async (c) => {
    const name = c.req.path.slice(`${VIEWER_PATH}/hls/`.length);
    if (!STREAM_FILE.test(name)) return c.json({ error: 'no such stream file' }, 404);
    try {
      const body = await readFile(join(o.streamDir, name));
      return c.body(body, 200, { 'content-type': STREAM_TYPES[name.slice(name.lastIndexOf('.') + 1)]!, 'cache-control': 'no-store' });
    } catch {
      // A segment the live window has already dropped, or a stream that is not running.
      return c.json({ error: 'not in the live window' }, 404);
    }
  });
  const limit = bodyLimit({
    maxSize: MAX_CHECKOUT_BODY_BYTES,
    onError: (c) => c.json({ error: `the body is over ${MAX_CHECKOUT_BODY_BYTES} bytes` }, 413),
  });
  app.post(`${VIEWER_PATH}/checkout`, limit, async (c) => {
    if (requestOrigin(c) === 'cross') return c.json({ error: 'checkout is accepted from this site\'s own pages only' }, 403);
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return c.json({ error: 'the body must be JSON: {"click_id", "product_id", "user_id"}' }, 400);
    }
    const shop = o.shop();
    if (!shop) return c.json(NOT_READY, 503, { 'retry-after': '2' });
    try {
      return c.json(await shop.checkout.order(body), 200);
    } catch (err) {
      if (err instanceof CheckoutRefused) return c.json({ error: err.message }, err.status);
      throw err;
    }
  });
  return app;
}
