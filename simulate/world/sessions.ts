/**
 * What each viewer does in each show they watch: when they join and leave,
 * how long startup takes, when they rebuffer, their live latency, chat, the
 * product cards their player receives, and which cards they click. Purchase
 * draws are planted here too; whether a draw becomes an order depends on the
 * viewer's experiment variant, which the real SDK decides (see `orders.ts`).
 *
 * @example
 * const sessions = planSessions(world); // every playback session, in time order
 */
import { createRandom, type Random } from './random.ts';
import { DEVICES, offerFormatSpec } from './catalog.ts';
import { priceInCents, regionSpec, retailerSpec, type Cue, type Offer, type Show, type Viewer, type World } from './world.ts';

/** Chance that a viewer leaves and rejoins the same show (a second session). */
export const REJOIN_RATE = 0.12;
/** Chance that a viewer chats at all; chatty viewers send this many messages per minute. */
export const CHATTY_RATE = 0.4;
export const CHAT_MESSAGES_PER_MINUTE = 0.4;
/** No rebuffer starts within this distance of a cue or of the session's end, so events keep a clear order. */
export const REBUFFER_CLEARANCE_MS = 3_000;
/** A click comes at least this long after the card reached the viewer. */
export const MIN_CLICK_DELAY_MS = 4_000;
/** Share of purchases placed after the 24 h attribution window. */
export const LATE_ORDER_RATE = 0.06;
/** Late orders come this long after the click, plus up to LATE_ORDER_SPREAD_MS. */
export const LATE_ORDER_DELAY_MS = 25 * 3_600_000;
export const LATE_ORDER_SPREAD_MS = 4 * 3_600_000;
/** In-window orders come at least this long after the click (and at most MAX_ORDER_DELAY_MS). */
export const MIN_ORDER_DELAY_MS = 60_000;
export const MAX_ORDER_DELAY_MS = 6 * 3_600_000;
/** Share of logged-in buyers whose checkout lost the click id (attributed by user and product). */
export const USER_ONLY_ORDER_RATE = 0.25;
/**
 * Mean of a viewer's patience for the first frame (exponential): a viewer whose
 * patience runs out before startup completes leaves first (an exit before video
 * start), so exits are more frequent where startup is slow: about 1 − e^(−startup/mean),
 * 3% at 1 s, 8% at 2.6 s.
 */
export const MEAN_STARTUP_PATIENCE_MS = 30_000;
/** An exit before video start comes at least this long after play intent. */
export const MIN_EXIT_BEFORE_START_MS = 100;

export interface PlannedRebuffer {
  atMs: number;
  durationMs: number;
}

/** A second product added to the same order. */
export interface ExtraLine {
  productId: string;
  priceCents: number;
  quantity: number;
}

export interface PlannedClick {
  /** Stable key of this click in the plan; the SDK makes the real `click_id`. */
  clickKey: string;
  atMs: number;
  offerId: string;
  productId: string;
  priceCents: number;
  currency: string;
  /** Uniform draw: an order follows when it is below the click's buy chance. */
  buyDraw: number;
  /** Buy chance before any experiment effect. */
  baseBuyRate: number;
  quantity: number;
  /** From the click to the order. */
  orderDelayMs: number;
  late: boolean;
  /** The order carries only user_id (the viewer must be logged in). */
  userOnly: boolean;
  extraLine?: ExtraLine;
}

export interface PlannedSession {
  sessionKey: string;
  viewerId: string;
  showId: string;
  creatorId: string;
  retailerId: string;
  region: string;
  device: Viewer['device'];
  userAgent: string;
  /** The device clock's error (see Viewer.clockOffsetMs). */
  clockOffsetMs: number;
  userId?: string;
  /** Play intent. */
  joinMs: number;
  /** Session end: the viewer leaves, the show ends, or playback fails. */
  leaveMs: number;
  /** True when the show's end (ENDED), not the viewer, closed the session. */
  endedByShow: boolean;
  /** The session fails with a fatal error instead of reaching the first frame. */
  fatal: boolean;
  /** The viewer leaves before the first frame (no startup, no fatal error): an exit before video start. */
  exitsBeforeStart: boolean;
  /** Play intent to first frame (when not fatal). */
  startupMs: number;
  /** Live latency the player reports throughout the session. */
  latencyMs: number;
  rebuffers: PlannedRebuffer[];
  chats: { atMs: number; length: number }[];
  /** Cues the player delivers while this session plays. */
  cues: Cue[];
  clicks: PlannedClick[];
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function planRebuffers(s: PlannedSession, rng: Random): PlannedRebuffer[] {
  const region = regionSpec(s.region);
  const out: PlannedRebuffer[] = [];
  const meanGapMs = 60_000 / region.rebuffersPerMinute;
  let t = s.joinMs + s.startupMs + rng.exponential(meanGapMs);
  while (t < s.leaveMs) {
    const at = Math.round(t);
    const durationMs = Math.round(clamp(rng.logNormal(region.rebufferMedianMs, 0.5), 200, 20_000));
    const end = at + durationMs;
    const nearCue = s.cues.some((c) => c.atMs > at - REBUFFER_CLEARANCE_MS && c.atMs < end + REBUFFER_CLEARANCE_MS);
    if (end + REBUFFER_CLEARANCE_MS < s.leaveMs && !nearCue) out.push({ atMs: at, durationMs });
    t = end + rng.exponential(meanGapMs);
  }
  return out;
}

function planClicks(s: PlannedSession, offers: Map<string, Offer>, viewer: Viewer, rng: Random): PlannedClick[] {
  const r = retailerSpec(s.retailerId);
  const creator = r.creators.find((c) => c.id === s.creatorId)!;
  const seen = new Map<string, Cue>();
  for (const c of s.cues) if (!seen.has(c.offerId)) seen.set(c.offerId, c);
  const clicks: PlannedClick[] = [];
  for (const cue of seen.values()) {
    const offer = offers.get(cue.offerId)!;
    const fmt = offerFormatSpec(offer.format);
    const latest = Math.min(cue.untilMs, s.leaveMs - 2_000);
    const clicked = rng.chance(Math.min(0.9, fmt.clickRate * creator.salesMultiplier));
    if (!clicked || latest - cue.atMs < 2 * MIN_CLICK_DELAY_MS) continue;
    const atMs = cue.atMs + rng.int(MIN_CLICK_DELAY_MS, latest - cue.atMs);
    const late = rng.chance(LATE_ORDER_RATE);
    const others = r.products.filter((p) => p.id !== offer.productId);
    const extra = rng.chance(fmt.extraLineRate) ? rng.pick(others) : undefined;
    clicks.push({
      clickKey: `${s.sessionKey}/${offer.offerId}`,
      atMs,
      offerId: offer.offerId,
      productId: offer.productId,
      priceCents: offer.priceCents,
      currency: offer.currency,
      buyDraw: rng.next(),
      baseBuyRate: Math.min(0.6, fmt.buyRate * creator.salesMultiplier),
      quantity: rng.int(fmt.quantity[0], fmt.quantity[1]),
      orderDelayMs: late
        ? LATE_ORDER_DELAY_MS + rng.int(0, LATE_ORDER_SPREAD_MS)
        : Math.round(clamp(MIN_ORDER_DELAY_MS + rng.exponential(20 * 60_000), MIN_ORDER_DELAY_MS, MAX_ORDER_DELAY_MS)),
      late,
      userOnly: viewer.userId !== undefined && rng.chance(USER_ONLY_ORDER_RATE),
      ...(extra
        ? { extraLine: { productId: extra.id, priceCents: priceInCents(extra.price, offer.currency), quantity: 1 } }
        : {}),
    });
  }
  return clicks.sort((a, b) => a.atMs - b.atMs);
}

/**
 * When the viewer's patience (drawn from its own stream, so every other draw
 * of the plan stays as it was) runs out before the first frame: the moment
 * they leave, else undefined.
 */
function exitBeforeStart(sessionKey: string, seed: number, startupMs: number): number | undefined {
  const patienceMs = createRandom(seed).fork(`patience:${sessionKey}`).exponential(MEAN_STARTUP_PATIENCE_MS);
  return patienceMs < startupMs ? Math.max(MIN_EXIT_BEFORE_START_MS, Math.min(Math.round(patienceMs), startupMs - MIN_EXIT_BEFORE_START_MS)) : undefined;
}

function planOne(viewer: Viewer, show: Show, joinMs: number, n: number, offers: Map<string, Offer>, rng: Random, seed: number): PlannedSession {
  const region = regionSpec(viewer.region);
  const device = DEVICES.find((d) => d.device === viewer.device)!;
  const startupMs = Math.round(clamp(rng.logNormal(region.startupMedianMs * device.startupFactor, region.startupSigma), 150, 30_000));
  const fatal = rng.chance(region.fatalRate);
  const stayMs = Math.max(60_000, rng.exponential(14 * 60_000));
  const wantLeave = Math.round(joinMs + stayMs);
  const leaveMs = fatal ? joinMs + startupMs : Math.min(wantLeave, show.endMs);
  const s: PlannedSession = {
    sessionKey: `${viewer.viewerId}/${show.showId}/${n}`,
    viewerId: viewer.viewerId,
    showId: show.showId,
    creatorId: show.creatorId,
    retailerId: show.retailerId,
    region: viewer.region,
    device: viewer.device,
    userAgent: viewer.userAgent,
    clockOffsetMs: viewer.clockOffsetMs,
    ...(viewer.userId !== undefined ? { userId: viewer.userId } : {}),
    joinMs,
    leaveMs,
    endedByShow: !fatal && wantLeave >= show.endMs,
    fatal,
    exitsBeforeStart: false,
    startupMs,
    latencyMs: Math.round(clamp(rng.logNormal(region.latencyMedianMs, region.latencySigma), 800, 30_000)),
    rebuffers: [],
    chats: [],
    cues: [],
    clicks: [],
  };
  if (fatal) return s;
  const firstFrame = joinMs + startupMs;
  // A cue reaches the player only while it plays; the last 2 s are left clear for the end of the session.
  s.cues = show.cues.filter((c) => c.atMs >= firstFrame + 1_000 && c.atMs < leaveMs - 2_000);
  s.rebuffers = planRebuffers(s, rng);
  if (rng.chance(CHATTY_RATE)) {
    const count = Math.round(((leaveMs - firstFrame) / 60_000) * CHAT_MESSAGES_PER_MINUTE * (0.5 + rng.next()));
    for (let i = 0; i < count; i++) s.chats.push({ atMs: rng.int(firstFrame, leaveMs - 1_000), length: rng.int(1, 140) });
    s.chats.sort((a, b) => a.atMs - b.atMs);
  }
  s.clicks = planClicks(s, offers, viewer, rng);
  const exitAfterMs = exitBeforeStart(s.sessionKey, seed, startupMs);
  if (exitAfterMs !== undefined && joinMs + exitAfterMs < show.endMs) {
    // The plan above was drawn all the same, so the draws of later sessions do not move.
    return { ...s, exitsBeforeStart: true, leaveMs: joinMs + exitAfterMs, endedByShow: false, cues: [], rebuffers: [], chats: [], clicks: [] };
  }
  return s;
}

/** Plans every playback session of every viewer, ordered by join time. */
export function planSessions(world: World): PlannedSession[] {
  const shows = new Map(world.shows.map((s) => [s.showId, s]));
  const offers = new Map(world.offers.map((o) => [o.offerId, o]));
  const sessions: PlannedSession[] = [];
  for (const viewer of world.viewers) {
    const rng = createRandom(world.options.seed).fork(`sessions:${viewer.viewerId}`);
    for (const showId of viewer.showIds) {
      const show = shows.get(showId)!;
      const lengthMs = show.endMs - show.startMs;
      const joinMs = Math.round(show.startMs + Math.min(rng.exponential(5 * 60_000), lengthMs - 120_000));
      const first = planOne(viewer, show, joinMs, 1, offers, rng, world.options.seed);
      sessions.push(first);
      if (!first.endedByShow && rng.chance(REJOIN_RATE)) {
        const again = first.leaveMs + rng.int(30_000, 300_000);
        if (again < show.endMs - 120_000) sessions.push(planOne(viewer, show, again, 2, offers, rng, world.options.seed));
      }
    }
  }
  return sessions.sort((a, b) => a.joinMs - b.joinMs || a.sessionKey.localeCompare(b.sessionKey));
}
