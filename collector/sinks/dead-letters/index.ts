/**
 * Dead letters: every rejected event with its reason, retailer and
 * `received_at` (contract/enriched.ts `DeadLetter`), one JSON object per
 * line, in sealed NDJSON segments under `<dataDir>/dead-letters/`
 * (`<ms>-<seq>.ndjson`; the segment being written ends in `.ndjson.open`
 * and is sealed within DEAD_LETTER_SEGMENT_MAX_AGE_MS). The ingest job lands
 * sealed segments in the lake and deletes them. With a dead-letter stream
 * configured, letters go to that stream instead (same NDJSON record framing
 * as events), and to the folder only when the stream refuses them.
 *
 * @example
 * const dl = await FileDeadLetters.open({ dir: join(dataDir, DEAD_LETTERS_DIR) });
 * await dl.write([{ retailer_id: 'acme', received_at: Date.now(), index: 3, error: '/ts: ...', raw: '{...}' }]);
 */
import type { DeadLetter } from '../../../contract/enriched.ts';
import { packLines } from '../../../contract/record-format.ts';
import { DEAD_LETTER_SEGMENT_MAX_AGE_MS, DEFAULT_SPOOL_MAX_BYTES } from '../../limits.ts';
import type { DeadLetterSink } from '../../types.ts';
import { AppendLog } from '../append-log/index.ts';
import type { KinesisWriter } from '../kinesis/index.ts';

/** Bound on the dead-letter folder; beyond it letters are dropped (and logged by the app). */
export const DEFAULT_DEAD_LETTERS_MAX_BYTES = DEFAULT_SPOOL_MAX_BYTES;

export interface DeadLetterOptions {
  dir: string;
  maxBytes?: number;
  segmentMaxAgeMs?: number;
  /** A second stream for dead letters; the folder then only takes what it refuses. */
  writer?: KinesisWriter;
}

export class FileDeadLetters implements DeadLetterSink {
  private readonly sealer: NodeJS.Timeout;

  private constructor(readonly log: AppendLog, private readonly writer: KinesisWriter | undefined, ageMs: number) {
    this.sealer = setInterval(() => {
      void log.sealIfOld().catch(() => undefined);
      // Ingest deletes the segments it landed; free their bytes in the bound.
      log.forgetConsumed();
      // A dead-letter stream that failed is tried again once it answers.
      if (writer && !writer.up) void writer.probe();
    }, Math.max(10, Math.floor(ageMs / 2)));
    this.sealer.unref();
  }

  static async open(o: DeadLetterOptions): Promise<FileDeadLetters> {
    const ageMs = o.segmentMaxAgeMs ?? DEAD_LETTER_SEGMENT_MAX_AGE_MS;
    const log = await AppendLog.open({ dir: o.dir, maxBytes: o.maxBytes ?? DEFAULT_DEAD_LETTERS_MAX_BYTES, segmentMaxAgeMs: ageMs });
    return new FileDeadLetters(log, o.writer, ageMs);
  }

  async write(letters: DeadLetter[]): Promise<void> {
    const lines = letters.map((l) => JSON.stringify(l));
    if (this.writer?.up) {
      const { failed } = await this.writer.put(packLines(lines));
      if (failed.length > 0) await this.log.append(Buffer.concat(failed));
      return;
    }
    await this.log.append(Buffer.from(lines.join('\n') + '\n', 'utf8'), lines.length);
  }

  async close(): Promise<void> {
    clearInterval(this.sealer);
    await this.writer?.idle();
    await this.log.close();
  }
}
