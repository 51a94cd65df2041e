/**
 * The ground truth: every number the reports should show, computed from what
 * the simulator planted, by SPEC section 4's definitions, with no SQL.
 *
 * @example
 * const truth = computeTruth({ world, sessions, lines, clickIds, variants });
 * truth.conversion.creator; // [{ creator_id: 'cr-ava', currency: 'USD', viewers: 120, buyers: 31, ... }]
 */
import { AA_EXPERIMENT, SHOW_FORMAT_EXPERIMENT } from './catalog.ts';
import { attribute, DEFAULT_WINDOW_MS, type ClickFact } from './attribution.ts';
import { planOrders, type OrderLine } from './orders.ts';
import { quantileCont } from './quantile.ts';
import type { PlannedSession } from './sessions.ts';
import type { World } from './world.ts';

/** The SDK's heartbeat period the latency samples are expected at (sdk default). */
export const EXPECTED_HEARTBEAT_MS = 10_000;

export type ConversionDimension = 'creator' | 'show' | 'offer' | 'region';
const KEY_COLUMN = { creator: 'creator_id', show: 'show_id', offer: 'offer_id', region: 'region' } as const;

export interface ConversionTruthRow {
  retailer_id: string;
  /** The group key, under its SPEC name (`creator_id`, `show_id`, `offer_id`, `region`). */
  [key: string]: string | number | null;
  currency: string | null;
  viewers: number;
  clickers: number;
  buyers: number;
  orders: number;
  units: number;
  /** Σ quantity × unit_price in this currency, rounded to cents. */
  revenue: number;
  conversion_rate: number;
}

export type QoeDimension = 'region' | 'show' | 'device';
const QOE_KEY_COLUMN = { region: 'region', show: 'show_id', device: 'device' } as const;

export interface QoeTruthRow {
  retailer_id: string;
  /** The group key under its SPEC name: `region`, `show_id` or `device`. */
  [key: string]: string | number | null;
  sessions: number;
  startup_p50_ms: number | null;
  startup_p95_ms: number | null;
  /** 100 × Σ buffer_ms / (Σ watch_ms + Σ buffer_ms). */
  rebuffer_pct: number;
  rebuffers_per_minute: number;
  /** From heartbeats expected every EXPECTED_HEARTBEAT_MS: compare within a tolerance. */
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  latency_p99_ms: number | null;
  /** 100 × sessions with a fatal error / sessions. */
  playback_failure_pct: number;
  watch_ms: number;
  buffer_ms: number;
  rebuffers: number;
}

export interface ExperimentTruth {
  experiment_id: string;
  weights: number[];
  variants: {
    variant: string;
    viewers: number;
    converters: number;
    conversion_rate: number;
    clicks: number;
    /** Σ playing time of the arm's viewers (what their heartbeats carry). */
    watch_ms: number;
    /** Attributed revenue of the arm's viewers per currency, rounded to cents. */
    revenue_by_currency: Record<string, number>;
  }[];
  /** The lift planted on each click's chance to become an order. */
  planted_buy_rate_lift: number;
  /**
   * Relative lift in conversion if every viewer had been in the second arm
   * versus every viewer in the first, from the same planted draws (the
   * finite-population estimand the experiment's interval should cover).
   */
  true_relative_lift: number;
}

export interface GroundTruth {
  seed: number;
  window_ms: number;
  totals: { viewers: number; sessions: number; clicks: number; order_lines: number; attributed_lines: number; revenue_by_currency: Record<string, number> };
  conversion: Record<ConversionDimension, ConversionTruthRow[]>;
  qoe: Record<QoeDimension, QoeTruthRow[]>;
  experiments: Record<string, ExperimentTruth>;
}

export interface TruthInputs {
  world: World;
  sessions: readonly PlannedSession[];
  lines: readonly OrderLine[];
  /** click key → the `click_id` the SDK made. */
  clickIds: ReadonlyMap<string, string>;
  /** experiment id → viewer id → variant the SDK assigned. */
  variants: ReadonlyMap<string, ReadonlyMap<string, string>>;
  windowMs?: number;
}

const cents = (c: number): number => Math.round(c) / 100;

export function clickFacts(sessions: readonly PlannedSession[], clickIds: ReadonlyMap<string, string>): ClickFact[] {
  const out: ClickFact[] = [];
  for (const s of sessions) {
    for (const c of s.clicks) {
      const clickId = clickIds.get(c.clickKey);
      if (clickId === undefined) continue;
      out.push({
        clickId,
        retailerId: s.retailerId,
        viewerId: s.viewerId,
        ...(s.userId !== undefined ? { userId: s.userId } : {}),
        productId: c.productId,
        offerId: c.offerId,
        showId: s.showId,
        creatorId: s.creatorId,
        region: s.region,
        atMs: c.atMs,
      });
    }
  }
  return out;
}

function conversionRows(
  dim: ConversionDimension,
  sessions: readonly PlannedSession[],
  clicks: readonly ClickFact[],
  attributed: ReadonlyMap<OrderLine, ClickFact>,
): ConversionTruthRow[] {
  // Groups are per retailer, as the reports group them (a region is shared by retailers; the rest belong to one).
  const groupOf = (x: { creatorId: string; showId: string; region: string }, offerId: string): string =>
    (dim === 'creator' ? x.creatorId : dim === 'show' ? x.showId : dim === 'offer' ? offerId : x.region);
  const keyOfClick = (c: ClickFact): string => `${c.retailerId}\u0000${groupOf(c, c.offerId)}`;
  const keyOfSession = (s: PlannedSession, offerId = ''): string => `${s.retailerId}\u0000${groupOf(s, offerId)}`;
  const viewers = new Map<string, Set<string>>();
  const add = (k: string, v: string): void => {
    const set = viewers.get(k) ?? new Set<string>();
    set.add(v);
    viewers.set(k, set);
  };
  for (const s of sessions) {
    if (dim === 'offer') for (const cue of s.cues) add(keyOfSession(s, cue.offerId), s.viewerId);
    else add(keyOfSession(s), s.viewerId);
  }
  for (const c of clicks) add(keyOfClick(c), c.viewerId);
  const clickers = new Map<string, Set<string>>();
  for (const c of clicks) clickers.set(keyOfClick(c), (clickers.get(keyOfClick(c)) ?? new Set()).add(c.viewerId));
  type Acc = { buyers: Set<string>; orders: Set<string>; units: number; revenueCents: number };
  const byCurrency = new Map<string, Map<string, Acc>>();
  for (const [line, c] of attributed) {
    const k = keyOfClick(c);
    const m = byCurrency.get(k) ?? new Map<string, Acc>();
    const acc = m.get(line.currency) ?? { buyers: new Set(), orders: new Set(), units: 0, revenueCents: 0 };
    acc.buyers.add(c.viewerId);
    acc.orders.add(`${line.retailerId}\u0000${line.orderId}`);
    acc.units += line.quantity;
    acc.revenueCents += line.quantity * line.unitPriceCents;
    m.set(line.currency, acc);
    byCurrency.set(k, m);
  }
  const rows: ConversionTruthRow[] = [];
  for (const [k, vs] of [...viewers].sort(([a], [b]) => a.localeCompare(b))) {
    const [retailerId, group] = k.split('\u0000') as [string, string];
    const base = { retailer_id: retailerId, [KEY_COLUMN[dim]]: group, viewers: vs.size, clickers: clickers.get(k)?.size ?? 0 };
    const currencies = [...(byCurrency.get(k) ?? new Map<string, Acc>())].sort(([a], [b]) => a.localeCompare(b));
    if (currencies.length === 0) {
      rows.push({ ...base, currency: null, viewers: vs.size, clickers: base.clickers, buyers: 0, orders: 0, units: 0, revenue: 0, conversion_rate: 0 });
    }
    for (const [currency, a] of currencies) {
      rows.push({
        ...base,
        currency,
        viewers: vs.size,
        clickers: base.clickers,
        buyers: a.buyers.size,
        orders: a.orders.size,
        units: a.units,
        revenue: cents(a.revenueCents),
        conversion_rate: a.buyers.size / vs.size,
      });
    }
  }
  return rows;
}

/** Heartbeat moments expected for a session: every EXPECTED_HEARTBEAT_MS after play intent, and one at the end. */
function expectedHeartbeats(s: PlannedSession): number {
  const firstFrame = s.joinMs + s.startupMs;
  let n = 1;
  for (let t = s.joinMs + EXPECTED_HEARTBEAT_MS; t < s.leaveMs; t += EXPECTED_HEARTBEAT_MS) if (t > firstFrame) n++;
  return n;
}

function qoeRows(dim: QoeDimension, sessions: readonly PlannedSession[]): QoeTruthRow[] {
  const groupOf = (s: PlannedSession): string => (dim === 'region' ? s.region : dim === 'show' ? s.showId : s.device);
  const groups = [...new Set(sessions.map((s) => `${s.retailerId}\u0000${groupOf(s)}`))].sort();
  return groups.map((g) => {
    const [retailerId, group] = g.split('\u0000') as [string, string];
    const mine = sessions.filter((s) => groupOf(s) === group && s.retailerId === retailerId);
    const playing = mine.filter((s) => !s.fatal);
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
      watch_ms: watchMs,
      buffer_ms: bufferMs,
      rebuffers,
    };
  });
}

/** Playing time of a session: first frame to the end, less its rebuffers (0 for a failed start). */
function watchMsOf(s: PlannedSession): number {
  if (s.fatal) return 0;
  return s.leaveMs - (s.joinMs + s.startupMs) - s.rebuffers.reduce((t, r) => t + r.durationMs, 0);
}

function converters(attributed: ReadonlyMap<OrderLine, ClickFact>): Set<string> {
  return new Set([...attributed.values()].map((c) => c.viewerId));
}

function experimentTruth(
  id: string,
  variants: readonly string[],
  weights: readonly number[],
  assigned: ReadonlyMap<string, string>,
  sessions: readonly PlannedSession[],
  converted: Set<string>,
  revenueCents: ReadonlyMap<string, ReadonlyMap<string, number>>,
  plantedLift: number,
  trueLift: number,
): ExperimentTruth {
  const clicksByViewer = new Map<string, number>();
  const watchByViewer = new Map<string, number>();
  for (const s of sessions) {
    clicksByViewer.set(s.viewerId, (clicksByViewer.get(s.viewerId) ?? 0) + s.clicks.length);
    watchByViewer.set(s.viewerId, (watchByViewer.get(s.viewerId) ?? 0) + watchMsOf(s));
  }
  return {
    experiment_id: id,
    weights: [...weights],
    variants: variants.map((variant) => {
      const vs = [...assigned].filter(([, v]) => v === variant).map(([viewer]) => viewer);
      const conv = vs.filter((v) => converted.has(v)).length;
      const revenue: Record<string, number> = {};
      for (const v of vs) for (const [currency, c] of revenueCents.get(v) ?? []) revenue[currency] = (revenue[currency] ?? 0) + c;
      return {
        variant,
        viewers: vs.length,
        converters: conv,
        conversion_rate: vs.length ? conv / vs.length : 0,
        clicks: vs.reduce((t, v) => t + (clicksByViewer.get(v) ?? 0), 0),
        watch_ms: vs.reduce((t, v) => t + (watchByViewer.get(v) ?? 0), 0),
        revenue_by_currency: Object.fromEntries(Object.entries(revenue).sort().map(([c, v]) => [c, cents(v)])),
      };
    }),
    planted_buy_rate_lift: plantedLift,
    true_relative_lift: trueLift,
  };
}

/** Computes every expected report number from the planted world and what the SDK assigned. */
export function computeTruth(inputs: TruthInputs): GroundTruth {
  const windowMs = inputs.windowMs ?? DEFAULT_WINDOW_MS;
  const clicks = clickFacts(inputs.sessions, inputs.clickIds);
  const attributed = attribute(clicks, inputs.lines, windowMs);
  const revenueByCurrency: Record<string, number> = {};
  for (const line of attributed.keys()) revenueByCurrency[line.currency] = (revenueByCurrency[line.currency] ?? 0) + line.quantity * line.unitPriceCents;
  // Potential outcomes: the same draws with every viewer in one arm, then in the other.
  const clickIdOf = (k: string): string | undefined => inputs.clickIds.get(k);
  const convertedIfAll = (variant: string): number => {
    const lines = planOrders(inputs.world, inputs.sessions, { variantOf: () => variant, clickIdOf });
    return converters(attribute(clicks, lines, windowMs)).size;
  };
  const [control, treatment] = SHOW_FORMAT_EXPERIMENT.variants;
  const trueLift = convertedIfAll(treatment) / convertedIfAll(control) - 1;
  const converted = converters(attributed);
  const revenueCents = new Map<string, Map<string, number>>();
  for (const [line, c] of attributed) {
    const m = revenueCents.get(c.viewerId) ?? new Map<string, number>();
    m.set(line.currency, (m.get(line.currency) ?? 0) + line.quantity * line.unitPriceCents);
    revenueCents.set(c.viewerId, m);
  }
  const none = new Map<string, string>();
  return {
    seed: inputs.world.options.seed,
    window_ms: windowMs,
    totals: {
      viewers: new Set(inputs.sessions.map((s) => s.viewerId)).size,
      sessions: inputs.sessions.length,
      clicks: clicks.length,
      order_lines: inputs.lines.length,
      attributed_lines: attributed.size,
      revenue_by_currency: Object.fromEntries(Object.entries(revenueByCurrency).map(([c, v]) => [c, cents(v)])),
    },
    conversion: {
      creator: conversionRows('creator', inputs.sessions, clicks, attributed),
      show: conversionRows('show', inputs.sessions, clicks, attributed),
      offer: conversionRows('offer', inputs.sessions, clicks, attributed),
      region: conversionRows('region', inputs.sessions, clicks, attributed),
    },
    qoe: { region: qoeRows('region', inputs.sessions), show: qoeRows('show', inputs.sessions), device: qoeRows('device', inputs.sessions) },
    experiments: {
      [SHOW_FORMAT_EXPERIMENT.id]: experimentTruth(
        SHOW_FORMAT_EXPERIMENT.id, SHOW_FORMAT_EXPERIMENT.variants, SHOW_FORMAT_EXPERIMENT.weights,
        inputs.variants.get(SHOW_FORMAT_EXPERIMENT.id) ?? none, inputs.sessions, converted, revenueCents, SHOW_FORMAT_EXPERIMENT.buyRateLift, trueLift,
      ),
      [AA_EXPERIMENT.id]: experimentTruth(
        AA_EXPERIMENT.id, AA_EXPERIMENT.variants, AA_EXPERIMENT.weights,
        inputs.variants.get(AA_EXPERIMENT.id) ?? none, inputs.sessions, converted, revenueCents, 0, 0,
      ),
    },
  };
}
