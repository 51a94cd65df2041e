/**
 * The Amazon IVS player binding: turns player states and events into
 * livelens events (docs/spec.md §2).
 *
 * - `session_start` when attached (attach after `setAutoplay`, whose value it reports); a playback after ENDED starts a new session.
 * - `startup`: from the play intent to the first PLAYING. The intent is the
 *   attach (or the restart after ENDED) when the player autoplays; without
 *   autoplay, or after PLAYBACK_BLOCKED, it is the moment the player leaves
 *   READY/IDLE for BUFFERING (the viewer pressed play), so time the viewer
 *   spent deciding is not counted as startup.
 * - `heartbeat` every `heartbeatIntervalMs` (heartbeat.ts): `watch_ms` counts PLAYING time only,
 *   `latency_ms` from `getLiveLatency()` (seconds → ms, left out when 0, as for
 *   non-IVS streams), `bitrate_kbps` and `quality` from `getQuality()`.
 * - `buffer_start` on REBUFFERING (the player's own signal, which excludes
 *   startup, seeks and quality switches), `buffer_end` when the state leaves BUFFERING.
 * - `quality_change` on QUALITY_CHANGED once a first rendition is known (the initial pick is not a change).
 * - `error` with `fatal: true` on ERROR (the player stops on every ERROR),
 *   `fatal: false` on NETWORK_UNAVAILABLE.
 * - `product_impression` from TEXT_METADATA_CUE carrying a product card (see parseProductCue).
 * - `session_end` on ENDED, on pagehide and on untrack, after a last heartbeat.
 *
 * Event names are string literals checked against `amazon-ivs-player`'s types
 * (`import type` only): importing its enums as values would bundle the whole player.
 *
 * @example
 * const untrack = trackIvsPlayer(tracker, IVSPlayer.create({ ... }));
 * // later: untrack(); // session_end, every listener removed
 */
import type { PlayerEventType, PlayerState } from 'amazon-ivs-player';
import { MAX_ERROR_MESSAGE_CHARS, MAX_ID_CHARS } from '../contract/limits.ts';
import { createHeartbeat, HEARTBEAT_INTERVAL_MS, kbps } from './heartbeat.ts';
import type { Tracker } from './tracker.ts';

export { HEARTBEAT_INTERVAL_MS } from './heartbeat.ts';

// The states the code compares are top-level constants, which the minified bundle names once.
const IDLE = 'Idle';
const BUFFERING = 'Buffering';
const PLAYING = 'Playing';
const ENDED = 'Ended';
const READY = 'Ready';

/** The player states, as the player spells them. */
export const IVS_STATE = { IDLE, READY, BUFFERING, PLAYING, ENDED } as const satisfies {
  [K in keyof typeof PlayerState]: `${(typeof PlayerState)[K]}`;
};

/** The player events the binding listens to, as the player spells them. */
export const IVS_EVENT = {
  QUALITY_CHANGED: 'PlayerQualityChanged',
  REBUFFERING: 'PlayerRebuffering',
  ERROR: 'PlayerError',
  NETWORK_UNAVAILABLE: 'PlayerNetworkUnavailable',
  PLAYBACK_BLOCKED: 'PlayerPlaybackBlocked',
  TEXT_METADATA_CUE: 'PlayerTextMetadataCue',
} as const satisfies { [K in keyof typeof PlayerEventType]?: `${(typeof PlayerEventType)[K]}` };

/** A name the binding listens to; the code spells them as literals (checked here) so the bundle holds no lookup objects. */
type IvsName = (typeof IVS_STATE)[keyof typeof IVS_STATE] | (typeof IVS_EVENT)[keyof typeof IVS_EVENT];

/** What the binding needs of a player: `amazon-ivs-player`'s MediaPlayer, or `createFakePlayer()`. */
export interface IvsPlayerLike {
  addEventListener(name: string, fn: (payload: unknown) => void): void;
  removeEventListener(name: string, fn: (payload: unknown) => void): void;
  getState(): string;
  getQuality(): { name: string; bitrate: number };
  /** Seconds. */
  getLiveLatency(): number;
  isAutoplay?(): boolean;
}

/** A product card announced by timed metadata. */
export interface ProductCard {
  productId: string;
  offerId: string;
  /** Tells apart two showings of the same offer. */
  cardId?: string;
}

export interface IvsTrackingOptions {
  /** Default HEARTBEAT_INTERVAL_MS; at most MAX_HEARTBEAT_WATCH_MS. */
  heartbeatIntervalMs?: number;
  /** Sent in `session_start.props.page` (for example location.pathname). */
  page?: string;
  /** Called when a product card appears (or, with null, is cleared), to render it. */
  onProductCard?: (card: ProductCard | null) => void;
}

/**
 * Reads a TEXT_METADATA_CUE text. A product card is the JSON
 * `{"type":"product","product_id":"p1","offer_id":"o1","card_id":"c7"}`
 * (`card_id` optional) and `{"type":"product_end"}` clears it: returns the
 * card, null for product_end, undefined for any other cue.
 *
 * @example parseProductCue('{"type":"product","product_id":"p1","offer_id":"o1"}') // { productId: 'p1', offerId: 'o1' }
 */
export function parseProductCue(text: string): ProductCard | null | undefined {
  let cue: { type?: unknown; product_id?: unknown; offer_id?: unknown; card_id?: unknown } | null;
  try {
    cue = JSON.parse(text) as typeof cue;
  } catch {
    return undefined;
  }
  const ok = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_CHARS;
  return cue?.type === 'product_end'
    ? null
    : cue?.type === 'product' && ok(cue.product_id) && ok(cue.offer_id)
      ? { productId: cue.product_id, offerId: cue.offer_id, cardId: ok(cue.card_id) ? cue.card_id : undefined }
      : undefined;
}

/**
 * Tracks one player with `tracker` and returns the function that stops it
 * (sending session_end and removing every listener it added).
 *
 * Viewers who join mid-card: timed metadata reaches only players whose
 * playhead passes the cue, so producers repeat the current card's cue every
 * few seconds; repeats of the card on screen are not counted again, a
 * different card (or the same one after product_end) is a new impression.
 */
export function trackIvsPlayer(tracker: Tracker, player: IvsPlayerLike, options: IvsTrackingOptions = {}): () => void {
  const { now, track } = tracker;

  let intentAt = now();
  /** True while startup waits for the viewer to press play (no autoplay, or autoplay blocked). */
  let awaitingIntent = player.isAutoplay?.() === false;
  let started = false;
  let ended = false;
  let rebufferSince: number | undefined;
  let quality = player.getQuality();
  let cardKey: string | undefined;
  const heartbeat = createHeartbeat(
    tracker,
    player,
    options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS,
    () => !ended,
    () => rebufferSince !== undefined,
  );
  const endRebuffer = (t: number) => {
    if (rebufferSince !== undefined) track('buffer_end', { buffer_ms: Math.max(0, t - rebufferSince) }), (rebufferSince = undefined);
  };
  const startSession = () => {
    track('session_start', { autoplay: player.isAutoplay?.(), page: options.page });
    ended = started = false;
    cardKey = undefined;
  };
  const endSession = (reason: string) => {
    if (ended) return;
    const t = now();
    heartbeat._drain(t); // all watch time goes out before session_end
    endRebuffer(t);
    heartbeat._pause(t);
    track('session_end', { reason });
    ended = true;
  };
  const onState = (state: string) => {
    const t = now();
    if (ended && state !== IDLE && state !== ENDED) startSession(), (intentAt = t);
    if (!started && awaitingIntent && (state === BUFFERING || state === PLAYING)) (intentAt = t), (awaitingIntent = false);
    heartbeat._pause(t);
    if (state === PLAYING) {
      if (!started) track('startup', { startup_ms: Math.max(0, t - intentAt) });
      started = true;
      heartbeat._play(t);
    }
    if (state !== BUFFERING) endRebuffer(t);
    if (state === ENDED) endSession('ended');
  };

  startSession();
  if (player.getState() === PLAYING) (started = true), heartbeat._play(intentAt);
  // One handler per player event, each declaring the payload the player documents for it (PlayerEventMap).
  const handlers: { [name in IvsName]?: (payload: never) => void } = {
    PlayerPlaybackBlocked: () => void (awaitingIntent = !started),
    PlayerRebuffering() {
      const t = now();
      if (started && !ended && rebufferSince === undefined) heartbeat._pause(t), (rebufferSince = t), track('buffer_start', {});
    },
    PlayerQualityChanged(q: { name: string; bitrate: number }) {
      const from = quality;
      quality = q;
      if (from.bitrate > 0 && (from.bitrate !== q.bitrate || from.name !== q.name)) {
        track('quality_change', { from_kbps: kbps(from.bitrate), to_kbps: kbps(q.bitrate), quality: q.name || undefined });
      }
    },
    PlayerError: (e?: { type?: string; code?: number; message?: string }) =>
      track('error', {
        code: `${e?.type ?? 'Error'}${e?.code ? `:${e.code}` : ''}`.slice(0, MAX_ID_CHARS),
        message: e?.message?.slice(0, MAX_ERROR_MESSAGE_CHARS) || undefined,
        fatal: true,
      }),
    PlayerNetworkUnavailable: () => track('error', { code: 'NetworkUnavailable', fatal: false }),
    PlayerTextMetadataCue(cue?: { text?: string }) {
      const card = parseProductCue(cue?.text ?? '');
      const key = card && [card.productId, card.offerId, card.cardId].join('\n');
      if (card === undefined || key === cardKey) return;
      cardKey = key || undefined;
      if (card) tracker.productImpression(card.productId, card.offerId);
      options.onProductCard?.(card);
    },
  };
  for (const state of [IDLE, READY, BUFFERING, PLAYING, ENDED] as const) handlers[state] = () => onState(state);
  for (const name in handlers) player.addEventListener(name, handlers[name as IvsName] as (payload: unknown) => void);
  const removeHide = tracker.onHide((reason) => (reason === 'pagehide' ? endSession(reason) : ended || heartbeat._beat(now())));

  return () => {
    endSession('untrack');
    heartbeat._stop();
    removeHide();
    for (const name in handlers) player.removeEventListener(name, handlers[name as IvsName] as (payload: unknown) => void);
  };
}
