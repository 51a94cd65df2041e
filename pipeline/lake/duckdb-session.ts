/**
 * A DuckDB used only as a Parquet writer: nothing is kept in DuckDB itself
 * (in memory, or in a scratch file the caller removes), every result goes
 * out through `COPY ... TO`.
 *
 * @example
 * const db = await openWriterSession();
 * await db.con.run('COPY (SELECT 1 AS x) TO $path (FORMAT parquet)', { path: '/tmp/x.parquet' });
 * db.close();
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** Cap on the writer's DuckDB memory, so ingest stays a small process. */
export const WRITER_MEMORY_LIMIT = '512MB';

export interface WriterSession {
  con: DuckDBConnection;
  close(): void;
}

export interface WriterSessionOptions {
  /** A database file (a scratch one, removed by the caller) instead of memory: tables larger than the memory limit then live on disk. */
  path?: string;
  /** Default WRITER_MEMORY_LIMIT. */
  memoryLimit?: string;
  /** Where DuckDB spills what exceeds the memory limit (sorts, joins, aggregates); default DuckDB's own. */
  tempDirectory?: string;
  /** DuckDB's threads; default one per core. Each reading thread holds its own buffers. */
  threads?: number;
}

export async function openWriterSession(options: WriterSessionOptions = {}): Promise<WriterSession> {
  const instance = await DuckDBInstance.create(options.path ?? ':memory:', {
    memory_limit: options.memoryLimit ?? WRITER_MEMORY_LIMIT,
    ...(options.tempDirectory ? { temp_directory: options.tempDirectory } : {}),
    ...(options.threads ? { threads: String(options.threads) } : {}),
    // Row order comes from each COPY's ORDER BY: without this, large scans and inserts stream in less memory.
    preserve_insertion_order: 'false',
    // Nothing may be downloaded at run time; partition dates come from epoch_ms (a zone-free TIMESTAMP).
    autoinstall_known_extensions: 'false',
  });
  const con = await instance.connect();
  return {
    con,
    close() {
      con.closeSync();
      instance.closeSync();
    },
  };
}

/** Quotes a string as a SQL literal (for COPY targets, which cannot be bound): pipeline/engine/sql-string.ts. */
export { sqlString } from '../engine/sql-string.ts';
