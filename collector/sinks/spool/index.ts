/**
 * The on-disk spool under `<dataDir>/spool/`: accepted events the stream
 * refused, kept as NDJSON segments (one EnrichedEvent JSON per line, see
 * AppendLog) until they are drained to the stream. Bounded by `maxBytes`.
 * A line that is not JSON (torn by a crash mid-write) is never dropped: it
 * goes to the dead letters with the reason before its segment is sent.
 *
 * @example
 * const spool = await Spool.open(join(dataDir, SPOOL_DIR), DEFAULT_SPOOL_MAX_BYTES);
 * await spool.append(packedRecord);          // resolves once fsync'd
 * await spool.drainTo(writer);               // forwards and deletes sealed segments
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DeadLetter } from '../../../contract/enriched.ts';
import { packLines } from '../../../contract/record-format.ts';
import { escapeLoneSurrogates } from '../../../contract/unicode.ts';
import { AppendLog, LogFullError } from '../append-log/index.ts';
import type { KinesisWriter } from '../kinesis/index.ts';

export { LogFullError as SpoolFullError };

export interface DrainResult {
  /** Events written to the stream. */
  forwarded: number;
  /** False when the stream refused some records (they stay spooled). */
  complete: boolean;
  /** Torn or corrupt lines (only a crash mid-write leaves one), kept as dead letters instead of sent. */
  deadLettered: number;
}

/** Keeps lines the spool cannot send (resolves once they are durable; a rejection keeps the segment). */
export type UnreadableLines = (letters: DeadLetter[]) => Promise<void>;

/** `index` of a dead letter made from a spool line (it is no event of a batch). */
export const SPOOL_DEAD_LETTER_INDEX = -1;

const refuseToDrop: UnreadableLines = async (letters) => {
  throw new Error(`${letters.length} unreadable spool lines and nowhere to keep them; the segment is kept`);
};

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

  private constructor(readonly log: AppendLog, private readonly unreadable: UnreadableLines) {}

  /** `unreadable` keeps torn lines (the collector's dead letters); without it a segment with one is never drained. */
  static async open(dir: string, maxBytes: number, unreadable: UnreadableLines = refuseToDrop): Promise<Spool> {
    return new Spool(await AppendLog.open({ dir, maxBytes }), unreadable);
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
    const result: DrainResult = { forwarded: 0, complete: true, deadLettered: 0 };
    await this.log.seal();
    for (const segment of this.log.sealedSegments()) {
      const lines = (await readFile(segment.path, 'utf8')).split('\n').filter((l) => l !== '');
      const good: string[] = [];
      const torn: DeadLetter[] = [];
      lines.forEach((line, i) => {
        if (validLine(line)) good.push(line);
        else torn.push({ retailer_id: '', received_at: Date.now(), index: SPOOL_DEAD_LETTER_INDEX, error: `spool: segment ${basename(segment.path)} line ${i + 1} is not JSON (torn by a crash mid-write?); kept here instead of sent`, raw: escapeLoneSurrogates(line) });
      });
      // Kept before anything of the segment is sent: if that fails, the segment stays whole for the next drain.
      if (torn.length > 0) await this.unreadable(torn);
      result.deadLettered += torn.length;
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
