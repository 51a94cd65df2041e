/**
 * The lake store a command writes to, from its resolved settings
 * (config/settings.ts: `lake` / `lakeS3`, i.e. LIVELENS_LAKE and the older
 * LIVELENS_LAKE_S3, `--lake` / `--lake-s3`; LIVELENS_LAKE wins), default
 * `<data dir>/lake`.
 *
 * @example
 * const lake = lakeStoreFrom(resolveSettings(['dataDir', 'lake', 'lakeS3'], opts));
 */
import { LAKE_ENV, LAKE_S3_ENV, resolveLakeLocation, type LakeLocation } from './lake-location.ts';
import type { LakeStore } from './lake-store.ts';
import { openLakeStore } from './open-lake-store.ts';

/** The settings naming the lake, as commands resolve them. */
export const LAKE_SETTINGS = ['dataDir', 'lake', 'lakeS3'] as const;

export interface LakeSettings {
  dataDir: string;
  lake?: string;
  lakeS3?: string;
}

/** The lake location of resolved settings (errors name LIVELENS_LAKE / LIVELENS_LAKE_S3). */
export function lakeLocationOf(s: LakeSettings): LakeLocation {
  const given: NodeJS.ProcessEnv = {};
  if (s.lake !== undefined) given[LAKE_ENV] = s.lake;
  if (s.lakeS3 !== undefined) given[LAKE_S3_ENV] = s.lakeS3;
  return resolveLakeLocation({ dataDir: s.dataDir, env: given });
}

/** Opens the lake store of resolved settings (an S3 client from the AWS SDK's own settings when on S3). */
export function lakeStoreFrom(s: LakeSettings): LakeStore {
  return openLakeStore(lakeLocationOf(s), { dataDir: s.dataDir });
}
