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
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/** The global `fetch` (the transport sends without cookies: the write key authenticates). */
export function browserFetch(): FetchLike | undefined {
  return globalThis.fetch?.bind(globalThis);
}

/** `navigator.sendBeacon` with a string body, which browsers send as text/plain. */
export function browserBeacon(): BeaconLike | undefined {
  const nav = globalThis.navigator;
  return nav?.sendBeacon?.bind(nav);
}

/**
 * Page visibility and pagehide events; a no-op outside browsers. One window
 * listener serves both: `visibilitychange` is fired at the document and
 * bubbles to the window (HTML, "update the visibility state").
 */
export function browserLifecycle(): PageLifecycle {
  return {
    onHide(listener) {
      if (!globalThis.document) return () => {};
      const handler = (e: Event) =>
        e.type === 'pagehide' ? listener('pagehide') : document.visibilityState === 'hidden' && listener('hidden');
      addEventListener('pagehide', handler);
      addEventListener('visibilitychange', handler);
      return () => {
        removeEventListener('pagehide', handler);
        removeEventListener('visibilitychange', handler);
      };
    },
  };
}
