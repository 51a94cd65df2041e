/**
 * Experiment definitions (docs/spec.md §§4 and 7): the optional JSON file
 * (`LIVELENS_EXPERIMENTS`, default `<data dir>/experiments.json` if present)
 * listing each experiment's unit, variants with planned weights, control,
 * metrics, guardrails and period. Parsed once and checked whole: every
 * error names the file, the experiment and the field, and says what is
 * allowed.
 *
 * @example
 * const defs = await loadExperimentDefinitions('./.livelens/experiments.json');
 * defs.get('show-length')?.unit // 'show'
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { EXPERIMENTS_FILE } from '../../contract/data-dir.ts';
import { parseTimeBound } from './report-parameters.ts';

/** The per-unit metrics an experiment may be judged on (docs/spec.md §4). */
export const EXPERIMENT_METRIC_NAMES = ['converted', 'revenue', 'watch_minutes', 'clicks'] as const;
export type ExperimentMetricName = (typeof EXPERIMENT_METRIC_NAMES)[number];
/** The QoE figures a guardrail may also watch (0–100 scale). */
export const QOE_GUARDRAIL_NAMES = ['rebuffer_pct', 'playback_failure_pct', 'ebvs_pct'] as const;
export type QoeGuardrailName = (typeof QOE_GUARDRAIL_NAMES)[number];
export type GuardrailName = ExperimentMetricName | QoeGuardrailName;
export const GUARDRAIL_NAMES: readonly GuardrailName[] = [...EXPERIMENT_METRIC_NAMES, ...QOE_GUARDRAIL_NAMES];

/** True for the QoE guardrails (ratio metrics of their own query), false for the per-unit metrics. */
export function isQoeGuardrail(name: string): name is QoeGuardrailName {
  return (QOE_GUARDRAIL_NAMES as readonly string[]).includes(name);
}

/** How a viewer-level metric is tested: conversion as a proportion, QoE guardrails as ratios, the rest as means. */
export function metricType(name: string): 'proportion' | 'mean' | 'ratio' {
  if (name === 'converted') return 'proportion';
  return isQoeGuardrail(name) ? 'ratio' : 'mean';
}

export type ExperimentUnit = 'viewer' | 'show';
export const EXPERIMENT_UNITS: readonly ExperimentUnit[] = ['viewer', 'show'];

/** File name of the definitions inside the data dir (docs/spec.md §7; defined in contract/data-dir.ts). */
export const DEFAULT_EXPERIMENTS_FILE = EXPERIMENTS_FILE;
/** Largest definitions file read, in bytes (thousands of experiments fit in far less). */
export const MAX_EXPERIMENTS_FILE_BYTES = 4 * 1_048_576;
/** Most experiments one file may define. */
export const MAX_EXPERIMENTS = 10_000;
/** Most variants one experiment may have (the stats engine's limit). */
export const MAX_EXPERIMENT_VARIANTS = 100;
/** Longest id (experiment or variant), in characters. */
export const MAX_ID_LENGTH = 128;

export interface ExperimentDefinition {
  id: string;
  name: string | null;
  hypothesis: string | null;
  unit: ExperimentUnit;
  /** Listed order; weights as given (renormalised by whoever uses them). */
  variants: Array<{ id: string; weight: number }>;
  control: string;
  metrics: ExperimentMetricName[];
  guardrails: GuardrailName[];
  /** The period [start, end) in epoch ms; null = open. */
  startMs: number | null;
  endMs: number | null;
}

/** A definitions file that is not what docs/spec.md §4 allows; the message names the file, experiment and field. */
export class ExperimentDefinitionError extends Error {}

const FIELDS = ['id', 'name', 'hypothesis', 'unit', 'variants', 'control', 'metrics', 'guardrails', 'start', 'end'];
const ID = /^[^"\\,\s][^"\\,]*$/;

type Fail = (message: string) => never;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkId(value: unknown, what: string, fail: Fail): string {
  if (typeof value !== 'string' || value.trim() === '') fail(`${what} must be a non-empty string, got ${JSON.stringify(value)}`);
  const id = value as string;
  if (id.length > MAX_ID_LENGTH) fail(`${what} is ${id.length} characters; at most ${MAX_ID_LENGTH}`);
  if (!ID.test(id)) fail(`${what} ${JSON.stringify(id)} may not contain ", \\ or a comma, nor start with a space`);
  return id;
}

function optionalText(value: unknown, what: string, fail: Fail): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') fail(`${what} must be a string, got ${JSON.stringify(value)}`);
  return value as string;
}

function timeOf(value: unknown, what: string, fail: Fail): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) fail(`${what} ${value} is not whole epoch milliseconds`);
    return value;
  }
  if (typeof value !== 'string') fail(`${what} must be ISO 8601 (2026-11-01T12:00:00Z) or epoch ms, got ${JSON.stringify(value)}`);
  try {
    return parseTimeBound(value as string);
  } catch (err) {
    return fail(`${what}: ${(err as Error).message}`);
  }
}

function namesOf<T extends string>(value: unknown, allowed: readonly T[], what: string, fail: Fail, fallback: T[]): T[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value)) fail(`${what} must be a list of names from ${allowed.join(', ')}`);
  const names: T[] = [];
  (value as unknown[]).forEach((name, i) => {
    if (typeof name !== 'string' || !(allowed as readonly string[]).includes(name)) {
      fail(`${what}[${i}] ${JSON.stringify(name)} is not a known metric; allowed: ${allowed.join(', ')}`);
    }
    if (names.includes(name as T)) fail(`${what} lists ${JSON.stringify(name)} twice`);
    names.push(name as T);
  });
  return names;
}

function variantsOf(value: unknown, fail: Fail): Array<{ id: string; weight: number }> {
  if (!Array.isArray(value) || value.length < 2) fail('variants must be a list of at least two {"id", "weight"} entries');
  const list = value as unknown[];
  if (list.length > MAX_EXPERIMENT_VARIANTS) fail(`variants has ${list.length} entries; at most ${MAX_EXPERIMENT_VARIANTS}`);
  const weighted = list.filter((v) => isRecord(v) && v.weight !== undefined).length;
  if (weighted !== 0 && weighted !== list.length) fail('variants: give a weight to every variant or to none (equal weights)');
  const variants = list.map((v, i) => {
    if (!isRecord(v)) fail(`variants[${i}] must be an object {"id", "weight"}`);
    const entry = v as Record<string, unknown>;
    const extra = Object.keys(entry).filter((k) => k !== 'id' && k !== 'weight');
    if (extra.length > 0) fail(`variants[${i}] has unknown field ${JSON.stringify(extra[0])}; allowed: id, weight`);
    const id = checkId(entry.id, `variants[${i}].id`, fail);
    const weight = entry.weight === undefined ? 1 : entry.weight;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      fail(`variants[${i}].weight must be a finite number, 0 or more, got ${JSON.stringify(weight)}`);
    }
    return { id, weight: weight as number };
  });
  const ids = variants.map((v) => v.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) fail(`variants lists ${JSON.stringify(twice)} twice`);
  const total = variants.reduce((s, v) => s + v.weight, 0);
  if (!(total > 0)) fail(`variant weights add up to ${total}; they must add up to a positive number (e.g. 0.5 and 0.5, or 1 and 1)`);
  return variants;
}

/** Checks one entry of the list; `where` prefixes every message. */
function definitionOf(value: unknown, where: string): ExperimentDefinition {
  const fail: Fail = (message) => {
    throw new ExperimentDefinitionError(`${where}: ${message}`);
  };
  if (!isRecord(value)) fail('each experiment must be an object with at least "id" and "variants"');
  const v = value as Record<string, unknown>;
  const unknown = Object.keys(v).find((k) => !FIELDS.includes(k));
  if (unknown !== undefined) fail(`unknown field ${JSON.stringify(unknown)}; allowed: ${FIELDS.join(', ')}`);
  const id = checkId(v.id, 'id', fail);
  const variants = variantsOf(v.variants, fail);
  const unit = v.unit === undefined ? 'viewer' : v.unit;
  if (!EXPERIMENT_UNITS.includes(unit as ExperimentUnit)) fail(`unit ${JSON.stringify(unit)} is not allowed: use "viewer" or "show"`);
  const ids = variants.map((x) => x.id);
  const control = v.control === undefined ? (ids.includes('control') ? 'control' : (ids[0] as string)) : v.control;
  if (typeof control !== 'string' || !ids.includes(control)) fail(`control ${JSON.stringify(control)} is not one of the variants (${ids.join(', ')})`);
  const metrics = namesOf(v.metrics, EXPERIMENT_METRIC_NAMES, 'metrics', fail, [...EXPERIMENT_METRIC_NAMES]);
  if (metrics.length === 0) fail(`metrics is empty: list at least one of ${EXPERIMENT_METRIC_NAMES.join(', ')} (or leave it out for all)`);
  const guardrails = namesOf(v.guardrails, GUARDRAIL_NAMES, 'guardrails', fail, []);
  const both = guardrails.find((g) => (metrics as string[]).includes(g));
  if (both !== undefined) fail(`${JSON.stringify(both)} is both a metric and a guardrail; a guardrail is reported apart, so list it once`);
  const startMs = timeOf(v.start, 'start', fail);
  const endMs = timeOf(v.end, 'end', fail);
  if (startMs !== null && endMs !== null && !(startMs < endMs)) fail(`start (${new Date(startMs).toISOString()}) must be before end (${new Date(endMs).toISOString()}): the period is [start, end)`);
  return {
    id,
    name: optionalText(v.name, 'name', fail),
    hypothesis: optionalText(v.hypothesis, 'hypothesis', fail),
    unit: unit as ExperimentUnit,
    variants,
    control: control as string,
    metrics,
    guardrails,
    startMs,
    endMs,
  };
}

/** Checks a parsed definitions file (a JSON list); `source` names it in errors. */
export function parseExperimentDefinitions(json: unknown, source = DEFAULT_EXPERIMENTS_FILE): Map<string, ExperimentDefinition> {
  if (!Array.isArray(json)) throw new ExperimentDefinitionError(`${source}: must be a JSON list of experiments [{"id", "variants", ...}]`);
  if (json.length > MAX_EXPERIMENTS) throw new ExperimentDefinitionError(`${source}: ${json.length} experiments; at most ${MAX_EXPERIMENTS}`);
  const defs = new Map<string, ExperimentDefinition>();
  json.forEach((entry, i) => {
    const label = isRecord(entry) && typeof entry.id === 'string' ? `experiment ${JSON.stringify(entry.id)}` : `entry ${i}`;
    const def = definitionOf(entry, `${source}: ${label}`);
    if (defs.has(def.id)) throw new ExperimentDefinitionError(`${source}: experiment ${JSON.stringify(def.id)} is defined twice`);
    defs.set(def.id, def);
  });
  return defs;
}

/** Reads and checks a definitions file. */
export async function loadExperimentDefinitions(file: string): Promise<Map<string, ExperimentDefinition>> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new ExperimentDefinitionError(`experiment definitions ${file} not found (LIVELENS_EXPERIMENTS / --experiments): give an existing JSON file`);
  }
  checkDefinitionsFileSize(file, size);
  return definitionsFromText(await readFile(file, 'utf8'), file);
}

/** Refuses a definitions file of `size` bytes above MAX_EXPERIMENTS_FILE_BYTES (checked before it is read). */
export function checkDefinitionsFileSize(file: string, size: number): void {
  if (size > MAX_EXPERIMENTS_FILE_BYTES) throw new ExperimentDefinitionError(`${file}: ${size} bytes; at most ${MAX_EXPERIMENTS_FILE_BYTES}`);
}

/** The definitions in the text of `file`: JSON, then {@link parseExperimentDefinitions}. */
export function definitionsFromText(text: string, file: string): Map<string, ExperimentDefinition> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ExperimentDefinitionError(`${file}: not JSON (${(err as Error).message})`);
  }
  return parseExperimentDefinitions(json, file);
}

/**
 * Which definitions file applies: the one named (flag or LIVELENS_EXPERIMENTS;
 * it must exist), else `<data dir>/experiments.json` if present, else none.
 */
export function experimentsFileFor(named: string | undefined, dataDir: string): string | null {
  if (named !== undefined && named !== '') return named;
  const fallback = path.join(dataDir, DEFAULT_EXPERIMENTS_FILE);
  return existsSync(fallback) ? fallback : null;
}
