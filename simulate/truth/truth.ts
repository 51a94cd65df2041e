/**
 * The ground truth: every number the reports should show, computed from what
 * the simulator planted, by docs/spec.md §4's definitions, with no SQL.
 *
 * @example
 * const truth = computeTruth({ world, sessions, lines, clickIds, variants });
 * truth.conversion.creator; // [{ creator_id: 'cr-ava', currency: 'USD', viewers: 120, buyers: 31, ... }]
 */
import { AA_EXPERIMENT, SHOW_AA_EXPERIMENT, SHOW_FORMAT_EXPERIMENT, SHOW_LEVEL_EXPERIMENT } from '../world/catalog.ts';
import { attribute, DEFAULT_WINDOW_MS } from './attribution.ts';
import { planOrders, type OrderLine } from '../world/orders.ts';
import type { PlannedSession } from '../world/sessions.ts';
import { cents, clickFacts, conversionRows, type ConversionDimension, type ConversionTruthRow } from './conversion.ts';
import { converters, experimentTruth, showBuyers, showExperimentTruth, type ExperimentTruth } from './experiments.ts';
import { qoeRows, type QoeDimension, type QoeTruthRow } from './qoe.ts';
import { audienceRows, type AudienceTruthRow } from './audience.ts';
import type { World } from '../world/world.ts';

export type { AudienceTruthRow, ConversionDimension, ConversionTruthRow, ExperimentTruth, QoeDimension, QoeTruthRow };
export { EXPECTED_HEARTBEAT_MS } from './qoe.ts';

export interface GroundTruth {
  seed: number;
  window_ms: number;
  totals: { viewers: number; sessions: number; clicks: number; order_lines: number; attributed_lines: number; revenue_by_currency: Record<string, number> };
  conversion: Record<ConversionDimension, ConversionTruthRow[]>;
  qoe: Record<QoeDimension, QoeTruthRow[]>;
  /** docs/spec.md §4b audience per retailer and creator (no report computes it yet). */
  audience: { creator: AudienceTruthRow[] };
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
  /** Show-level experiments: experiment id → show id → variant the SDK gave the show. */
  showVariants?: ReadonlyMap<string, ReadonlyMap<string, string>>;
  windowMs?: number;
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
  const none = new Map<string, string>();
  const viewerVariant = inputs.variants.get(SHOW_FORMAT_EXPERIMENT.id) ?? none;
  const showVariant = inputs.showVariants?.get(SHOW_LEVEL_EXPERIMENT.id) ?? none;
  const convertedIfAll = (variant: string): number => {
    const lines = planOrders(inputs.world, inputs.sessions, { variantOf: () => variant, showVariantOf: (show) => showVariant.get(show), clickIdOf });
    return converters(attribute(clicks, lines, windowMs)).size;
  };
  const [control, treatment] = SHOW_FORMAT_EXPERIMENT.variants;
  const trueLift = convertedIfAll(treatment) / convertedIfAll(control) - 1;
  // The same for the show-level experiment: every show in one arm, then in the other (buyers per show over viewers per show).
  const showBuyersIfAll = (variant: string): number => {
    const lines = planOrders(inputs.world, inputs.sessions, { variantOf: (v) => viewerVariant.get(v), showVariantOf: () => variant, clickIdOf });
    return showBuyers(attribute(clicks, lines, windowMs), () => true);
  };
  const [showControl, showTreatment] = SHOW_LEVEL_EXPERIMENT.variants;
  const trueShowLift = showBuyersIfAll(showTreatment) / showBuyersIfAll(showControl) - 1;
  const converted = converters(attributed);
  const revenueCents = new Map<string, Map<string, number>>();
  for (const [line, c] of attributed) {
    const m = revenueCents.get(c.viewerId) ?? new Map<string, number>();
    m.set(line.currency, (m.get(line.currency) ?? 0) + line.quantity * line.unitPriceCents);
    revenueCents.set(c.viewerId, m);
  }
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
    audience: { creator: audienceRows(inputs.sessions, attributed) },
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
      [SHOW_LEVEL_EXPERIMENT.id]: showExperimentTruth(
        SHOW_LEVEL_EXPERIMENT.id, SHOW_LEVEL_EXPERIMENT.variants, SHOW_LEVEL_EXPERIMENT.weights,
        showVariant, inputs.sessions, attributed, SHOW_LEVEL_EXPERIMENT.buyRateLift, trueShowLift,
      ),
      [SHOW_AA_EXPERIMENT.id]: showExperimentTruth(
        SHOW_AA_EXPERIMENT.id, SHOW_AA_EXPERIMENT.variants, SHOW_AA_EXPERIMENT.weights,
        inputs.showVariants?.get(SHOW_AA_EXPERIMENT.id) ?? none, inputs.sessions, attributed, 0, 0,
      ),
    },
  };
}
