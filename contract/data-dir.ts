/**
 * Everything livelens writes under a data dir (`LIVELENS_DATA_DIR`,
 * docs/spec.md §7), named once: the collector writes the spool and dead
 * letters, ingest reads the dead-letter segments, writes the lake,
 * checkpoints and staging, serve and ingest share the embedded Kinesis.
 * Every other module takes these names from here.
 *
 *   <data dir>/
 *     lake/<table>/dt=YYYY-MM-DD/*.parquet   the lake (contract/lake.ts: tables and columns)
 *     spool/*.ndjson                         events waiting for the stream (collector)
 *     dead-letters/*.ndjson                  rejected events, landed by ingest then deleted
 *     checkpoints/<stream>/<shard>.json      ingest's position per shard
 *     checkpoints/<stream>.lock              one consumer per stream
 *     staging/                               ingest's NDJSON files on their way to Parquet
 *     kinesis/                               embedded kinesalite (LevelDB)
 *     kinesis/endpoint                       the endpoint of the process serving it
 *     simulation/                            the simulator's order exports and truth.json
 *     viewer-stream/                         the demo viewer page's HLS stream (ffmpeg) and its cue track
 *     demo.json                              the demo's marker
 *
 * A segment (spool, dead letters) is `<ms>-<seq>.ndjson.open` while written,
 * then renamed to `<ms>-<seq>.ndjson` (sealed) and never written again.
 *
 * @example
 * join(dataDir, DEAD_LETTERS_DIR) // '.livelens/dead-letters'
 * names.filter((n) => n.endsWith(SEALED_SEGMENT_SUFFIX))
 */

/** The lake root (`<data dir>/lake`; LIVELENS_LAKE may move it). */
export const LAKE_DIR = 'lake';
/** The collector's spool of events waiting for the stream. */
export const SPOOL_DIR = 'spool';
/** The collector's dead-letter segments, which ingest lands and deletes. */
export const DEAD_LETTERS_DIR = 'dead-letters';
/** Ingest's checkpoints, one folder per stream, and its consumer locks. */
export const CHECKPOINTS_DIR = 'checkpoints';
/** Suffix of a stream's consumer lock file in CHECKPOINTS_DIR (`<stream>.lock`). */
export const CONSUMER_LOCK_SUFFIX = '.lock';
/** Ingest's staging files (NDJSON on its way to Parquet). */
export const STAGING_DIR = 'staging';
/** Downloads of an S3 lake's files that writers read (orders dedupe, ingest recovery), by key; lake files never change. */
export const LAKE_CACHE_DIR = 'cache';
/** The embedded kinesalite's LevelDB folder. */
export const EMBEDDED_KINESIS_DIR = 'kinesis';
/** File, inside EMBEDDED_KINESIS_DIR, holding the endpoint of the kinesalite serving it. */
export const EMBEDDED_ENDPOINT_FILE = 'endpoint';
/** The simulator's order exports and truth.json. */
export const SIMULATION_DIR = 'simulation';
/** The demo viewer page's live HLS stream, written by ffmpeg (viewer/). */
export const VIEWER_STREAM_DIR = 'viewer-stream';
/** Written by the demo; its presence marks the folder's data as the demo's own. */
export const DEMO_MARKER_FILE = 'demo.json';

/** Suffix of a sealed segment: complete, never written again, safe to read. */
export const SEALED_SEGMENT_SUFFIX = '.ndjson';
/** Suffix of the segment being written. */
export const OPEN_SEGMENT_SUFFIX = '.ndjson.open';

/** Experiment definitions (docs/spec.md §7: default `<data dir>/experiments.json`); the demo writes its simulated experiments here. */
export const EXPERIMENTS_FILE = 'experiments.json';

/** What livelens itself writes under a data dir (all of the above). */
export const DATA_DIR_ENTRIES = [
  CHECKPOINTS_DIR, DEAD_LETTERS_DIR, EMBEDDED_KINESIS_DIR, LAKE_CACHE_DIR, LAKE_DIR, SIMULATION_DIR, SPOOL_DIR, STAGING_DIR, VIEWER_STREAM_DIR, DEMO_MARKER_FILE, EXPERIMENTS_FILE,
] as const;
