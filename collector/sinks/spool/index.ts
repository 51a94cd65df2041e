/**
 * The on-disk spool under `<dataDir>/spool/`: accepted events the stream
 * refused, kept as NDJSON segments (one EnrichedEvent JSON per line, see
 * AppendLog) until they are drained to the stream. Bounded by `maxBytes`.
 *
 * @example
 * const spool = await Spool.open(join(dataDir, SPOOL_DIR), DEFAULT_SPOOL_MAX_BYTES);
 * await spool.append(packedRecord);          // resolves once fsync'd
 * await spool.drainTo(writer);               // forwards and deletes sealed segments
 */
import { readFile } from 'node:fs/promises';
import { packLines } from '../../../contract/record-format.ts';
import { AppendLog, LogFullError } from '../append-log/index.ts';
import type { KinesisWriter } from '../kinesis/index.ts';

export { LogFullError as SpoolFullError };

export interface DrainResult {
  /** Events written to the stream. */
  forwarded: number;
  /** False when the stream refused some records (they stay spooled). */
  complete: boolean;
  /** Torn or corrupt lines dropped (only a crash mid-write leaves such a line). */
  dropped: number;
}

function validLine(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

export class Spool {
  private draining: Promise<DrainResult> | null = null;

  private constructor(readonly log: AppendLog) {}

  static async open(dir: string, maxBytes: number): Promise<Spool> {
    return new Spool(await AppendLog.open({ dir, maxBytes }));
  }

  get bytes(): number {
    return this.log.bytes;
  }
  get events(): number {
    return this.log.lines;
  }
  get empty(): boolean {
    return this.log.bytes === 0;
  }

  /** Appends NDJSON (whole lines) and resolves once it is synced; throws SpoolFullError when full. */
  append(ndjson: Buffer): Promise<void> {
    return this.log.append(ndjson);
  }

  /**
   * Sends every spooled event to the stream, oldest segment first, deleting
   * each segment once written; records the stream refuses are appended back
   * (so nothing already written is sent twice) and draining stops there.
   * Concurrent calls share one drain.
   */
  drainTo(writer: KinesisWriter): Promise<DrainResult> {
    this.draining ??= this.drain(writer).finally(() => (this.draining = null));
    return this.draining;
  }

  private async drain(writer: KinesisWriter): Promise<DrainResult> {
    const result: DrainResult = { forwarded: 0, complete: true, dropped: 0 };
    await this.log.seal();
    for (const segment of this.log.sealedSegments()) {
      const lines = (await readFile(segment.path, 'utf8')).split('\n').filter((l) => l !== '');
      const good = lines.filter(validLine);
      result.dropped += lines.length - good.length;
      const records = packLines(good);
      const { failed } = await writer.put(records);
      const failedLines = failed.reduce((n, r) => n + r.toString('utf8').split('\n').filter((l) => l !== '').length, 0);
      result.forwarded += good.length - failedLines;
      if (failed.length > 0) {
        await this.log.append(Buffer.concat(failed), failedLines, true);
      }
      await this.log.remove(segment);
      if (failed.length > 0) {
        result.complete = false;
        break;
      }
    }
    return result;
  }

  close(): Promise<void> {
    return this.log.close();
  }
}
