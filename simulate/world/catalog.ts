/**
 * The fixed cast of the simulated live-commerce world: retailers, their
 * creators and products, offer formats, viewer regions and device classes.
 * The numbers are the "planted" behaviour; `world.ts` draws from them.
 */

/** One tenant: a retailer with its own write key, creators and products. */
export interface RetailerSpec {
  id: string;
  /** Currencies its offers are priced in (the first is the home currency). */
  currencies: readonly string[];
  creators: readonly CreatorSpec[];
  products: readonly ProductSpec[];
  /** Relative share of viewers from each region. */
  regionWeights: Readonly<Record<string, number>>;
}

export interface CreatorSpec {
  id: string;
  /** Multiplies every viewer's chance to click and to buy in this creator's shows. */
  salesMultiplier: number;
  /** Chance that a viewer of one show of this creator also watches another. */
  returnRate: number;
}

export interface ProductSpec {
  id: string;
  /** List price in the retailer's home currency. */
  price: number;
}

export type OfferFormat = 'flash_sale' | 'bundle' | 'limited_drop' | 'standard' | 'teaser';

export interface OfferFormatSpec {
  format: OfferFormat;
  /** Price relative to the product's list price. */
  priceFactor: number;
  /** Chance that a viewer who sees the card clicks it. */
  clickRate: number;
  /** Chance that a click becomes an order. */
  buyRate: number;
  /** Units per order line: uniform in [min, max]. */
  quantity: readonly [number, number];
  /** Extra order lines (other products) added to the same order. */
  extraLineRate: number;
}

export interface RegionSpec {
  /** ISO country code, as the CDN header carries it. */
  code: string;
  /** Startup time median (ms) and log-space spread. */
  startupMedianMs: number;
  startupSigma: number;
  /** Live latency median (ms) and log-space spread, per session. */
  latencyMedianMs: number;
  latencySigma: number;
  /** Mean rebuffers per minute of playing, and median rebuffer length (ms). */
  rebuffersPerMinute: number;
  rebufferMedianMs: number;
  /** Chance that a session fails fatally before the first frame. */
  fatalRate: number;
}

export interface DeviceSpec {
  device: 'desktop' | 'mobile' | 'tablet';
  /** A user agent that bowser classifies as this device class. */
  userAgent: string;
  weight: number;
  /** Startup time multiplier (slower radios and CPUs). */
  startupFactor: number;
}

export const OFFER_FORMATS: readonly OfferFormatSpec[] = [
  { format: 'flash_sale', priceFactor: 0.7, clickRate: 0.3, buyRate: 0.45, quantity: [1, 2], extraLineRate: 0.05 },
  { format: 'bundle', priceFactor: 1.6, clickRate: 0.18, buyRate: 0.35, quantity: [1, 1], extraLineRate: 0.3 },
  { format: 'limited_drop', priceFactor: 1.2, clickRate: 0.25, buyRate: 0.4, quantity: [1, 1], extraLineRate: 0 },
  { format: 'standard', priceFactor: 1, clickRate: 0.12, buyRate: 0.3, quantity: [1, 3], extraLineRate: 0.1 },
];

/**
 * A product teased before its release: the card is shown and clicked but
 * nothing can be bought yet. Every retailer's first show carries one, so
 * the reports always have a group without sales (one row, currency null).
 */
export const TEASER_FORMAT: OfferFormatSpec = { format: 'teaser', priceFactor: 1, clickRate: 0.15, buyRate: 0, quantity: [1, 1], extraLineRate: 0 };

/** The spec of a format, the teaser included. */
export function offerFormatSpec(format: OfferFormat): OfferFormatSpec {
  const spec = [...OFFER_FORMATS, TEASER_FORMAT].find((f) => f.format === format);
  if (!spec) throw new Error(`unknown offer format "${format}"`);
  return spec;
}

export const REGIONS: readonly RegionSpec[] = [
  { code: 'US', startupMedianMs: 900, startupSigma: 0.35, latencyMedianMs: 2600, latencySigma: 0.25, rebuffersPerMinute: 0.05, rebufferMedianMs: 900, fatalRate: 0.01 },
  { code: 'DE', startupMedianMs: 1000, startupSigma: 0.35, latencyMedianMs: 3200, latencySigma: 0.25, rebuffersPerMinute: 0.06, rebufferMedianMs: 1000, fatalRate: 0.01 },
  { code: 'GB', startupMedianMs: 1100, startupSigma: 0.4, latencyMedianMs: 3000, latencySigma: 0.3, rebuffersPerMinute: 0.08, rebufferMedianMs: 1100, fatalRate: 0.015 },
  { code: 'BR', startupMedianMs: 1900, startupSigma: 0.5, latencyMedianMs: 5200, latencySigma: 0.35, rebuffersPerMinute: 0.35, rebufferMedianMs: 2200, fatalRate: 0.04 },
  { code: 'IN', startupMedianMs: 2600, startupSigma: 0.55, latencyMedianMs: 7500, latencySigma: 0.4, rebuffersPerMinute: 0.6, rebufferMedianMs: 3000, fatalRate: 0.06 },
];

export const DEVICES: readonly DeviceSpec[] = [
  {
    device: 'desktop',
    weight: 0.4,
    startupFactor: 1,
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  },
  {
    device: 'mobile',
    weight: 0.5,
    startupFactor: 1.3,
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  },
  {
    device: 'tablet',
    weight: 0.1,
    startupFactor: 1.15,
    userAgent: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  },
];

export const RETAILERS: readonly RetailerSpec[] = [
  {
    id: 'northwind',
    currencies: ['USD', 'CAD'],
    creators: [
      { id: 'cr-ava', salesMultiplier: 1.5, returnRate: 0.45 },
      { id: 'cr-ben', salesMultiplier: 1, returnRate: 0.2 },
      { id: 'cr-cleo', salesMultiplier: 0.6, returnRate: 0.1 },
    ],
    products: [
      { id: 'nw-sneaker', price: 89.99 },
      { id: 'nw-hoodie', price: 54.5 },
      { id: 'nw-cap', price: 19.99 },
      { id: 'nw-backpack', price: 74 },
      { id: 'nw-bottle', price: 12.25 },
    ],
    regionWeights: { US: 6, BR: 2, IN: 1.5, GB: 0.5 },
  },
  {
    id: 'lumiere',
    currencies: ['EUR', 'GBP'],
    creators: [
      { id: 'cr-dora', salesMultiplier: 1.2, returnRate: 0.35 },
      { id: 'cr-emil', salesMultiplier: 0.8, returnRate: 0.15 },
    ],
    products: [
      { id: 'lu-serum', price: 39.9 },
      { id: 'lu-palette', price: 29.5 },
      { id: 'lu-perfume', price: 79 },
      { id: 'lu-brush-set', price: 24.95 },
    ],
    regionWeights: { DE: 4, GB: 3, IN: 1, US: 1 },
  },
];

/** The show-format experiment: viewers see a countdown on product cards or not. */
export const SHOW_FORMAT_EXPERIMENT = {
  id: 'exp-show-format',
  variants: ['classic', 'countdown'] as const,
  weights: [0.5, 0.5] as const,
  /** Planted relative lift of the countdown on each click's chance to become an order. */
  buyRateLift: 0.8,
};

/** An A/A experiment: two identical arms, used to check for false positives. */
export const AA_EXPERIMENT = {
  id: 'exp-aa-check',
  variants: ['a1', 'a2'] as const,
  weights: [0.5, 0.5] as const,
};

/**
 * A show-level experiment (docs/spec.md §4, unit "show"): a countdown offer
 * shown to everyone in the show, so whole shows are randomized (the SDK
 * hashes show_id). Planted: clicks in a countdown show become orders
 * `buyRateLift` more often.
 */
export const SHOW_LEVEL_EXPERIMENT = {
  id: 'exp-show-countdown',
  unit: 'show' as const,
  variants: ['no-countdown', 'countdown'] as const,
  weights: [0.5, 0.5] as const,
  buyRateLift: 0.6,
};

/** A show-level A/A experiment: shows split into two identical arms. */
export const SHOW_AA_EXPERIMENT = {
  id: 'exp-show-aa',
  unit: 'show' as const,
  variants: ['b1', 'b2'] as const,
  weights: [0.5, 0.5] as const,
};

/** Every experiment the simulator runs. */
export const SIMULATED_EXPERIMENTS = [SHOW_FORMAT_EXPERIMENT, AA_EXPERIMENT, SHOW_LEVEL_EXPERIMENT, SHOW_AA_EXPERIMENT] as const;

/** The definitions file the simulator writes for its experiments (docs/spec.md §4, `<data dir>/experiments.json`). */
export function simulatedExperimentDefinitions(): Array<Record<string, unknown>> {
  return SIMULATED_EXPERIMENTS.map((e) => ({
    id: e.id,
    unit: 'unit' in e ? e.unit : 'viewer',
    variants: e.variants.map((id, i) => ({ id, weight: e.weights[i] })),
    control: e.variants[0],
    guardrails: ['playback_failure_pct', 'rebuffer_pct'],
  }));
}
