import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateEvent } from '../contract/events.ts';
import { EVENT_ID_PATTERN, MAX_EVENTS_PER_BATCH } from '../contract/limits.ts';
import type { HideReason, PageLifecycle } from './browser.ts';
import { createMemoryStore } from './queue.ts';
import { createFakeFetch, createMemoryStorage, type FakeAnswer } from './testing/fake-fetch.ts';
import { appendClickId, createTracker, EXPOSURES_KEY, type TrackerOptions } from './tracker.ts';
import { BATCH_SIZE_EVENTS, FLUSH_INTERVAL_MS } from './emitter.ts';
import { pickVariant } from './variant.ts';

const BASE = { endpoint: 'http://collector.test', writeKey: 'key_1', showId: 'show-1', creatorId: 'creator-1' };

/** A page lifecycle the test fires by hand. */
function manualLifecycle(): PageLifecycle & { hide(reason: HideReason): void } {
  const ls = new Set<(r: HideReason) => void>();
  return {
    onHide: (l) => (ls.add(l), () => ls.delete(l)),
    hide: (r) => ls.forEach((l) => l(r)),
  };
}

function setup(answer?: (req: import('./testing/fake-fetch.ts').RecordedRequest, i: number) => FakeAnswer, extra: Partial<TrackerOptions> = {}) {
  const net = createFakeFetch(answer);
  const storage = createMemoryStorage();
  const warnings: string[] = [];
  const tracker = createTracker({ ...BASE, fetch: net.fetch, storage, lifecycle: null, sendBeacon: null, warn: (m) => warnings.push(m), ...extra });
  return { net, storage, warnings, tracker };
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-11-28T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('tracker events', () => {
  it('builds contract-valid events with the common fields', async () => {
    const { net, tracker } = setup(undefined, { userId: 'user-9' });
    tracker.track('session_start', { autoplay: true });
    tracker.chat(12);
    tracker.productImpression('p1', 'o1');
    const clickId = tracker.clickToBuy('p1', 'o1', { price: 19.9, currency: 'EUR' });
    await tracker.flush();
    const events = net.events();
    expect(events.map((e) => e.type)).toEqual(['session_start', 'chat_message', 'product_impression', 'click_to_buy']);
    for (const e of events) expect(validateEvent(e)).toMatchObject({ ok: true });
    expect(events[3]).toMatchObject({
      ts: Date.now(),
      viewer_id: tracker.viewerId,
      session_id: tracker.sessionId(),
      show_id: 'show-1',
      creator_id: 'creator-1',
      user_id: 'user-9',
      props: { product_id: 'p1', offer_id: 'o1', click_id: clickId, price: 19.9, currency: 'EUR' },
    });
    expect(new Set(events.map((e) => e.event_id)).size).toBe(4);
    expect(events.every((e) => new RegExp(EVENT_ID_PATTERN).test(e.event_id))).toBe(true);
    expect(JSON.parse(net.requests[0]!.body).sent_at).toBe(Date.now());
  });

  it('identify sets and clears user_id; a second session_start starts a new session', async () => {
    const { net, tracker } = setup();
    tracker.track('session_start', {});
    const first = tracker.sessionId();
    tracker.identify('user-1');
    tracker.chat(1);
    tracker.identify(undefined);
    tracker.track('session_start', {});
    await tracker.flush();
    const [a, b, c] = net.events();
    expect([a!.session_id, b!.session_id]).toEqual([first, first]);
    expect(c!.session_id).not.toBe(first);
    expect([a!.user_id, b!.user_id, c!.user_id]).toEqual([undefined, 'user-1', undefined]);
  });

  it('appendClickId carries the click id onto absolute and relative checkout URLs', () => {
    expect(appendClickId('https://shop.test/checkout?x=1#pay', 'c1')).toBe('https://shop.test/checkout?x=1&livelens_click_id=c1#pay');
    expect(appendClickId('/checkout', 'c2')).toBe('/checkout?livelens_click_id=c2');
  });
});

describe('experiments', () => {
  it("a show-level experiment hashes the show, so viewers of one show share its variant", () => {
    const variants = ['short', 'long'];
    // Each setup() is a new browser, so a new viewer.
    const pick = (showId: string) => setup(undefined, { showId }).tracker.variant('fmt', variants, undefined, 'show');
    expect(pick('s-7')).toBe(pickVariant('s-7', 'fmt', variants));
    expect(new Set(Array.from({ length: 10 }, () => pick('s-7')))).toEqual(new Set([pickVariant('s-7', 'fmt', variants)]));
    expect(new Set(Array.from({ length: 40 }, (_, i) => pick(`s-${i}`)))).toEqual(new Set(variants));
    // The same viewers on a viewer-level experiment spread over both variants.
    expect(new Set(Array.from({ length: 40 }, () => setup(undefined, { showId: 's-7' }).tracker.variant('fmt', variants)))).toEqual(new Set(variants));
  });

  it('sends exposure once per viewer and experiment, also across reloads, and stamps later events', async () => {
    const { net, storage, tracker } = setup();
    const v = tracker.variant('exp-1', ['a', 'b']);
    expect(tracker.variant('exp-1', ['a', 'b'])).toBe(v);
    tracker.chat(3);
    await tracker.flush();
    const reloaded = createTracker({ ...BASE, fetch: net.fetch, storage, lifecycle: null });
    expect(reloaded.viewerId).toBe(tracker.viewerId);
    expect(reloaded.variant('exp-1', ['a', 'b'])).toBe(v);
    reloaded.chat(4);
    await reloaded.flush();
    const events = net.events();
    expect(events.map((e) => e.type)).toEqual(['exposure', 'chat_message', 'chat_message']);
    expect(events[0]!.props).toEqual({ experiment_id: 'exp-1', variant: v });
    expect(events[0]!.experiments).toEqual({ 'exp-1': v });
    expect(events[2]!.experiments).toEqual({ 'exp-1': v });
    expect(JSON.parse(storage.data.get(EXPOSURES_KEY)!)).toEqual({ 'exp-1': v });
  });
});

describe('delivery', () => {
  it('sends a batch as soon as batchSize events wait, else on the interval', async () => {
    const { net, tracker } = setup();
    for (let i = 0; i < BATCH_SIZE_EVENTS - 1; i++) tracker.chat(i);
    await vi.advanceTimersByTimeAsync(0);
    expect(net.requests).toHaveLength(0);
    tracker.chat(99);
    await vi.advanceTimersByTimeAsync(0);
    expect(net.requests).toHaveLength(1);
    expect(net.requests[0]!.events).toHaveLength(BATCH_SIZE_EVENTS);
    tracker.chat(100);
    await vi.advanceTimersByTimeAsync(FLUSH_INTERVAL_MS - 1);
    expect(net.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(net.requests).toHaveLength(2);
  });

  it('flush() sends everything, even while a batch-size send is under way', async () => {
    const { net, tracker } = setup();
    for (let i = 0; i < BATCH_SIZE_EVENTS + 5; i++) tracker.chat(i); // a send of the first batch starts
    await tracker.flush();
    expect(net.events()).toHaveLength(BATCH_SIZE_EVENTS + 5);
  });

  it('splits a backlog into batches of at most MAX_EVENTS_PER_BATCH', async () => {
    const { net, tracker } = setup(undefined, { batchSize: 10_000, maxQueuedEvents: 1200 });
    for (let i = 0; i < 1100; i++) tracker.chat(i);
    await tracker.flush();
    expect(net.requests.map((r) => r.events.length)).toEqual([MAX_EVENTS_PER_BATCH, MAX_EVENTS_PER_BATCH, 100]);
    expect(tracker.stats()).toMatchObject({ accepted: 1100, queued: 0 });
  });

  it('retries network errors and 5xx with growing backoff, then delivers each event exactly once', async () => {
    const { net, tracker } = setup((_, i) => (i === 0 ? 'network-error' : i === 1 ? { status: 503 } : { status: 200 }), { random: () => 1 });
    tracker.chat(1);
    await tracker.flush();
    expect(net.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(999); // first delay: RETRY_BASE_MS with random() = 1
    expect(net.requests).toHaveLength(1);
    tracker.chat(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(net.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1999); // second delay: twice the first
    expect(net.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(net.requests).toHaveLength(3);
    expect(net.events().map((e) => e.props)).toEqual([{ length: 1 }, { length: 2 }]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(net.requests).toHaveLength(3);
    expect(tracker.stats()).toMatchObject({ accepted: 2, retries: 2, queued: 0 });
  });

  it.each([429, 503])('honours Retry-After on %i: no automatic send before it', async (status) => {
    const { net, tracker } = setup((_, i) => (i === 0 ? { status, headers: { 'retry-after': '30' } } : { status: 200 }));
    tracker.chat(1);
    await tracker.flush();
    for (let i = 0; i < 25; i++) tracker.chat(i); // past batchSize: would send, but must wait
    await vi.advanceTimersByTimeAsync(29_999);
    expect(net.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(net.requests).toHaveLength(2);
    expect(net.events()).toHaveLength(26);
  });

  it('drops and counts batches refused with 400/401/413, warning once', async () => {
    const statuses = [400, 401, 413];
    const { net, tracker, warnings } = setup((_, i) => ({ status: statuses[i] ?? 200 }));
    for (let i = 0; i < 3; i++) {
      tracker.chat(i);
      await tracker.flush();
    }
    tracker.chat(3);
    await tracker.flush();
    expect(net.requests).toHaveLength(4);
    expect(tracker.stats()).toMatchObject({ refused: 3, accepted: 1, queued: 0 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/HTTP 400/);
  });

  it('does not retry the events a 200 lists as rejected', async () => {
    const { net, tracker, warnings } = setup((req, i) =>
      i === 0 ? { status: 200, body: { accepted: req.events.length - 1, rejected: [{ index: 1, error: 'bad' }] } } : { status: 200 },
    );
    tracker.chat(0);
    tracker.chat(1);
    tracker.chat(2);
    await tracker.flush();
    await vi.advanceTimersByTimeAsync(FLUSH_INTERVAL_MS * 3);
    expect(net.requests).toHaveLength(1);
    expect(tracker.stats()).toMatchObject({ accepted: 2, rejected: 1, queued: 0 });
    expect(warnings[0]).toMatch(/^livelens: 1 event\(s\) rejected/);
  });

  it('never sends an acknowledged event_id again, even when the store keeps it', async () => {
    // A store whose removals are lost (another tab wrote back a stale copy of the queue).
    const memory = createMemoryStore();
    const stale = { ...memory, remove: () => {} };
    const { net, tracker } = setup(undefined, { store: stale });
    tracker.chat(1);
    await tracker.flush();
    tracker.chat(2);
    await tracker.flush();
    await vi.advanceTimersByTimeAsync(FLUSH_INTERVAL_MS * 3);
    expect(memory.count()).toBe(2);
    expect(net.requests.map((r) => r.events.map((e) => e.props))).toEqual([[{ length: 1 }], [{ length: 2 }]]);
  });

  it('drops the oldest events when the queue is full and counts them', async () => {
    const { net, tracker } = setup(() => 'network-error', { maxQueuedEvents: 5, batchSize: 100 });
    for (let i = 0; i < 8; i++) tracker.chat(i);
    expect(tracker.stats()).toMatchObject({ queued: 5, dropped: 3 });
    await tracker.flush();
    expect(net.requests[0]!.events.map((e) => e.props)).toEqual([3, 4, 5, 6, 7].map((length) => ({ length })));
  });

  it('keeps the queue across a reload: the next page sends the backlog', async () => {
    const down = setup(() => 'network-error');
    for (let i = 0; i < 3; i++) down.tracker.chat(i);
    await down.tracker.flush();
    await Promise.resolve();
    const net = createFakeFetch();
    const next = createTracker({ ...BASE, fetch: net.fetch, storage: down.storage, lifecycle: null });
    await next.flush();
    expect(net.events().map((e) => e.props)).toEqual([0, 1, 2].map((length) => ({ length })));
  });
});

describe('page hide', () => {
  it('runs hide listeners first, then beacons the queue as text with the key in the URL; beaconed events stay queued for the next page', async () => {
    const lifecycle = manualLifecycle();
    const beacons: [string, string][] = [];
    const { net, storage, tracker } = setup(undefined, { lifecycle, sendBeacon: (u, b) => (beacons.push([u, b]), true) });
    tracker.onHide((reason) => tracker.track('session_end', { reason }));
    tracker.chat(1);
    lifecycle.hide('pagehide');
    expect(beacons).toHaveLength(1);
    expect(beacons[0]![0]).toBe('http://collector.test/v1/events?key=key_1');
    expect(JSON.parse(beacons[0]![1]).events.map((e: { type: string }) => e.type)).toEqual(['chat_message', 'session_end']);
    await tracker.flush(); // the same page does not send them twice
    expect(net.requests).toHaveLength(0);
    await Promise.resolve();
    const next = createTracker({ ...BASE, fetch: net.fetch, storage, lifecycle: null });
    await next.flush();
    expect(net.events()).toHaveLength(2);
  });

  it('falls back to fetch when sendBeacon refuses', async () => {
    const lifecycle = manualLifecycle();
    const { net, tracker } = setup(undefined, { lifecycle, sendBeacon: () => false });
    tracker.chat(1);
    lifecycle.hide('hidden');
    await vi.advanceTimersByTimeAsync(0);
    expect(net.events()).toHaveLength(1);
  });
});

describe('lifecycle', () => {
  it('runs in Node without storage or browser globals, and destroy sends what waits and stops timers', async () => {
    const net = createFakeFetch();
    const tracker = createTracker({ ...BASE, fetch: net.fetch, storage: null, lifecycle: null, sendBeacon: null });
    tracker.chat(1);
    await tracker.destroy();
    expect(net.events()).toHaveLength(1);
    tracker.chat(2);
    await vi.advanceTimersByTimeAsync(FLUSH_INTERVAL_MS * 2);
    expect(net.requests).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
