/**
 * `livelens athena ddl [--create]` (docs/spec.md §5): prints the Athena
 * setup for the lake on S3 (database, external tables with partition
 * projection, dedupe views), or with `--create` runs it through the Athena
 * API. Idempotent either way (pipeline/engine/athena-ddl.ts).
 *
 * @example
 * LIVELENS_LAKE=s3://acme-lake/livelens livelens athena ddl > setup.sql
 * AWS_REGION=eu-west-1 LIVELENS_LAKE=s3://acme-lake/livelens livelens athena ddl --create
 */
import type { Command } from 'commander';
import { addSettingOptions, resolveSettings, type SettingsOf } from '../../config/settings.ts';
import { ATHENA_SETTINGS, athenaConfigFrom, lakeLocationFrom, requireAwsRegion, type AthenaConfig } from '../../pipeline/engine/athena-config.ts';
import { athenaDdlScript } from '../../pipeline/engine/athena-ddl.ts';
import { createAthenaEngine } from '../../pipeline/engine/athena.ts';

/** The S3 lake root the DDL points at, or an error naming what to set. */
function lakeS3(config: AthenaConfig, settings: SettingsOf<typeof ATHENA_SETTINGS>): string {
  if (config.lakeS3 === undefined) {
    const lake = lakeLocationFrom(settings);
    const now = lake.setting === 'default' ? 'no lake is set' : `${lake.setting} is a folder`;
    throw new Error(`athena ddl needs the lake on S3 (${now}): set --lake / LIVELENS_LAKE (or the older LIVELENS_LAKE_S3) to s3://bucket/prefix, the folder holding events/, orders/ and dead_letters/`);
  }
  return config.lakeS3;
}

export function register(program: Command): void {
  const athena = program.command('athena').description('Amazon Athena over the lake on S3');
  const ddl = athena
    .command('ddl')
    .description('print the Athena tables (lake_events, lake_orders, lake_dead_letters) and dedupe views, or create them with --create')
    .option('--create', 'run the statements through the Athena API instead of printing them')
    .addHelpText(
      'after',
      `
Partitions (dt=YYYY-MM-DD) are found by partition projection from the first day
to tomorrow, so nothing needs MSCK REPAIR after a landing. Running it again is
safe: CREATE ... IF NOT EXISTS, ALTER TABLE ... SET TBLPROPERTIES and
CREATE OR REPLACE VIEW; nothing is dropped and no data is touched.
With --create, stdout gets {"database","lake","statements":[{"object","query_execution_id"}]}.`,
    )
    .action(async (opts: Record<string, unknown>) => {
      const settings = resolveSettings(ATHENA_SETTINGS, opts);
      const config = athenaConfigFrom(settings);
      const lake = lakeS3(config, settings);
      if (opts.create !== true) {
        process.stdout.write(athenaDdlScript({ lakeS3: lake, database: config.database }));
        return;
      }
      requireAwsRegion(config.region);
      const engine = createAthenaEngine(config);
      try {
        const statements = await engine.setup();
        for (const s of statements) process.stderr.write(`livelens athena ddl: ${s.object} ok (${s.query_execution_id})\n`);
        process.stdout.write(JSON.stringify({ database: config.database, lake, statements }) + '\n');
      } finally {
        await engine.close();
      }
    });
  addSettingOptions(ddl, ['lake', 'lakeS3', 'awsRegion', 'athenaWorkgroup', 'athenaOutput', 'athenaDatabase', 'athenaCatalog']);
}
