/**
 * Reads and checks the `livelens stats` input (docs/spec.md §6). Errors
 * name the field and what is allowed; sums no data can produce (a sum of
 * squares below sum²/n beyond rounding) are refused, not clamped.
 *
 * @example
 * parseStatsInput(JSON.parse(text)) // StatsInput, or throws StatsInputError
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { StatsInput } from './analyze.ts';
import { DEFAULT_ALPHA } from './frequentist.ts';
import { DEFAULT_SEQUENTIAL_TUNING_UNITS } from './sequential.ts';
import { inconsistentSums } from './sufficient.ts';

/** Most variants one input may hold (control included). */
export const MAX_VARIANTS = 100;

const Count = Type.Number({ minimum: 0 });
const Sum = Type.Number();
const VariantSchema = Type.Object(
  {
    n: Type.Integer({ minimum: 0 }),
    sum: Sum,
    sum_squares: Count,
    denominator_sum: Type.Optional(Sum),
    denominator_sum_squares: Type.Optional(Count),
    main_denominator_sum_product: Type.Optional(Sum),
    covariate_sum: Type.Optional(Sum),
    covariate_sum_squares: Type.Optional(Count),
    main_covariate_sum_product: Type.Optional(Sum),
  },
  { additionalProperties: false },
);

const InputSchema = Type.Object(
  {
    metric: Type.Union([Type.Literal('mean'), Type.Literal('proportion'), Type.Literal('ratio')]),
    method: Type.Optional(Type.Union([Type.Literal('frequentist'), Type.Literal('bayesian'), Type.Literal('sequential')])),
    relative: Type.Optional(Type.Boolean()),
    alpha: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
    weights: Type.Optional(Type.Array(Type.Number({ minimum: 0 }))),
    variants: Type.Array(VariantSchema, { minItems: 2, maxItems: MAX_VARIANTS }),
    cuped: Type.Optional(Type.Boolean()),
    prior: Type.Optional(Type.Object({ mean: Type.Number(), variance: Type.Number({ exclusiveMinimum: 0 }) }, { additionalProperties: false })),
    sequential_tuning: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    correction: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('holm'), Type.Literal('bh')])),
  },
  { additionalProperties: false },
);

export type StatsInputJson = Static<typeof InputSchema>;

/** The input did not match the contract; `message` lists every problem. */
export class StatsInputError extends Error {}

/**
 * Checks a parsed JSON value and fills defaults: method frequentist,
 * relative true, alpha 0.05, equal weights, N* 5000, no correction.
 * Optional beyond docs/spec.md: `cuped`, `prior` ({mean, variance} on the relative
 * lift), `sequential_tuning` (N*), `correction` (none|holm|bh).
 */
export function parseStatsInput(value: unknown): StatsInput {
  if (!Value.Check(InputSchema, value)) {
    const problems = [...Value.Errors(InputSchema, value)].slice(0, 10).map((e) => `${e.path || '/'}: ${e.message}`);
    throw new StatsInputError(`invalid stats input — ${problems.join('; ')}`);
  }
  const v = value;
  if (v.weights && v.weights.length !== v.variants.length) {
    throw new StatsInputError(`weights has ${v.weights.length} entries but variants has ${v.variants.length}; give one weight per variant`);
  }
  if (v.metric === 'ratio') {
    const missing = v.variants.findIndex((x) => x.denominator_sum === undefined || x.denominator_sum_squares === undefined || x.main_denominator_sum_product === undefined);
    if (missing >= 0) {
      throw new StatsInputError(`ratio metrics need denominator_sum, denominator_sum_squares and main_denominator_sum_product; variants[${missing}] lacks one`);
    }
  }
  v.variants.forEach((variant, i) => {
    const problem = inconsistentSums(variant, `variants[${i}]`);
    if (problem !== null) throw new StatsInputError(problem);
  });
  return {
    metric: v.metric,
    method: v.method ?? 'frequentist',
    relative: v.relative ?? true,
    alpha: v.alpha ?? DEFAULT_ALPHA,
    variants: v.variants,
    ...(v.weights ? { weights: v.weights } : {}),
    cuped: v.cuped ?? true,
    ...(v.prior ? { prior: v.prior } : {}),
    sequentialTuningUnits: v.sequential_tuning ?? DEFAULT_SEQUENTIAL_TUNING_UNITS,
    correction: v.correction ?? 'none',
  };
}
