/**
 * The browser adapters the tracker uses by default: the only module that
 * looks at browser globals, and each lookup is guarded, so that importing the
 * SDK in Node (the simulator, tests) finds none of them and runs anyway.
 *
 * @example
 * createTracker({ ..., storage: browserStorage(), lifecycle: browserLifecycle() }) // what the defaults do
 */
import type { KeyValueStorage } from './queue.ts';
import type { BeaconLike, FetchLike } from './transport.ts';

/** Why the page is going out of sight: a tab switch (`hidden`) or unload / bfcache (`pagehide`). */
export type HideReason = 'hidden' | 'pagehide';

/** Tells when the page is about to become invisible or be unloaded. */
export interface PageLifecycle {
  /** Calls `listener` on visibilitychange-to-hidden and on pagehide; returns the remover. */
  onHide(listener: (reason: HideReason) => void): () => void;
}

/** `localStorage`, or undefined where it is absent or denied (Safari private mode throws on access). */
export function browserStorage(): KeyValueStorage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

/** The global `fetch`, without cookies (the write key authenticates). */
export function browserFetch(): FetchLike | undefined {
  const f = globalThis.fetch;
  return f ? (url, init) => f(url, { ...init, credentials: 'omit' }) : undefined;
}

/** `navigator.sendBeacon` with a string body, which browsers send as text/plain. */
export function browserBeacon(): BeaconLike | undefined {
  const nav = globalThis.navigator;
  return nav?.sendBeacon ? (url, body) => nav.sendBeacon(url, body) : undefined;
}

/** Page visibility and pagehide events; a no-op outside browsers. */
export function browserLifecycle(): PageLifecycle {
  return {
    onHide(listener) {
      const doc = globalThis.document;
      if (!doc || !globalThis.addEventListener) return () => {};
      const onVisibility = () => doc.visibilityState === 'hidden' && listener('hidden');
      const onPageHide = () => listener('pagehide');
      doc.addEventListener('visibilitychange', onVisibility);
      globalThis.addEventListener('pagehide', onPageHide);
      return () => {
        doc.removeEventListener('visibilitychange', onVisibility);
        globalThis.removeEventListener('pagehide', onPageHide);
      };
    },
  };
}
