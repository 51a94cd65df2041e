/**
 * Test-only crash points: when `LIVELENS_FAULT` names one, the process
 * SIGKILLs itself there, so the fault tests (test/faults/) can prove that
 * a crash at the worst moment loses and doubles nothing. Unset in normal
 * runs: each point is one comparison.
 *
 * @example
 * crashPoint('ingest-after-parquet'); // LIVELENS_FAULT=ingest-after-parquet livelens ingest --once
 */

/** After the Parquet files of a landing are durable, before any checkpoint of it is committed. */
export const AFTER_PARQUET = 'ingest-after-parquet';
/** After the first shard's checkpoint of a landing is committed, before the next shard's. */
export const BETWEEN_SHARDS = 'ingest-between-shards';

export type CrashPoint = typeof AFTER_PARQUET | typeof BETWEEN_SHARDS;

/** SIGKILLs this process when `LIVELENS_FAULT` is `point` (tests only). */
export function crashPoint(point: CrashPoint, env: NodeJS.ProcessEnv = process.env): void {
  if (env.LIVELENS_FAULT === point) process.kill(process.pid, 'SIGKILL');
}
