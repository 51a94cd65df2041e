/**
 * Ground truth of the QoE reports (docs/spec.md §4): per retailer and
 * region, show or device class, from the planted startups, rebuffers,
 * latencies and failures, with the heartbeats the SDK's binding sends.
 *
 * @example
 * qoeRows('region', sessions); // [{ retailer_id, region, sessions, startup_p50_ms, ... }]
 */
import { HEARTBEAT_INTERVAL_MS } from '../../sdk/ivs.ts';
import { quantileCont } from '../../stats/quantile.ts';
import type { PlannedSession } from '../world/sessions.ts';

/** The heartbeat period the simulator runs the IVS binding with (its default), at which latency is sampled. */
export const EXPECTED_HEARTBEAT_MS = HEARTBEAT_INTERVAL_MS;

export type QoeDimension = 'region' | 'show' | 'device';
const QOE_KEY_COLUMN = { region: 'region', show: 'show_id', device: 'device' } as const;

export interface QoeTruthRow {
  retailer_id: string;
  /** The group key under its docs/spec.md name: `region`, `show_id` or `device`. */
  [key: string]: string | number | null;
  sessions: number;
  startup_p50_ms: number | null;
  startup_p95_ms: number | null;
  /** 100 × Σ buffer_ms / (Σ watch_ms + Σ buffer_ms). */
  rebuffer_pct: number;
  rebuffers_per_minute: number;
  /** Over the heartbeats the binding sends (see expectedHeartbeats), each carrying the session's planted latency. */
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  latency_p99_ms: number | null;
  /** 100 × sessions with a fatal error / sessions. */
  playback_failure_pct: number;
  /** 100 × sessions that left before the first frame without a fatal error / sessions (exits before video start). */
  ebvs_pct: number;
  watch_ms: number;
  buffer_ms: number;
  rebuffers: number;
}

/** Playing time of a session: first frame to the end, less its rebuffers (0 for a failed start or an exit before it). */
export function watchMsOf(s: PlannedSession): number {
  if (s.fatal || s.exitsBeforeStart) return 0;
  return s.leaveMs - (s.joinMs + s.startupMs) - s.rebuffers.reduce((t, r) => t + r.durationMs, 0);
}

/** Heartbeat moments expected for a session: every EXPECTED_HEARTBEAT_MS after play intent, and one at the end. */
function expectedHeartbeats(s: PlannedSession): number {
  const firstFrame = s.joinMs + s.startupMs;
  let n = 1;
  for (let t = s.joinMs + EXPECTED_HEARTBEAT_MS; t < s.leaveMs; t += EXPECTED_HEARTBEAT_MS) if (t > firstFrame) n++;
  return n;
}

/** One truth row per retailer and group of `dim`, sorted by key. */
export function qoeRows(dim: QoeDimension, sessions: readonly PlannedSession[]): QoeTruthRow[] {
  const groupOf = (s: PlannedSession): string => (dim === 'region' ? s.region : dim === 'show' ? s.showId : s.device);
  const groups = [...new Set(sessions.map((s) => `${s.retailerId}\u0000${groupOf(s)}`))].sort();
  return groups.map((g) => {
    const [retailerId, group] = g.split('\u0000') as [string, string];
    const mine = sessions.filter((s) => groupOf(s) === group && s.retailerId === retailerId);
    const playing = mine.filter((s) => !s.fatal && !s.exitsBeforeStart);
    let bufferMs = 0;
    let watchMs = 0;
    let rebuffers = 0;
    const latencies: number[] = [];
    for (const s of playing) {
      bufferMs += s.rebuffers.reduce((t, r) => t + r.durationMs, 0);
      watchMs += watchMsOf(s);
      rebuffers += s.rebuffers.length;
      for (let i = expectedHeartbeats(s); i > 0; i--) latencies.push(s.latencyMs);
    }
    const startups = playing.map((s) => s.startupMs);
    return {
      retailer_id: retailerId,
      [QOE_KEY_COLUMN[dim]]: group,
      sessions: mine.length,
      startup_p50_ms: quantileCont(startups, 0.5),
      startup_p95_ms: quantileCont(startups, 0.95),
      rebuffer_pct: watchMs + bufferMs > 0 ? (100 * bufferMs) / (watchMs + bufferMs) : 0,
      rebuffers_per_minute: watchMs > 0 ? rebuffers / (watchMs / 60_000) : 0,
      latency_p50_ms: quantileCont(latencies, 0.5),
      latency_p95_ms: quantileCont(latencies, 0.95),
      latency_p99_ms: quantileCont(latencies, 0.99),
      playback_failure_pct: (100 * mine.filter((s) => s.fatal).length) / mine.length,
      ebvs_pct: (100 * mine.filter((s) => s.exitsBeforeStart).length) / mine.length,
      watch_ms: watchMs,
      buffer_ms: bufferMs,
      rebuffers,
    };
  });
}
