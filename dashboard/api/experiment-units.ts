/**
 * The unit (`viewer` or `show`) of each experiment, from the optional
 * definitions file (docs/spec.md §4: LIVELENS_EXPERIMENTS, default
 * `<data dir>/experiments.json`); an experiment without a definition is a
 * viewer-level one. A missing or unreadable file means no definitions.
 *
 * @example
 * experimentUnits('/data/experiments.json').get('exp-show-format'); // 'show'
 */
import { readFileSync } from 'node:fs';

/** Largest definitions file read (bytes). */
export const MAX_DEFINITIONS_BYTES = 1024 * 1024;

export function experimentUnits(file: string | undefined): Map<string, 'viewer' | 'show'> {
  const units = new Map<string, 'viewer' | 'show'>();
  if (file === undefined) return units;
  let parsed: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    if (text.length > MAX_DEFINITIONS_BYTES) return units;
    parsed = JSON.parse(text);
  } catch {
    return units;
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { experiments?: unknown } | null)?.experiments;
  if (!Array.isArray(list)) return units;
  for (const d of list as Array<{ id?: unknown; unit?: unknown }>) {
    if (typeof d?.id === 'string') units.set(d.id, d.unit === 'show' ? 'show' : 'viewer');
  }
  return units;
}
