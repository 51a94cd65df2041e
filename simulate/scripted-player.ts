/**
 * A stand-in for the Amazon IVS player in Node: it holds a state, a
 * rendition and a live latency, and emits the player's real state and event
 * names (`IVS_STATE`, `IVS_EVENT`, which sdk/ivs.ts checks against
 * `amazon-ivs-player`'s own enums) when the simulation tells it to.
 *
 * @example
 * const player = new ScriptedPlayer({ name: '720p', bitrate: 2_500_000 }, 3.2);
 * trackIvsPlayer(tracker, player);
 * player.setState(IVS_STATE.PLAYING);
 */
import { IVS_EVENT, IVS_STATE, type IvsPlayerLike } from '../sdk/ivs.ts';

export interface Rendition {
  name: string;
  /** Bits per second, as the player reports it. */
  bitrate: number;
}

type Listener = (payload: never) => void;

export class ScriptedPlayer implements IvsPlayerLike {
  private state: string = IVS_STATE.IDLE;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    private quality: Rendition,
    /** Seconds, as `getLiveLatency()` reports it. */
    private latencySeconds: number,
  ) {}

  addEventListener(name: string, fn: Listener): void {
    const set = this.listeners.get(name) ?? new Set<Listener>();
    set.add(fn);
    this.listeners.set(name, set);
  }

  removeEventListener(name: string, fn: Listener): void {
    this.listeners.get(name)?.delete(fn);
  }

  /** Listeners still attached (0 after the binding's untrack). */
  listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  getState(): string {
    return this.state;
  }

  getQuality(): Rendition {
    return this.quality;
  }

  getLiveLatency(): number {
    return this.latencySeconds;
  }

  isAutoplay(): boolean {
    return true;
  }

  /** Moves to a state and emits it, as the player does. */
  setState(state: (typeof IVS_STATE)[keyof typeof IVS_STATE]): void {
    this.state = state;
    this.emit(state, undefined);
  }

  /** A rebuffer begins: the player signals REBUFFERING, then enters BUFFERING. */
  rebuffer(): void {
    this.emit(IVS_EVENT.REBUFFERING, undefined);
    this.setState(IVS_STATE.BUFFERING);
  }

  switchQuality(next: Rendition): void {
    this.quality = next;
    this.emit(IVS_EVENT.QUALITY_CHANGED, next);
  }

  /** Timed metadata reaching the playhead. */
  cue(text: string): void {
    this.emit(IVS_EVENT.TEXT_METADATA_CUE, { type: 'text/plain', text });
  }

  /** A fatal playback error: the player reports it and stops. */
  fail(code: number, message: string): void {
    this.emit(IVS_EVENT.ERROR, { type: 'ErrorNetwork', code, message, source: 'Segment' });
    this.setState(IVS_STATE.IDLE);
  }

  private emit(name: string, payload: unknown): void {
    for (const fn of [...(this.listeners.get(name) ?? [])]) (fn as (p: unknown) => void)(payload);
  }
}
