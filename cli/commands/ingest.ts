/**
 * `livelens ingest [--once]`: stream to lake, checkpointed per shard
 * (SPEC section 5). Runs until SIGINT/SIGTERM (then lands what it read and
 * checkpoints it) or, with `--once`, until every shard is read to its tip.
 * One JSON line per landing goes to stderr, the run's totals to stdout.
 *
 * @example
 * livelens ingest --once
 * LIVELENS_KINESIS_ENDPOINT=http://127.0.0.1:4567 livelens ingest
 */
import { Option, type Command } from 'commander';
import { resolveSetting, settingOption } from '../../config/settings.ts';
import { COLLECTOR_SETTINGS } from '../../collector/config.ts';
import { EMBEDDED_DEAD_LETTER_STREAM_NAME } from '../../streams/embedded-kinesis.ts';
import { resolveKinesisTarget } from '../../streams/kinesis-target.ts';
import { runIngest } from '../../pipeline/ingest/run-ingest.ts';
import { FLUSH_AGE_MS, FLUSH_ROWS } from '../../pipeline/ingest/stream-consumer.ts';

function positiveInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${value}"`);
    return n;
  };
}

/** The collector's dead-letter stream setting: ingest lands that stream too. */
const DEAD_LETTER_STREAM = COLLECTOR_SETTINGS.deadLetterStream;

export function register(program: Command): void {
  program
    .command('ingest')
    .description('stream -> lake: land events and dead letters as Parquet under <data-dir>/lake, checkpointed per shard')
    .option('--once', 'read every shard up to its current tip, land, checkpoint and exit')
    .addOption(new Option('--flush-rows <n>', `land once this many events are buffered (default ${FLUSH_ROWS})`).argParser(positiveInteger('--flush-rows')))
    .addOption(
      new Option('--flush-seconds <s>', `land buffered events at least this often (default ${FLUSH_AGE_MS / 1000})`).argParser(positiveInteger('--flush-seconds')),
    )
    .addOption(settingOption('dataDir'))
    .addOption(settingOption('kinesisStream'))
    .addOption(settingOption('kinesisEndpoint'))
    .addOption(
      new Option(DEAD_LETTER_STREAM.flag, `dead-letter stream to land as well (env ${DEAD_LETTER_STREAM.env}, default ${EMBEDDED_DEAD_LETTER_STREAM_NAME} when it exists)`),
    )
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
      const dataDir = resolveSetting('dataDir', opts)!;
      const target = await resolveKinesisTarget({
        dataDir,
        stream: resolveSetting('kinesisStream', opts),
        endpoint: resolveSetting('kinesisEndpoint', opts),
      });
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        process.stderr.write(JSON.stringify({ msg: 'ingest started', ...target.kinesis, kinesis: target.source, once: opts.once === true }) + '\n');
        const stats = await runIngest({
          dataDir,
          kinesis: target.kinesis,
          once: opts.once === true,
          signal: stop.signal,
          deadLetterStream: (opts.deadLetterStream as string | undefined) || process.env[DEAD_LETTER_STREAM.env] || undefined,
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
        await target.release();
      }
    });
}
