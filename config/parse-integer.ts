/**
 * The one whole-number parser of livelens: settings, command flags and
 * benchmark flags all use it, so every bad number reads the same way:
 * `--flag must be a whole number from MIN to MAX UNIT; got "TEXT"`, with
 * ` from VARIABLE` when the text came from an environment variable.
 *
 * @example
 * parseInteger('250', { flag: '--viewers', min: 1, max: 1_000_000 }); // 250
 * parseInteger('2.5', { flag: '--viewers', min: 1 }); // throws '--viewers must be a whole number of at least 1; got "2.5"'
 */

export interface IntegerRule {
  /** The flag the value belongs to, e.g. `--port`. */
  flag: string;
  /** The environment variable the text came from, when it did. */
  variable?: string;
  min: number;
  /** Default: Number.MAX_SAFE_INTEGER (no upper bound shown). */
  max?: number;
  /** Unit shown after the range, e.g. `ms`, `bytes`. */
  unit?: string;
}

/** What a rule allows, e.g. `a whole number from 0 to 100 ms`. */
export function describeInteger(rule: Omit<IntegerRule, 'flag'>): string {
  const max = rule.max ?? Number.MAX_SAFE_INTEGER;
  const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${rule.min}` : `from ${rule.min} to ${max}`;
  return `a whole number ${range}${rule.unit ? ` ${rule.unit}` : ''}`;
}

/** Parses `text` as a whole number within the rule's range, or throws one line naming the flag and what is allowed. */
export function parseInteger(text: unknown, rule: IntegerRule): number {
  const value = typeof text === 'number' ? text : typeof text === 'string' && text.trim() !== '' ? Number(text) : Number.NaN;
  if (Number.isInteger(value) && value >= rule.min && value <= (rule.max ?? Number.MAX_SAFE_INTEGER)) return value;
  throw new Error(`${rule.flag} must be ${describeInteger(rule)}; got "${String(text)}"${rule.variable ? ` from ${rule.variable}` : ''}`);
}
