/**
 * An in-memory DuckDB used only as a Parquet writer: nothing is persisted in
 * DuckDB itself, every result goes out through `COPY ... TO`.
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

export async function openWriterSession(): Promise<WriterSession> {
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: WRITER_MEMORY_LIMIT,
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
