/**
 * The Parquet scans in a DuckDB JSON profile (`PRAGMA enable_profiling =
 * 'json'` + EXPLAIN ANALYZE): for each READ_PARQUET, the files it read and
 * the files it considered before partition pruning.
 *
 * @example
 * parquetScansOf(profile) // [{ filesRead: 1, filesConsidered: 6, files: ['/lake/events/dt=2026-11-02/part-0.parquet'], source: '/lake/events/dt=2026-11-02/part-0.parquet' }]
 */

/** One READ_PARQUET of a query plan. */
export interface ParquetScan {
  /** Files the scan read (DuckDB's "Total Files Read"). */
  filesRead: number;
  /** Files it considered: the glob's matches before `dt` filters ("Scanning Files" k/N: N). */
  filesConsidered: number;
  /** The files read, when DuckDB lists them all (it shortens long lists). */
  files: string[];
  /** DuckDB's "Filename(s)" as given: the files, or the glob followed by `...`. */
  source: string;
}

interface ProfileNode {
  extra_info?: Record<string, unknown>;
  children?: ProfileNode[];
}

function scanOf(info: Record<string, unknown>): ParquetScan {
  const read = Number(info['Total Files Read'] ?? NaN);
  const [scanned, considered] = String(info['Scanning Files'] ?? '').split('/').map(Number);
  const names = info['Filename(s)'];
  const files = (Array.isArray(names) ? names.map(String) : typeof names === 'string' ? names.split(', ') : []).filter((f) => f.endsWith('.parquet'));
  const filesRead = Number.isFinite(read) ? read : (scanned ?? files.length);
  return { filesRead, filesConsidered: Number.isFinite(considered) ? considered! : filesRead, files: files.length === filesRead ? files : [], source: Array.isArray(names) ? names.join(', ') : String(names ?? '') };
}

/** Every READ_PARQUET in the profile tree, depth first. */
export function parquetScansOf(profile: unknown): ParquetScan[] {
  const scans: ParquetScan[] = [];
  const visit = (node: ProfileNode) => {
    if (node.extra_info?.Function === 'READ_PARQUET') scans.push(scanOf(node.extra_info));
    for (const child of node.children ?? []) visit(child);
  };
  visit(profile as ProfileNode);
  return scans;
}
