/**
 * `livelens ingest [--once]`: stream to lake, checkpointed per shard
 * (docs/spec.md §5). Runs until SIGINT/SIGTERM (then lands what it read and
 * checkpoints it) or, with `--once`, until every shard is read to its tip.
 * One JSON line per landing goes to stderr, the run's totals to stdout.
 *
 * @example
 * livelens ingest --once
 * LIVELENS_KINESIS_ENDPOINT=http://127.0.0.1:4567 livelens ingest
 */
import { Option, type Command } from 'commander';
import { addSettingOptions, resolveSettings, SETTINGS } from '../../config/settings.ts';
import { parseInteger } from '../../config/parse-integer.ts';
import { EMBEDDED_DEAD_LETTER_STREAM_NAME } from '../../streams/embedded-kinesis.ts';
import { resolveKinesisTarget } from '../../streams/kinesis-target.ts';
import { runIngest } from '../../pipeline/ingest/run-ingest.ts';
import { lakeStoreFrom } from '../../pipeline/lake/lake-from-settings.ts';
import { lakeUrl } from '../../pipeline/lake/lake-location.ts';
import { FLUSH_AGE_MS, FLUSH_ROWS } from '../../pipeline/ingest/stream-consumer.ts';

/** Largest --flush-rows: bounds the events held in memory before a landing. */
export const MAX_FLUSH_ROWS = 10_000_000;
/** Largest --flush-seconds (one day). */
export const MAX_FLUSH_SECONDS = 86_400;

/** The settings ingest takes; the dead-letter stream (the collector's setting) is landed too. */
const INGEST_SETTINGS = ['dataDir', 'lake', 'lakeS3', 'kinesisStream', 'kinesisEndpoint', 'deadLetterStream'] as const;
const DEAD_LETTER_STREAM = SETTINGS.deadLetterStream;

export function register(program: Command): void {
  const cmd = program
    .command('ingest')
    .description('stream -> lake: land events and dead letters as Parquet in the lake (<data-dir>/lake, or --lake: a folder or s3://bucket/prefix), checkpointed per shard')
    .option('--once', 'read every shard up to its current tip, land, checkpoint and exit')
    .addOption(new Option('--flush-rows <n>', `land once this many events are buffered (default ${FLUSH_ROWS})`).argParser((v) => parseInteger(v, { flag: '--flush-rows', min: 1, max: MAX_FLUSH_ROWS, unit: 'events' })))
    .addOption(
      new Option('--flush-seconds <s>', `land buffered events at least this often (default ${FLUSH_AGE_MS / 1000})`).argParser((v) => parseInteger(v, { flag: '--flush-seconds', min: 1, max: MAX_FLUSH_SECONDS, unit: 's' })),
    )
    .addOption(
      new Option(DEAD_LETTER_STREAM.flag, `dead-letter stream to land as well (env ${DEAD_LETTER_STREAM.variable}, default ${EMBEDDED_DEAD_LETTER_STREAM_NAME} when it exists)`),
    );
  addSettingOptions(cmd, ['dataDir', 'lake', 'lakeS3', 'kinesisStream', 'kinesisEndpoint']);
  cmd
    .addHelpText(
      'after',
      `
Without a configured stream or endpoint, ingest reads the embedded Kinesis of the
data dir: it attaches to the endpoint that \`livelens serve\` advertises in
<data-dir>/kinesis/endpoint, or starts kinesalite on <data-dir>/kinesis itself.
Dead letters are landed from the dead-letter stream (when it exists) and from the
collector's sealed segments in <data-dir>/dead-letters/.`,
    )
    .action(async (opts: Record<string, unknown>) => {
      const settings = resolveSettings(INGEST_SETTINGS, opts);
      const dataDir = settings.dataDir;
      const lake = lakeStoreFrom(settings);
      const target = await resolveKinesisTarget({ dataDir, stream: settings.kinesisStream, endpoint: settings.kinesisEndpoint });
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        process.stderr.write(JSON.stringify({ msg: 'ingest started', ...target.kinesis, kinesis: target.source, lake: lakeUrl(lake.location), once: opts.once === true }) + '\n');
        const stats = await runIngest({
          dataDir,
          lake,
          kinesis: target.kinesis,
          once: opts.once === true,
          signal: stop.signal,
          deadLetterStream: settings.deadLetterStream,
          flushRows: opts.flushRows as number | undefined,
          flushAgeMs: opts.flushSeconds === undefined ? undefined : (opts.flushSeconds as number) * 1000,
          onFlush: (f) =>
            process.stderr.write(
              JSON.stringify({ msg: 'landed', stream: f.stream, lines: f.lines, landed: f.landed, duplicates: f.duplicates, malformed: f.malformed, deadLettered: f.deadLettered, files: f.files.length }) + '\n',
            ),
        });
        process.stdout.write(JSON.stringify(stats) + '\n');
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        lake.close();
        await target.release();
      }
    });
}
