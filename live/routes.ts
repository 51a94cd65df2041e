/**
 * The live routes (docs/spec.md §8), scoped by role through the dashboard's
 * access layer: `GET /api/v1/live` (Server-Sent Events, `event: snapshot`,
 * one on connect and then each new snapshot, at least every 5 s),
 * `GET /api/v1/live/snapshot` (the latest as JSON), `GET /api/v1/live/history`
 * (the panel's 30 min sparklines) and the panel page at `/live`.
 * A retailer token sees only its retailer; `retailer=` narrows an admin's
 * or analyst's view (another retailer for a retailer token: 403).
 *
 * @example
 * const s = await startServer({ ..., routes: [liveRoutes(view, access), dashboard.routes], services: [view.service] });
 */
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { AccessDenied, bindRetailer, callerScope, securityHeaders, type Access, type AccessEnv } from '../dashboard/access/index.ts';
import { mountApp, type ServerRoutes } from '../server/start-server.ts';
import type { LiveView } from './live-view.ts';
import { panelRoutes } from './panel/routes.ts';
import { scopeSnapshot, type LiveSnapshot } from './snapshot.ts';

/** Open SSE streams at once; beyond, 503 (each holds a socket and a listener). */
export const MAX_LIVE_STREAMS = 200;
/** A snapshot is sent at least this often even when none is new (SPEC: at least every 5 s). */
export const SSE_RESEND_MS = 5_000;

/** The retailer filter of a request, or a 403 answer. */
function retailerOf(c: Context<AccessEnv>): string | undefined | Response {
  try {
    return bindRetailer(callerScope(c), c.req.query('retailer'));
  } catch (err) {
    if (err instanceof AccessDenied) return c.json({ error: err.message }, 403);
    throw err;
  }
}

/** The live API and panel as a Hono app (mount at `/`). */
export function createLiveApp(view: LiveView, access: Access): Hono<AccessEnv> {
  const app = new Hono<AccessEnv>();
  let streams = 0;
  app.use('/api/v1/live', securityHeaders(), access.require);
  app.use('/api/v1/live/*', securityHeaders(), access.require);

  app.get('/api/v1/live/snapshot', (c) => {
    const retailer = retailerOf(c);
    if (retailer instanceof Response) return retailer;
    return c.json(scopeSnapshot(view.latest(), retailer), 200, { 'cache-control': 'no-store' });
  });

  app.get('/api/v1/live/history', (c) => {
    const retailer = retailerOf(c);
    if (retailer instanceof Response) return retailer;
    return c.json(view.history.toJSON(retailer), 200, { 'cache-control': 'no-store' });
  });

  app.get('/api/v1/live', (c) => {
    const retailer = retailerOf(c);
    if (retailer instanceof Response) return retailer;
    if (streams >= MAX_LIVE_STREAMS) {
      return c.json({ error: `too many live streams open (at most ${MAX_LIVE_STREAMS}); poll /api/v1/live/snapshot instead` }, 503, { 'retry-after': '5' });
    }
    streams++;
    c.header('cache-control', 'no-store');
    return streamSSE(c, async (stream) => {
      // Only the newest snapshot waits for a slow client: nothing piles up.
      let waiting: LiveSnapshot | undefined;
      let writing = false;
      let lastSent = 0;
      const send = async (s: LiveSnapshot): Promise<void> => {
        waiting = s;
        if (writing) return;
        writing = true;
        while (waiting !== undefined && !stream.aborted) {
          const next: LiveSnapshot = waiting;
          waiting = undefined;
          lastSent = Date.now();
          await stream.writeSSE({ event: 'snapshot', data: JSON.stringify(scopeSnapshot(next, retailer)) });
        }
        writing = false;
      };
      const closed = new Promise<void>((resolve) => stream.onAbort(resolve));
      const unsubscribe = view.subscribe((s) => void send(s).catch(() => undefined));
      const resend = setInterval(() => {
        if (Date.now() - lastSent >= SSE_RESEND_MS) void send(view.latest()).catch(() => undefined);
      }, SSE_RESEND_MS);
      try {
        await send(view.latest());
        await closed;
      } finally {
        clearInterval(resend);
        unsubscribe();
        streams--;
      }
    });
  });

  app.route('/', panelRoutes());
  return app;
}

/** The live app as server routes: mount it before the dashboard's so its `/api/v1/live*` paths win. */
export function liveRoutes(view: LiveView, access: Access): ServerRoutes {
  return mountApp('/', createLiveApp(view, access));
}
