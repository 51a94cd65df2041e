import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PlayerEventType, PlayerState, type MediaPlayer } from 'amazon-ivs-player';
import type { LiveEvent } from '../contract/events.ts';
import { validateEvent } from '../contract/events.ts';
import type { HideReason, PageLifecycle } from './browser.ts';
import { HEARTBEAT_INTERVAL_MS, IVS_EVENT, IVS_STATE, parseProductCue, trackIvsPlayer, type IvsPlayerLike } from './ivs.ts';
import { createFakeFetch } from './testing/fake-fetch.ts';
import { createFakePlayer } from './testing/fake-player.ts';
import { createTracker } from './tracker.ts';

// The real player must fit the binding's structural type (compile-time check).
export const realPlayerFits = (p: MediaPlayer): IvsPlayerLike => p;

function setup(options: Parameters<typeof trackIvsPlayer>[2] = {}, autoplay = true) {
  const net = createFakeFetch();
  const hideListeners = new Set<(r: HideReason) => void>();
  const lifecycle: PageLifecycle = { onHide: (l) => (hideListeners.add(l), () => hideListeners.delete(l)) };
  const beacons: LiveEvent[][] = [];
  const tracker = createTracker({
    endpoint: 'http://collector.test',
    writeKey: 'k',
    showId: 'show-1',
    creatorId: 'creator-1',
    fetch: net.fetch,
    storage: null,
    lifecycle,
    sendBeacon: (_, body) => (beacons.push(JSON.parse(body).events), true),
    batchSize: 1000,
    flushIntervalMs: 3_600_000,
  });
  const player = createFakePlayer({ autoplay });
  const untrack = trackIvsPlayer(tracker, player, options);
  const events = async () => {
    await tracker.flush();
    return net.events();
  };
  const hide = (r: HideReason) => hideListeners.forEach((l) => l(r));
  return { tracker, player, untrack, events, hide, beacons };
}
const typesOf = (events: LiveEvent[]) => events.map((e) => e.type);
const advance = (ms: number) => vi.advanceTimersByTime(ms);

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-11-28T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('player values', () => {
  it('the binding spells states and events exactly as amazon-ivs-player does', () => {
    expect(IVS_STATE).toEqual({ ...PlayerState });
    for (const [k, v] of Object.entries(IVS_EVENT)) expect(PlayerEventType[k as keyof typeof PlayerEventType]).toBe(v);
  });
});

describe('trackIvsPlayer', () => {
  it('session_start, startup from intent to first PLAYING, heartbeats with playing time, latency, bitrate, rendition', async () => {
    const { player, events } = setup({ page: '/live/1' });
    player.load();
    advance(800);
    player.play();
    advance(HEARTBEAT_INTERVAL_MS - 800);
    player.setLiveLatency(2.5);
    advance(HEARTBEAT_INTERVAL_MS);
    const got = await events();
    expect(typesOf(got)).toEqual(['session_start', 'startup', 'heartbeat', 'heartbeat']);
    expect(got[0]!.props).toEqual({ autoplay: true, page: '/live/1' });
    expect(got[1]!.props).toEqual({ startup_ms: 800 });
    expect(got[2]!.props).toEqual({ watch_ms: HEARTBEAT_INTERVAL_MS - 800, latency_ms: 3000, bitrate_kbps: 2500, quality: '720p' });
    expect(got[3]!.props).toMatchObject({ watch_ms: HEARTBEAT_INTERVAL_MS, latency_ms: 2500 });
    for (const e of got) expect(validateEvent(e)).toMatchObject({ ok: true });
  });

  it('without autoplay, or when autoplay is blocked, startup counts from the press of play', async () => {
    const manual = setup({}, false);
    manual.player.load();
    advance(30_000); // the viewer reads the page
    manual.player.requestPlay();
    advance(700);
    manual.player.play();
    const blocked = setup();
    blocked.player.load();
    blocked.player.blockAutoplay();
    advance(20_000);
    blocked.player.requestPlay();
    advance(400);
    blocked.player.play();
    const startupOf = async (s: ReturnType<typeof setup>) => (await s.events()).find((e) => e.type === 'startup')?.props;
    expect(await startupOf(manual)).toEqual({ startup_ms: 700 });
    expect(await startupOf(blocked)).toEqual({ startup_ms: 400 });
    expect((await manual.events())[0]!.props).toEqual({ autoplay: false });
  });

  it('rebuffering: buffer_start/buffer_end with its length, and no watch time while buffering', async () => {
    const { player, events } = setup();
    player.load();
    player.play();
    advance(3000);
    player.rebuffer();
    advance(1500);
    player.play();
    advance(HEARTBEAT_INTERVAL_MS - 4500);
    const got = await events();
    expect(typesOf(got)).toEqual(['session_start', 'startup', 'buffer_start', 'buffer_end', 'heartbeat']);
    expect(got[3]!.props).toEqual({ buffer_ms: 1500 });
    expect(got[4]!.props).toMatchObject({ watch_ms: HEARTBEAT_INTERVAL_MS - 1500 });
  });

  it('initial buffering belongs to startup, and BUFFERING without REBUFFERING (a quality switch) is not a rebuffer', async () => {
    const { player, events } = setup();
    player.load();
    advance(2000);
    player.play();
    player.pause();
    player.load(); // READY, BUFFERING, QUALITY_CHANGED to the same rendition
    player.play();
    expect(typesOf(await events())).toEqual(['session_start', 'startup']);
  });

  it('quality_change on a switch, not on the initial pick', async () => {
    const { player, events } = setup();
    player.load();
    player.play();
    player.setQuality('360p');
    const got = await events();
    expect(typesOf(got)).toEqual(['session_start', 'startup', 'quality_change']);
    expect(got[2]!.props).toEqual({ from_kbps: 2500, to_kbps: 800, quality: '360p' });
  });

  it('errors: ERROR is fatal, NETWORK_UNAVAILABLE is not', async () => {
    const { player, events } = setup();
    player.load();
    player.play();
    player.error(false);
    player.error(true, { type: 'ErrorNotAvailable' as never, code: 404, message: 'x'.repeat(300) });
    const got = (await events()).filter((e) => e.type === 'error');
    expect(got.map((e) => e.props)).toEqual([
      { code: 'NetworkUnavailable', fatal: false },
      { code: 'ErrorNotAvailable:404', message: 'x'.repeat(256), fatal: true },
    ]);
  });

  it('product cards from timed metadata: one impression per card shown, repeats for late joiners ignored', async () => {
    const cards: unknown[] = [];
    const { player, events } = setup({ onProductCard: (c) => cards.push(c) });
    player.load();
    player.play();
    const card = { type: 'product', product_id: 'p1', offer_id: 'o1' };
    player.cue(card);
    player.cue(card); // repeated every few seconds for viewers who join mid-card
    player.cue('not json');
    player.cue({ type: 'chapter', title: 'x' });
    player.cue({ type: 'product', product_id: 'p2', offer_id: 'o2' });
    player.cue({ type: 'product_end' });
    player.cue(card); // shown again later: a new impression
    player.cue({ ...card, card_id: 'c9' });
    const got = (await events()).filter((e) => e.type === 'product_impression').map((e) => e.props);
    expect(got).toEqual([
      { product_id: 'p1', offer_id: 'o1' },
      { product_id: 'p2', offer_id: 'o2' },
      { product_id: 'p1', offer_id: 'o1' },
      { product_id: 'p1', offer_id: 'o1' },
    ]);
    expect(cards).toEqual([
      { productId: 'p1', offerId: 'o1' },
      { productId: 'p2', offerId: 'o2' },
      null,
      { productId: 'p1', offerId: 'o1' },
      { productId: 'p1', offerId: 'o1', cardId: 'c9' },
    ]);
  });

  it('a viewer joining mid-card gets the impression from the first repeat they see', async () => {
    const { player, events } = setup();
    player.load();
    player.play();
    player.cue({ type: 'product', product_id: 'p1', offer_id: 'o1' });
    expect((await events()).filter((e) => e.type === 'product_impression')).toHaveLength(1);
  });

  it('ENDED: last heartbeat then session_end; playing again starts a new session with its own startup', async () => {
    const { player, events } = setup();
    player.load();
    player.play();
    advance(4000);
    player.end();
    advance(HEARTBEAT_INTERVAL_MS * 3); // no heartbeats after the end
    player.load();
    advance(300);
    player.play();
    const got = await events();
    expect(typesOf(got)).toEqual(['session_start', 'startup', 'heartbeat', 'session_end', 'session_start', 'startup']);
    expect(got[2]!.props).toMatchObject({ watch_ms: 4000 });
    expect(got[3]!.props).toEqual({ reason: 'ended' });
    expect(got[5]!.props).toEqual({ startup_ms: 300 });
    expect(got[4]!.session_id).not.toBe(got[0]!.session_id);
    expect(got[3]!.session_id).toBe(got[0]!.session_id);
  });

  it('pagehide ends the session before the queue is beaconed; hidden sends a heartbeat but keeps the session', async () => {
    const { player, hide, beacons } = setup();
    player.load();
    player.play();
    advance(2000);
    hide('hidden');
    expect(typesOf(beacons[0]!)).toEqual(['session_start', 'startup', 'heartbeat']);
    advance(1000);
    hide('pagehide');
    expect(typesOf(beacons[1]!)).toEqual(['heartbeat', 'session_end']);
    expect(beacons[1]![1]!.props).toEqual({ reason: 'pagehide' });
  });

  it('untrack ends the session and removes every listener it added', async () => {
    const { player, untrack, events } = setup();
    expect(player.listenerCount()).toBeGreaterThan(0);
    player.load();
    player.play();
    advance(HEARTBEAT_INTERVAL_MS * 0.5);
    untrack();
    expect(player.listenerCount()).toBe(0);
    player.rebuffer();
    player.end();
    advance(HEARTBEAT_INTERVAL_MS * 5);
    expect(typesOf(await events())).toEqual(['session_start', 'startup', 'heartbeat', 'session_end']);
    expect(vi.getTimerCount()).toBe(1); // only the tracker's own flush timer
  });

  it('a throttled timer (background tab) never makes a heartbeat carry more than 60 s: the rest goes in the next', async () => {
    const { player, events } = setup();
    player.load();
    player.play();
    vi.setSystemTime(Date.now() + 150_000 - HEARTBEAT_INTERVAL_MS); // the clock moves, timers do not fire
    advance(HEARTBEAT_INTERVAL_MS);
    advance(HEARTBEAT_INTERVAL_MS);
    const beats = (await events()).filter((e) => e.type === 'heartbeat').map((e) => (e.props as { watch_ms: number }).watch_ms);
    expect(beats).toEqual([60_000, 60_000]);
    advance(HEARTBEAT_INTERVAL_MS);
    const all = (await events()).filter((e) => e.type === 'heartbeat').map((e) => (e.props as { watch_ms: number }).watch_ms);
    expect(all.reduce((a, b) => a + b, 0)).toBe(150_000 + 2 * HEARTBEAT_INTERVAL_MS);
  });

  it('session_end carries all remaining watch time first, even after a throttled gap', async () => {
    const { player, hide, beacons } = setup();
    player.load();
    player.play();
    vi.setSystemTime(Date.now() + 130_000);
    player.end();
    hide('hidden'); // after the end: no further heartbeat; the queue goes by beacon
    const got = beacons.flat();
    const beats = got.filter((e) => e.type === 'heartbeat').map((e) => (e.props as { watch_ms: number }).watch_ms);
    expect(beats).toEqual([60_000, 60_000, 10_000]);
    expect(got.at(-1)!.type).toBe('session_end');
  });

  it('refuses a heartbeat interval a heartbeat cannot carry', () => {
    expect(() => setup({ heartbeatIntervalMs: 61_000 })).toThrow(/heartbeatIntervalMs must be in \(0, 60000\]/);
  });
});

describe('parseProductCue', () => {
  it('reads the documented cue JSON and ignores anything else', () => {
    expect(parseProductCue('{"type":"product","product_id":"p","offer_id":"o","card_id":"c"}')).toEqual({ productId: 'p', offerId: 'o', cardId: 'c' });
    expect(parseProductCue('{"type":"product_end"}')).toBeNull();
    expect(parseProductCue('{"type":"product","product_id":"p"}')).toBeUndefined();
    expect(parseProductCue(`{"type":"product","product_id":"${'p'.repeat(65)}","offer_id":"o"}`)).toBeUndefined();
    expect(parseProductCue('null')).toBeUndefined();
  });
});
