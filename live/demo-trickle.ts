/**
 * The demo's gentle live trickle (issue 14): after the simulated day,
 * `livelens demo` keeps a few simulated viewers watching one running show,
 * POSTing to the collector like the SDK does (a heartbeat every
 * HEARTBEAT_MS with live latency, now and then a chat message, a product
 * card and a click), spread over a few regions. From time to time one
 * region has a latency problem (PROBLEM_MS out of every PROBLEM_EVERY_MS),
 * so the live panel moves and the latency alert fires in the log.
 *
 * @example
 * const t = startTrickle({ url: server.url, writeKey, retailerId: 'northwind', log });
 * ...; await t.stop();
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../collector/log.ts';

/** The SDK's heartbeat interval. */
export const HEARTBEAT_MS = 10_000;
/** Viewers per region: BR gets enough for the default minimum audience (20). */
export const TRICKLE_VIEWERS: Readonly<Record<string, number>> = { BR: 24, US: 8, DE: 6 };
/** The region whose latency goes bad from time to time. */
export const PROBLEM_REGION = 'BR';
/** A latency problem lasts this long ... */
export const PROBLEM_MS = 90_000;
/**
 * ... once in every this long, the first starting PROBLEM_FIRST_MS after the
 * trickle. The live p95 spans the 300 s window, so it falls back under the
 * alert threshold about 5 minutes after a problem ends (once under 5% of the
 * window's heartbeats are bad): at 12 minutes each problem fires, resolves,
 * and the next fires again after the 600 s cool-down (demo-trickle.test.ts).
 */
export const PROBLEM_EVERY_MS = 12 * 60_000;
export const PROBLEM_FIRST_MS = 30_000;
/** Attempts per POST when the collector sheds load (429/503). */
export const SEND_ATTEMPTS = 4;
/** Longest wait before a retry. */
export const MAX_RETRY_WAIT_MS = 3_000;
/** A viewer's session ends and a new one starts after about this long. */
export const SESSION_MS = 8 * 60_000;

export interface TrickleOptions {
  url: string;
  writeKey: string;
  retailerId: string;
  showId?: string;
  creatorId?: string;
  log?: Logger;
  /** Trusted region header of the collector (default cloudfront-viewer-country). */
  regionHeader?: string;
  now?: () => number;
}

/** One simulated viewer of the trickle. */
export interface TrickleViewer {
  id: string;
  region: string;
  session: string;
  /** When the current session started (0: none yet, one starts on the first tick). */
  sessionStarted: number;
}

/** What one tick needs besides the viewers. */
export interface TickOptions {
  showId: string;
  creatorId: string;
  /** True while the problem region has its latency problem. */
  problem: boolean;
  /** Uniform in [0, 1) (tests pass a seeded one). */
  random?: () => number;
}

export interface Trickle {
  /** The show the viewers watch. */
  showId: string;
  viewers: number;
  stop(): Promise<void>;
}

function id(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

/** True while the problem region has its latency problem. */
export function problemAt(elapsedMs: number): boolean {
  if (elapsedMs < PROBLEM_FIRST_MS) return false;
  return (elapsedMs - PROBLEM_FIRST_MS) % PROBLEM_EVERY_MS < PROBLEM_MS;
}

/** The trickle's audience: TRICKLE_VIEWERS per region, each starting a session on the first tick. */
export function trickleAudience(): TrickleViewer[] {
  const viewers: TrickleViewer[] = [];
  for (const [region, n] of Object.entries(TRICKLE_VIEWERS)) {
    for (let i = 0; i < n; i++) viewers.push({ id: id('viewer'), region, session: id('sess'), sessionStarted: 0 });
  }
  return viewers;
}

/** The events of one tick at `t` (epoch ms), per region, as the SDK would send them; renews sessions in `viewers`. */
export function trickleTick(viewers: TrickleViewer[], t: number, o: TickOptions): Map<string, object[]> {
  const random = o.random ?? Math.random;
  const { showId, creatorId, problem } = o;
  const byRegion = new Map<string, object[]>();
  for (const v of viewers) {
    const events = byRegion.get(v.region) ?? [];
    byRegion.set(v.region, events);
    const base = { ts: t, viewer_id: v.id, session_id: v.session, show_id: showId, creator_id: creatorId };
    if (t - v.sessionStarted > SESSION_MS * (0.75 + random() / 2)) {
      if (v.sessionStarted > 0) events.push({ ...base, event_id: id('ev'), type: 'session_end', props: { reason: 'left' } });
      v.session = id('sess');
      v.sessionStarted = t;
      const fresh = { ...base, session_id: v.session };
      events.push({ ...fresh, event_id: id('ev'), type: 'session_start', props: { autoplay: true } });
      events.push({ ...fresh, event_id: id('ev'), type: 'startup', props: { startup_ms: Math.round(600 + random() * 1_400) } });
      continue;
    }
    const bad = problem && v.region === PROBLEM_REGION;
    const latency = Math.round(bad ? 9_000 + random() * 4_000 : 1_800 + random() * 1_700);
    events.push({ ...base, event_id: id('ev'), type: 'heartbeat', props: { watch_ms: bad ? 8_500 : 10_000, latency_ms: latency, bitrate_kbps: bad ? 1_200 : 4_500 } });
    if (bad && random() < 0.5) events.push({ ...base, event_id: id('ev'), type: 'buffer_end', props: { buffer_ms: Math.round(800 + random() * 1_500) } });
    if (random() < 0.15) events.push({ ...base, event_id: id('ev'), type: 'chat_message', props: { length: 10 + Math.floor(random() * 60) } });
    if (random() < 0.05) events.push({ ...base, event_id: id('ev'), type: 'product_impression', props: { product_id: 'nw-hoodie', offer_id: 'live-offer' } });
    if (random() < 0.02) events.push({ ...base, event_id: id('ev'), type: 'click_to_buy', props: { product_id: 'nw-hoodie', offer_id: 'live-offer', click_id: id('clk'), price: 54.5, currency: 'USD' } });
  }
  return byRegion;
}

export function startTrickle(o: TrickleOptions): Trickle {
  const now = o.now ?? Date.now;
  const showId = o.showId ?? `live-${new Date(now()).toISOString().slice(0, 10)}`;
  const creatorId = o.creatorId ?? 'cr-live';
  const header = o.regionHeader ?? 'cloudfront-viewer-country';
  const started = now();
  const viewers = trickleAudience();
  let inFlight = new Set<Promise<void>>();
  let wasProblem = false;

  /** One POST per region, one at a time, retried after the collector's Retry-After on 429/503 (as the SDK does). */
  const send = async (region: string, events: object[]): Promise<void> => {
    for (let attempt = 1; attempt <= SEND_ATTEMPTS; attempt++) {
      try {
        const r = await fetch(`${o.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-write-key': o.writeKey, [header]: region },
          body: JSON.stringify({ sent_at: now(), events }),
        });
        await r.body?.cancel();
        if (r.status !== 429 && r.status !== 503) return;
        const wait = Math.min(MAX_RETRY_WAIT_MS, 1_000 * Number(r.headers.get('retry-after') ?? '1'));
        await new Promise((res) => setTimeout(res, wait * (0.5 + Math.random())));
      } catch (err) {
        o.log?.debug({ err: (err as Error).message }, 'demo trickle: POST failed');
        return;
      }
    }
  };

  const tick = () => {
    const t = now();
    const problem = problemAt(t - started);
    if (problem !== wasProblem) {
      o.log?.info({ region: PROBLEM_REGION, show: showId }, problem ? `demo trickle: latency problem starts in ${PROBLEM_REGION}` : `demo trickle: latency back to normal in ${PROBLEM_REGION}`);
      wasProblem = problem;
    }
    const byRegion = trickleTick(viewers, t, { showId, creatorId, problem });
    const batches = [...byRegion].filter(([, events]) => events.length > 0);
    const p = (async () => {
      for (const [region, events] of batches) await send(region, events);
    })().finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  tick();
  const timer = setInterval(tick, HEARTBEAT_MS);
  timer.unref();
  return {
    showId,
    viewers: viewers.length,
    stop: async () => {
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
      inFlight = new Set();
    },
  };
}
