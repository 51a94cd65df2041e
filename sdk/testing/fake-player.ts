/**
 * A scripted stand-in for `amazon-ivs-player`'s MediaPlayer, for unit tests
 * and the Node simulator. It emits the player's real PlayerState and
 * PlayerEventType values (imported from the package) in the order the real
 * player does: load() → READY, BUFFERING (autoplay), QUALITY_CHANGED; play() → PLAYING;
 * rebuffer() → REBUFFERING, BUFFERING; end() → ENDED.
 *
 * @example
 * const player = createFakePlayer({ now: clock.now });
 * const untrack = trackIvsPlayer(tracker, player);
 * player.load(); clock.advance(800); player.play();   // startup_ms 800
 * player.rebuffer(); clock.advance(1500); player.play(); // buffer_ms 1500
 * player.cue({ type: 'product', product_id: 'p1', offer_id: 'o1' });
 */
import ivsPlayer, { type PlayerError, type Quality, type TextMetadataCue } from 'amazon-ivs-player';
import type { IvsPlayerLike } from '../ivs.ts';

/** Renditions of the fake stream unless others are given. */
// A default import: the package is CommonJS, whose named exports Node's ESM loader cannot see (tsx, the simulator).
const { PlayerEventType, PlayerState } = ivsPlayer;
type PlayerState = (typeof PlayerState)[keyof typeof PlayerState];

export const FAKE_QUALITIES: readonly Quality[] = [
  { name: '720p', codecs: 'avc1.4D401F,mp4a.40.2', bitrate: 2_500_000, width: 1280, height: 720 },
  { name: '360p', codecs: 'avc1.4D401E,mp4a.40.2', bitrate: 800_000, width: 640, height: 360 },
];

export interface FakePlayerOptions {
  /** Epoch ms, for getPosition (default Date.now). */
  now?: () => number;
  qualities?: readonly Quality[];
  /** Initial live latency in seconds (default 3). */
  liveLatencySeconds?: number;
  autoplay?: boolean;
}

export interface FakePlayer extends IvsPlayerLike {
  getState(): PlayerState;
  getQuality(): Quality;
  getQualities(): Quality[];
  /** Seconds of media played. */
  getPosition(): number;
  isAutoplay(): boolean;
  /** Emits READY, BUFFERING (only when autoplaying) and the initial QUALITY_CHANGED. */
  load(): void;
  /** The viewer pressed play (no autoplay): emits BUFFERING. */
  requestPlay(): void;
  /** The browser refused autoplay: emits PLAYBACK_BLOCKED and IDLE. */
  blockAutoplay(): void;
  /** Emits PLAYING (first frame, or the end of a rebuffer). */
  play(): void;
  /** Emits IDLE (paused). */
  pause(): void;
  /** Emits REBUFFERING and BUFFERING: a stall during playback. */
  rebuffer(): void;
  /** Emits QUALITY_CHANGED to the named rendition (or the given one). */
  setQuality(quality: string | Quality): void;
  setLiveLatency(seconds: number): void;
  /** Emits TEXT_METADATA_CUE with this text (objects are JSON-encoded). */
  cue(metadata: string | object): void;
  /** Fatal: ERROR then IDLE; not fatal: NETWORK_UNAVAILABLE. */
  error(fatal: boolean, detail?: Partial<PlayerError>): void;
  /** Emits ENDED. */
  end(): void;
  /** Listeners currently registered (0 after untrack). */
  listenerCount(): number;
}

export function createFakePlayer(options: FakePlayerOptions = {}): FakePlayer {
  const now = options.now ?? Date.now;
  const qualities = [...(options.qualities ?? FAKE_QUALITIES)];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let state: PlayerState = PlayerState.IDLE;
  let quality: Quality = { name: '', codecs: '', bitrate: 0, width: 0, height: 0 };
  let latency = options.liveLatencySeconds ?? 3;
  let positionS = 0;
  let playingSince: number | undefined;

  const emit = (name: string, payload?: unknown) => {
    for (const fn of [...(listeners.get(name) ?? [])]) fn(payload);
  };
  const setState = (next: PlayerState) => {
    if (playingSince !== undefined) positionS += (now() - playingSince) / 1000;
    playingSince = next === PlayerState.PLAYING ? now() : undefined;
    state = next;
    emit(next);
  };
  const changeQuality = (q: Quality) => {
    quality = q;
    emit(PlayerEventType.QUALITY_CHANGED, q);
  };

  return {
    addEventListener(name, fn) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name)!.add(fn);
    },
    removeEventListener(name, fn) {
      listeners.get(name)?.delete(fn);
    },
    getState: () => state,
    getQuality: () => quality,
    getQualities: () => [...qualities],
    getLiveLatency: () => latency,
    getPosition: () => positionS + (playingSince === undefined ? 0 : (now() - playingSince) / 1000),
    isAutoplay: () => options.autoplay ?? true,
    load() {
      setState(PlayerState.READY);
      if (options.autoplay ?? true) setState(PlayerState.BUFFERING);
      changeQuality(qualities[0]!);
    },
    requestPlay: () => setState(PlayerState.BUFFERING),
    blockAutoplay() {
      emit(PlayerEventType.PLAYBACK_BLOCKED);
      setState(PlayerState.IDLE);
    },
    play: () => setState(PlayerState.PLAYING),
    pause: () => setState(PlayerState.IDLE),
    rebuffer() {
      emit(PlayerEventType.REBUFFERING);
      setState(PlayerState.BUFFERING);
    },
    setQuality(q) {
      const next = typeof q === 'string' ? qualities.find((x) => x.name === q) : q;
      if (!next) throw new Error(`no rendition named "${String(q)}"; the fake stream has ${qualities.map((x) => x.name).join(', ')}`);
      changeQuality(next);
    },
    setLiveLatency: (seconds) => void (latency = seconds),
    cue(metadata) {
      const t = positionS;
      const cue: TextMetadataCue = {
        type: 'TextMetadataCue',
        startTime: t,
        endTime: t,
        description: '',
        owner: 'fake',
        text: typeof metadata === 'string' ? metadata : JSON.stringify(metadata),
      };
      emit(PlayerEventType.TEXT_METADATA_CUE, cue);
    },
    error(fatal, detail = {}) {
      if (!fatal) return emit(PlayerEventType.NETWORK_UNAVAILABLE);
      emit(PlayerEventType.ERROR, { source: 'Segment', type: 'ErrorNetwork', code: 404, message: 'fake fatal error', ...detail });
      setState(PlayerState.IDLE);
    },
    end: () => setState(PlayerState.ENDED),
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
}
