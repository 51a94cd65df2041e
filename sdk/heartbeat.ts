/**
 * The heartbeat of a playback: counts PLAYING time and sends it, with the
 * player's latency and rendition, every `interval` ms as a `heartbeat`
 * event (docs/spec.md §2). The IVS binding (ivs.ts) tells it when playback
 * runs and stops; a heartbeat carries at most MAX_HEARTBEAT_WATCH_MS, so a
 * throttled timer (background tab) leaves the rest for the next one.
 *
 * @example
 * const hb = createHeartbeat(tracker, player, 10_000, () => !ended, () => false);
 * hb._play(now()); ...; hb._pause(now()); hb._drain(now()); hb._stop();
 */
import { MAX_HEARTBEAT_WATCH_MS } from '../contract/limits.ts';
import type { Tracker } from './tracker.ts';

/** Default time between heartbeats (ms). */
export const HEARTBEAT_INTERVAL_MS = 10_000;

/** Bits per second → whole kbit/s, as events carry bitrates. */
export const kbps = (bitsPerSecond: number): number => Math.round(bitsPerSecond / 1000);

/** What the heartbeat reads of a player. */
export interface HeartbeatSource {
  getQuality(): { name: string; bitrate: number };
  /** Seconds. */
  getLiveLatency(): number;
}

/** Internal to the SDK: `_` names are shortened in the bundle (sdk/build.ts, mangleProps). */
export interface Heartbeat {
  /** Playback runs from `t` (watch time accrues). */
  _play(t: number): void;
  /** Playback stops at `t`; the time accrued so far is kept for the next heartbeat. */
  _pause(t: number): void;
  /** Sends one heartbeat with the watch time up to `t` (none when there is nothing to report). */
  _beat(t: number): void;
  /** Sends every accrued millisecond, in as many heartbeats as it takes (before session_end). */
  _drain(t: number): void;
  /** Stops the timer. */
  _stop(): void;
}

/**
 * Starts the heartbeat timer, every `interval` ms (in (0, MAX_HEARTBEAT_WATCH_MS],
 * else it throws). `active` false (the session ended): the timer sends nothing.
 * `rebuffering` true: a heartbeat goes out even without watch time.
 * Positional parameters: an options object costs bytes in the bundle.
 */
export function createHeartbeat(
  tracker: Tracker,
  source: HeartbeatSource,
  interval: number,
  active: () => boolean,
  rebuffering: () => boolean,
): Heartbeat {
  if (!(interval > 0 && interval <= MAX_HEARTBEAT_WATCH_MS)) {
    throw Error(`heartbeatIntervalMs must be in (0, ${MAX_HEARTBEAT_WATCH_MS}] ms; got ${interval}`);
  }
  const { now, timers } = tracker;
  let playingSince: number | undefined;
  let watchMs = 0;
  let timer: unknown;

  const accrue = (t: number) => {
    if (playingSince !== undefined) watchMs += t - playingSince, (playingSince = t);
  };
  const beat = (t: number) => {
    accrue(t);
    if (watchMs <= 0 && !rebuffering()) return;
    const watch = Math.min(Math.round(watchMs), MAX_HEARTBEAT_WATCH_MS);
    watchMs -= watch; // a throttled timer may leave more than one heartbeat can carry: keep the rest
    const q = source.getQuality();
    const latencyS = source.getLiveLatency();
    // Unknown values stay undefined, which the JSON sent leaves out.
    tracker.track('heartbeat', {
      watch_ms: watch,
      latency_ms: latencyS > 0 && latencyS < Infinity ? Math.round(latencyS * 1000) : undefined,
      bitrate_kbps: q.bitrate > 0 ? kbps(q.bitrate) : undefined,
      quality: q.name || undefined,
    });
  };
  const tick = () => {
    if (active()) beat(now());
    timer = timers.setTimeout(tick, interval);
  };
  timer = timers.setTimeout(tick, interval);

  return {
    _play(t) {
      accrue(t);
      playingSince = t;
    },
    _pause(t) {
      accrue(t);
      playingSince = undefined;
    },
    _beat: beat,
    _drain(t) {
      do beat(t);
      while (watchMs > 0); // all watch time goes out, MAX_HEARTBEAT_WATCH_MS per heartbeat
    },
    _stop: () => timers.clearTimeout(timer),
  };
}
