/**
 * Deterministic experiment assignment: the same viewer gets the same variant
 * of an experiment on every page and every reload, with no server round trip,
 * and viewers spread over the variants in proportion to the weights.
 *
 * The hash is GrowthBook's v2 scheme (FNV-1a 32-bit applied twice), whose
 * second pass spreads ids that differ only in their last characters.
 *
 * @example
 * pickVariant('viewer-1', 'card-layout', ['control', 'big'], [0.5, 0.5]) // 'big' (always)
 */

/** FNV-1a, 32 bits, over UTF-16 code units. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A number in [0, 1) fixed by viewer and experiment. */
export function bucketOf(viewerId: string, experimentId: string): number {
  return (fnv1a32(String(fnv1a32(experimentId + viewerId))) % 10_000) / 10_000;
}

/**
 * The variant of `variants` this viewer sees; `weights` default to equal.
 * Throws when the lists do not match or a weight is negative or all are zero.
 */
export function pickVariant(viewerId: string, experimentId: string, variants: readonly string[], weights?: readonly number[]): string {
  const w = weights ?? variants.map(() => 1);
  let total = 0;
  for (const x of w) total += x >= 0 ? x : NaN;
  if (!variants.length || w.length !== variants.length || !(total > 0)) {
    throw Error(`variant(${experimentId}): need variants and as many weights >= 0, sum > 0; got [${variants}], [${w}]`);
  }
  const u = bucketOf(viewerId, experimentId) * total;
  let acc = 0;
  // The last variant also takes what rounding leaves past the sum.
  return variants.find((_, i) => u < (acc += w[i]!)) ?? variants[variants.length - 1]!;
}
