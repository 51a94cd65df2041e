/**
 * `livelens stats --power`: the planning question of docs/spec.md §4 —
 * how many units per arm a relative effect needs (`--lift`), or which
 * relative effect a given sample can detect (`--units`), for a baseline
 * and a per-unit variance (default `p(1−p)` for a conversion-rate baseline).
 *
 * @example
 * livelens stats --power --baseline 0.05 --lift 0.1            // {"units_per_arm": 29826, ...}
 * livelens stats --power 0.9 --baseline 12.5 --variance 400 --units 12   // {"mde_relative": ..., ...}
 */
import { DEFAULT_ALPHA } from '../../stats/frequentist.ts';
import { DEFAULT_POWER, detectableEffectForUnits, unitsPerArm } from '../../stats/power.ts';

/** Most units per arm `--units` accepts (one billion). */
export const MAX_POWER_UNITS = 1_000_000_000;

export interface PowerFlags {
  power?: string | boolean;
  baseline?: string;
  variance?: string;
  lift?: string;
  units?: string;
  alpha?: string;
}

/** What `livelens stats --power` prints. */
export interface PowerAnswer {
  baseline: number;
  variance: number;
  alpha: number;
  power: number;
  relative_effect: number | null;
  mde_relative: number | null;
  units_per_arm: number;
  total_units: number;
}

function numberFlag(flag: string, text: string | undefined, check: (n: number) => boolean, allowed: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw new Error(`${flag} must be ${allowed}, got "${text}"`);
  return n;
}

/** Flags → the planning answer; errors name the flag and what is allowed. */
export function planPower(flags: PowerFlags): PowerAnswer {
  const power = typeof flags.power === 'string'
    ? (numberFlag('--power', flags.power, (n) => n > 0 && n < 1, 'a probability between 0 and 1, e.g. 0.8') as number)
    : DEFAULT_POWER;
  const alpha = numberFlag('--alpha', flags.alpha, (n) => n > 0 && n < 1, 'a number between 0 and 1, e.g. 0.05') ?? DEFAULT_ALPHA;
  const baseline = numberFlag('--baseline', flags.baseline, (n) => n !== 0, 'the control mean, a number other than 0 (e.g. 0.05 for a 5% conversion rate)');
  if (baseline === undefined) throw new Error('--power needs --baseline: the control mean (e.g. 0.05 for a 5% conversion rate)');
  let variance = numberFlag('--variance', flags.variance, (n) => n >= 0, 'the per-unit variance of the metric, 0 or more');
  if (variance === undefined) {
    if (!(baseline > 0 && baseline < 1)) {
      throw new Error(`--variance is needed: --baseline ${baseline} is not a conversion rate between 0 and 1, whose variance p(1-p) would be used`);
    }
    variance = baseline * (1 - baseline);
  }
  const lift = numberFlag('--lift', flags.lift, (n) => n !== 0, 'the relative effect to detect, a number other than 0 (e.g. 0.1 for +10%)');
  const units = numberFlag('--units', flags.units, (n) => Number.isInteger(n) && n >= 2 && n <= MAX_POWER_UNITS, `a whole number of units per arm from 2 to ${MAX_POWER_UNITS}`);
  if ((lift === undefined) === (units === undefined)) {
    throw new Error('--power needs exactly one of --lift (how many units per arm does this effect need?) or --units (which effect can this sample detect?)');
  }
  if (lift !== undefined) {
    const n = unitsPerArm({ baseline, variance, relativeEffect: lift, alpha, power });
    return { baseline, variance, alpha, power, relative_effect: lift, mde_relative: null, units_per_arm: n, total_units: 2 * n };
  }
  const n = units as number;
  const mde = detectableEffectForUnits(baseline, variance, n, alpha, power);
  return { baseline, variance, alpha, power, relative_effect: null, mde_relative: mde, units_per_arm: n, total_units: 2 * n };
}
