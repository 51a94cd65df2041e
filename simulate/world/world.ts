/**
 * The planted world: who the retailers, creators and offers are, which shows
 * run when, and who watches them. Everything is drawn from one seed, so the
 * same options always give the same world. Session-level behaviour lives in
 * `sessions.ts`; orders in `orders.ts`.
 *
 * @example
 * const world = generateWorld({ seed: 7, shows: 6, viewers: 800, hours: 8, startMs: Date.UTC(2026, 0, 1) });
 * world.shows[0]; // { showId: 'show-01', retailerId: 'northwind', creatorId: 'cr-ava', cues: [...], ... }
 */
import { createRandom, type Random } from './random.ts';
import {
  DEVICES,
  OFFER_FORMATS,
  REGIONS,
  TEASER_FORMAT,
  RETAILERS,
  type DeviceSpec,
  type OfferFormat,
  type RegionSpec,
  type RetailerSpec,
} from './catalog.ts';

/** How long a product card stays on screen during a show. */
export const CARD_VISIBLE_MS = 120_000;
/** The show re-sends a visible card's cue this often, so viewers who join mid-card see it. */
export const CARD_RECUE_MS = 30_000;
/** Show length bounds (ms). */
export const MIN_SHOW_MS = 25 * 60_000;
export const MAX_SHOW_MS = 40 * 60_000;
/** Share of viewers who are logged in (their events carry `user_id`). */
export const LOGGED_IN_RATE = 0.6;
/** Chance that a viewer also watches a show of the same retailer by another creator. */
export const CROSS_SHOW_RATE = 0.1;
/** Share of devices whose clock is wrong, and the largest error (either way): the collector's skew correction must undo it. */
export const SKEWED_CLOCK_RATE = 0.15;
export const MAX_CLOCK_SKEW_MS = 3 * 3_600_000;

/** Exchange rates from a retailer's home currency, used to price offers in a second currency. */
const FX_FROM_HOME: Readonly<Record<string, number>> = { USD: 1, CAD: 1.37, EUR: 1, GBP: 0.86 };

/** A home-currency list price in integer cents of `currency`: `priceInCents(10, 'CAD')` is 1370. */
export function priceInCents(listPrice: number, currency: string): number {
  return Math.round(listPrice * (FX_FROM_HOME[currency] ?? 1) * 100);
}

export interface WorldOptions {
  seed: number;
  /** Number of shows (at least 2: one per retailer). */
  shows: number;
  /** Distinct viewers in the whole world. */
  viewers: number;
  /** Shows start within this many hours from `startMs`. */
  hours: number;
  /** Epoch ms of the world's first moment. */
  startMs: number;
}

export interface Offer {
  offerId: string;
  retailerId: string;
  productId: string;
  format: OfferFormat;
  /** Unit price in integer cents (minor units) of `currency`. */
  priceCents: number;
  currency: string;
}

/** One timed-metadata cue the show sends: a product card. */
export interface Cue {
  atMs: number;
  offerId: string;
  productId: string;
  /** When the card disappears. */
  untilMs: number;
}

export interface Show {
  showId: string;
  retailerId: string;
  creatorId: string;
  startMs: number;
  endMs: number;
  /** Every cue sent, re-sends included, in time order. */
  cues: Cue[];
}

export interface Viewer {
  viewerId: string;
  retailerId: string;
  region: string;
  device: DeviceSpec['device'];
  userAgent: string;
  /** How far the device's clock is ahead of the true time (negative: behind). */
  clockOffsetMs: number;
  /** The logged-in customer id, when logged in. */
  userId?: string;
  /** Shows this viewer watches, in time order. */
  showIds: string[];
}

export interface World {
  options: WorldOptions;
  offers: Offer[];
  shows: Show[];
  viewers: Viewer[];
}

export function retailerSpec(id: string): RetailerSpec {
  const r = RETAILERS.find((x) => x.id === id);
  if (!r) throw new Error(`unknown retailer "${id}"; known: ${RETAILERS.map((x) => x.id).join(', ')}`);
  return r;
}

export function regionSpec(code: string): RegionSpec {
  const r = REGIONS.find((x) => x.code === code);
  if (!r) throw new Error(`unknown region "${code}"; known: ${REGIONS.map((x) => x.code).join(', ')}`);
  return r;
}

/** Rejects sizes the simulator cannot honour, naming what is allowed. */
export function checkWorldOptions(o: WorldOptions): void {
  const whole = (name: string, v: number, min: number): void => {
    if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer of at least ${min}; got ${v}`);
  };
  whole('shows', o.shows, RETAILERS.length);
  whole('viewers', o.viewers, 1);
  whole('seed', o.seed, 0);
  if (!(o.hours > 0)) throw new Error(`hours must be more than 0; got ${o.hours}`);
}

/** Fisher-Yates shuffle of a copy. */
function shuffled<T>(items: readonly T[], rng: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function makeOffers(rng: Random): Offer[] {
  const offers: Offer[] = [];
  for (const r of RETAILERS) {
    for (const p of r.products) {
      // Each product gets one or two offers, of different formats; some priced in the second currency.
      const formats = shuffled(OFFER_FORMATS, rng).slice(0, rng.int(1, 2));
      for (const f of formats) {
        const currency = rng.chance(0.3) ? r.currencies[1]! : r.currencies[0]!;
        const priceCents = priceInCents(p.price * f.priceFactor, currency);
        offers.push({
          offerId: `${p.id}-${f.format.replace('_', '-')}-${currency.toLowerCase()}`,
          retailerId: r.id,
          productId: p.id,
          format: f.format,
          priceCents,
          currency,
        });
      }
    }
    const home = r.currencies[0]!;
    offers.push({ offerId: `${r.id}-next-drop-teaser`, retailerId: r.id, productId: `${r.id}-next-drop`, format: TEASER_FORMAT.format, priceCents: priceInCents(99, home), currency: home });
  }
  return offers;
}

function makeShows(o: WorldOptions, offers: Offer[], rng: Random): Show[] {
  const shows: Show[] = [];
  const spacingMs = (o.hours * 3_600_000) / o.shows;
  for (let i = 0; i < o.shows; i++) {
    const r = RETAILERS[i % RETAILERS.length]!;
    // The retailer's star (its first creator) hosts every other show, the others take turns in between,
    // so stars build a returning audience, as in live commerce.
    const k = Math.floor(i / RETAILERS.length);
    const creator = k % 2 === 0 || r.creators.length === 1 ? r.creators[0]! : r.creators[1 + (((k - 1) / 2) % (r.creators.length - 1))]!;
    const startMs = Math.round(o.startMs + i * spacingMs + rng.next() * Math.min(spacingMs / 2, 600_000));
    const endMs = startMs + rng.int(MIN_SHOW_MS, MAX_SHOW_MS);
    const sellable = offers.filter((x) => x.retailerId === r.id && x.format !== TEASER_FORMAT.format);
    const mine = shuffled(sellable, rng).slice(0, rng.int(3, 4));
    // The retailer's first show also teases the next drop (an offer nobody can buy yet).
    if (i < RETAILERS.length) mine.push(offers.find((x) => x.retailerId === r.id && x.format === TEASER_FORMAT.format)!);
    const cues: Cue[] = [];
    // Cards go up one after another from minute 3, each visible CARD_VISIBLE_MS, re-cued every CARD_RECUE_MS.
    const gapMs = Math.floor((endMs - startMs - 180_000 - CARD_VISIBLE_MS) / mine.length);
    mine.forEach((offer, k) => {
      const first = startMs + 180_000 + k * gapMs + rng.int(0, 60_000);
      const untilMs = first + CARD_VISIBLE_MS;
      for (let t = first; t < untilMs; t += CARD_RECUE_MS) cues.push({ atMs: t, offerId: offer.offerId, productId: offer.productId, untilMs });
    });
    shows.push({ showId: `show-${String(i + 1).padStart(2, '0')}`, retailerId: r.id, creatorId: creator.id, startMs, endMs, cues });
  }
  return shows;
}

function makeViewers(o: WorldOptions, shows: Show[], rng: Random): Viewer[] {
  const viewers: Viewer[] = [];
  for (let i = 0; i < o.viewers; i++) {
    const first = rng.pick(shows);
    const r = retailerSpec(first.retailerId);
    const region = rng.weighted(Object.keys(r.regionWeights), (c) => r.regionWeights[c]!);
    const device = rng.weighted(DEVICES, (d) => d.weight);
    const ownShows = shows.filter((s) => s.retailerId === r.id && s.showId !== first.showId);
    const returnRate = r.creators.find((c) => c.id === first.creatorId)!.returnRate;
    const showIds = [first.showId];
    for (const s of ownShows) {
      if (rng.chance(s.creatorId === first.creatorId ? returnRate : CROSS_SHOW_RATE)) showIds.push(s.showId);
    }
    const order = new Map(shows.map((s, k) => [s.showId, k]));
    showIds.sort((a, b) => order.get(a)! - order.get(b)!);
    const viewerId = `v-${o.seed}-${String(i + 1).padStart(5, '0')}`;
    viewers.push({
      viewerId,
      retailerId: r.id,
      region,
      device: device.device,
      userAgent: device.userAgent,
      clockOffsetMs: rng.chance(SKEWED_CLOCK_RATE) ? Math.round((rng.next() * 2 - 1) * MAX_CLOCK_SKEW_MS) : 0,
      ...(rng.chance(LOGGED_IN_RATE) ? { userId: `u-${r.id}-${String(i + 1).padStart(5, '0')}` } : {}),
      showIds,
    });
  }
  return viewers;
}

/** Draws the whole world for a seed; the same options give the same world. */
export function generateWorld(options: WorldOptions): World {
  checkWorldOptions(options);
  const rng = createRandom(options.seed);
  const offers = makeOffers(rng.fork('offers'));
  const shows = makeShows(options, offers, rng.fork('shows'));
  const viewers = makeViewers(options, shows, rng.fork('viewers'));
  return { options, offers, shows, viewers };
}
