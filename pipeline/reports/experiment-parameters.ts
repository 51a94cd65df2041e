/**
 * The experiment report's own parameters (`livelens report experiment ID
 * --method ...`, `GET /api/v1/experiments/ID?method=...`), parsed into
 * analysis options; errors name the parameter and what is allowed.
 *
 * @example
 * experimentOptions({ method: 'bayesian', weights: 'control=0.5,treatment=0.5' });
 */
import { METHODS, type Method } from '../../stats/analyze.ts';
import { CORRECTIONS, type Correction } from '../../stats/multiple.ts';
import { DEFAULT_SEQUENTIAL_TUNING_UNITS } from '../../stats/sequential.ts';
import { DEFAULT_CUPED_LOOKBACK_MS, type ExperimentOptions } from './experiment.ts';
import { parseParameter, singleValue, type ParameterSpec, type RawParameters } from './request.ts';

/** Longest CUPED lookback accepted (90 days), as for the attribution window. */
export const MAX_CUPED_LOOKBACK_DAYS = 90;

/** The experiment report's parameters beside the filters and window. */
export const EXPERIMENT_PARAMETERS: readonly ParameterSpec[] = [
  { name: 'id', description: 'experiment id, as sent in exposure events', required: true },
  { name: 'control', description: 'control variant (default: the definition\'s, else "control" if seen, else the first by name)' },
  { name: 'weights', description: 'planned traffic weights for the sample-ratio check, e.g. control=0.5,treatment=0.5 (default: the definition\'s, else equal)' },
  { name: 'method', description: 'statistics', choices: METHODS, default: 'frequentist' },
  { name: 'alpha', description: 'significance level', default: '0.05' },
  { name: 'correction', description: 'multiple-comparison correction across metrics and variants', choices: CORRECTIONS, default: 'none' },
  { name: 'cap', description: 'cap revenue per viewer at this percentile, e.g. 0.99 (default: no cap)' },
  { name: 'lookback_days', description: 'CUPED covariate window before exposure', default: String(DEFAULT_CUPED_LOOKBACK_MS / 86_400_000) },
  { name: 'prior', description: 'Bayesian: Gaussian prior on the relative lift, e.g. 0,0.3 (default: flat)' },
  { name: 'sequential_tuning', description: 'sequential: N*, total viewers where the interval is tightest', default: String(DEFAULT_SEQUENTIAL_TUNING_UNITS) },
];

function number(text: string, check: (n: number) => boolean, allowed: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw new Error(`"${text}" is not allowed: ${allowed}`);
  return n;
}

/** `control=0.5,treatment=0.5` → { control: 0.5, treatment: 0.5 }. */
export function parseWeights(text: string): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const eq = part.lastIndexOf('=');
    if (eq <= 0) throw new Error(`entry "${part}" is not variant=weight (e.g. control=0.5,treatment=0.5)`);
    weights[part.slice(0, eq).trim()] = number(part.slice(eq + 1), (n) => n >= 0, 'weights are numbers of 0 or more');
  }
  return weights;
}

function parsePrior(text: string): { mean: number; variance: number } {
  const m = /^\s*(-?[\d.]+)\s*,\s*([\d.]+)\s*$/.exec(text);
  const mean = Number(m?.[1]);
  const sd = Number(m?.[2]);
  if (!m || !Number.isFinite(mean) || !(sd > 0)) throw new Error(`"${text}" is not allowed: use MEAN,SD of the relative lift, e.g. 0,0.3`);
  return { mean, variance: sd * sd };
}

/** The experiment id, checked (it is bound, and also spliced into a JSON path as a bound string). */
export function parseExperimentId(text: string): string {
  if (text.trim() === '') throw new Error('is empty: give the id the SDK sends in exposure events');
  if (/["\\]/.test(text)) throw new Error(`${JSON.stringify(text)} is not allowed: it may not contain " or \\`);
  return text;
}

/** Raw experiment parameters → analysis options (filters are parsed apart). */
export function experimentOptions(raw: RawParameters): ExperimentOptions {
  const options: ExperimentOptions = {};
  const get = (name: string) => singleValue(raw, name);
  const text = {
    control: get('control'), weights: get('weights'), method: get('method'), correction: get('correction'), alpha: get('alpha'),
    cap: get('cap'), lookback: get('lookback_days'), prior: get('prior'), tuning: get('sequential_tuning'),
  };
  if (text.control !== undefined) options.control = text.control;
  if (text.weights !== undefined) options.weights = parseParameter('weights', text.weights, parseWeights);
  if (text.method !== undefined) options.method = text.method as Method;
  if (text.correction !== undefined) options.correction = text.correction as Correction;
  if (text.alpha !== undefined) options.alpha = parseParameter('alpha', text.alpha, (t) => number(t, (n) => n > 0 && n < 1, 'use a number between 0 and 1, e.g. 0.05'));
  if (text.cap !== undefined) options.capPercentile = parseParameter('cap', text.cap, (t) => number(t, (n) => n > 0 && n <= 1, 'use a percentile above 0 and at most 1, e.g. 0.99'));
  if (text.lookback !== undefined) {
    const days = parseParameter('lookback_days', text.lookback, (t) => number(t, (n) => n >= 0 && n <= MAX_CUPED_LOOKBACK_DAYS, `use 0 to ${MAX_CUPED_LOOKBACK_DAYS} days`));
    options.lookbackMs = days * 86_400_000;
  }
  if (text.prior !== undefined) options.prior = parseParameter('prior', text.prior, parsePrior);
  if (text.tuning !== undefined) {
    options.sequentialTuningUnits = parseParameter('sequential_tuning', text.tuning, (t) => number(t, (n) => n > 0, 'use a positive number of units, e.g. 5000'));
  }
  return options;
}
