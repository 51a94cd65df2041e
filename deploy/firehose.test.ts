/**
 * The Firehose delivery streams of the stack (deploy/template.ts), against
 * the rules of the Amazon Data Firehose documentation, and against the lake
 * layout ingest writes (contract/lake.ts, pipeline/lake/):
 *
 * - processors run "Deaggregation → Data Transformation via Lambda →
 *   Partitioning Keys" (firehose/latest/dev/dynamic-partitioning-multirecord-deaggergation.html):
 *   RecordDeAggregation first, then Lambda, then MetadataExtraction; no
 *   AppendDelimiterToRecord when the output is Parquet (record format
 *   conversion writes columns, not delimited records);
 * - inline parsing is jq 1.6 only (dynamic-partitioning-partitioning-keys.html),
 *   and each `!{partitionKeyFromQuery:k}` / `!{partitionKeyFromLambda:k}`
 *   of the prefix is a key the query or the Lambda produces;
 * - dynamic partitioning needs an S3 error prefix (dynamic-partitioning-error-handling.html),
 *   here with `!{firehose:error-output-type}` and no partition key;
 * - no zero buffering with dynamic partitioning (buffering.html), and a
 *   buffer of 64 to 128 MiB with record format conversion (record-format-conversion.html;
 *   BufferingHints allows at most 128);
 * - the deaggregation delimiter is the contract's record format's;
 * - the prefix, the Athena projection's location template and ingest's
 *   partition folders name the same `<lake>/<table>/dt=YYYY-MM-DD/`, and the
 *   `dt` each computes for the same record is the same, at midnight too (the
 *   dead letters' jq query run by a real jq 1.6, as Firehose runs it).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { LAKE_TABLES } from '../contract/lake.ts';
import { packEvents } from '../contract/record-format.ts';
import { projectionTableProperties } from '../pipeline/engine/athena-ddl.ts';
import { DEAD_LETTERS_TABLE, EVENTS_TABLE } from '../pipeline/ingest/lake-tables.ts';
import { partitionName } from '../pipeline/lake/lake-store.ts';
import { everyType } from '../test/ingest-fixtures.ts';
import { transformLine } from './firehose-transform.ts';
import { buildTemplate, LAKE_PREFIX } from './template.ts';

interface Processor { Type: string; Parameters?: Array<{ ParameterName: string; ParameterValue: unknown }> }
interface Destination {
  Prefix: string;
  ErrorOutputPrefix?: string;
  BufferingHints: { SizeInMBs: number; IntervalInSeconds: number };
  DynamicPartitioningConfiguration?: { Enabled: boolean };
  ProcessingConfiguration: { Enabled: boolean; Processors: Processor[] };
  DataFormatConversionConfiguration?: { Enabled: boolean; OutputFormatConfiguration: { Serializer: Record<string, unknown> } };
}

/** Firehose's order of processing; a processor type not listed here is not expected in this stack. */
const PROCESSOR_ORDER = ['RecordDeAggregation', 'Lambda', 'MetadataExtraction'];
/** BufferingHints.SizeInMBs with record format conversion (Firehose's minimum then) and its API maximum. */
const MIN_CONVERSION_BUFFER_MIB = 64;
const MAX_BUFFER_MIB = 128;
const MAX_BUFFER_SECONDS = 900;

const resources = (buildTemplate() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }).Resources;
const streams = Object.entries(resources)
  .filter(([, r]) => r.Type === 'AWS::KinesisFirehose::DeliveryStream')
  .map(([name, r]) => ({ name, destination: r.Properties.ExtendedS3DestinationConfiguration as Destination }));
/** Which lake table each delivery stream lands. */
const TABLE_OF: Record<string, string> = { EventsDeliveryStream: LAKE_TABLES.events, DeadLettersDeliveryStream: LAKE_TABLES.deadLetters };

const parameter = (p: Processor, name: string) => p.Parameters?.find((x) => x.ParameterName === name)?.ParameterValue;
const prefixKeys = (prefix: string) => [...prefix.matchAll(/!\{(partitionKeyFromQuery|partitionKeyFromLambda):([^}]+)\}/g)].map((m) => ({ from: m[1]!, key: m[2]! }));

/** Runs Firehose's inline-parsing query over NDJSON records with the real jq 1.6. */
function jq(query: string, records: readonly object[]): Array<Record<string, string>> {
  const version = execFileSync('jq', ['--version'], { encoding: 'utf8' }).trim();
  expect(version, 'Firehose runs jq 1.6; so must this check').toBe('jq-1.6');
  const out = execFileSync('jq', ['-c', query], { input: records.map((r) => JSON.stringify(r)).join('\n'), encoding: 'utf8' });
  return out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
}

/** The `dt` ingest computes (its table spec's DuckDB expression) for each value of an epoch-ms column. */
async function ingestDt(expression: string, column: string, values: readonly number[]): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    const rows = (await con.runAndReadAll(`SELECT ${expression} FROM (VALUES ${values.map((v) => `(${v}::BIGINT)`).join(', ')}) t("${column}")`)).getRows();
    return rows.map((r) => String(r[0]));
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

/** Instants around two UTC midnights (and the epoch), where a date computed two ways would disagree first. */
const MIDNIGHT = Date.UTC(2026, 10, 28);
const INSTANTS = [0, MIDNIGHT - 1, MIDNIGHT, MIDNIGHT + 1, MIDNIGHT + 86_400_000 - 1, MIDNIGHT + 999, Date.UTC(2024, 1, 29, 23, 59, 59, 999)];

describe('Firehose delivery streams', () => {
  it('are the stack\'s two, one per table ingest lands from a stream', () => {
    expect(streams.map((s) => s.name).sort()).toEqual(Object.keys(TABLE_OF).sort());
  });

  it.each(streams)('$name: processors in Firehose\'s order, keys the prefix uses, an error prefix, buffering for Parquet', ({ destination: d }) => {
    const types = d.ProcessingConfiguration.Processors.map((p) => p.Type);
    expect(d.ProcessingConfiguration.Enabled).toBe(true);
    for (const t of types) expect(PROCESSOR_ORDER, `processor ${t}`).toContain(t);
    expect(types).toEqual([...types].sort((a, b) => PROCESSOR_ORDER.indexOf(a) - PROCESSOR_ORDER.indexOf(b)));
    expect(new Set(types).size).toBe(types.length);
    // Packed records are deaggregated before anything reads them, on the contract's own line delimiter.
    expect(types[0]).toBe('RecordDeAggregation');
    const deaggregation = d.ProcessingConfiguration.Processors[0]!;
    expect(parameter(deaggregation, 'SubRecordType')).toBe('DELIMITED');
    const delimiter = Buffer.from(String(parameter(deaggregation, 'Delimiter')), 'base64').toString('utf8');
    const packed = packEvents(everyType());
    const lines = packed.flatMap((record) => Buffer.from(record).toString('utf8').split(delimiter).filter((l) => l !== ''));
    expect(lines.map((l) => (JSON.parse(l) as { event_id: string }).event_id)).toEqual(everyType().map((e) => e.event_id));

    // Record format conversion to Parquet: columns, so no record delimiter is appended.
    expect(d.DataFormatConversionConfiguration?.Enabled).toBe(true);
    expect(Object.keys(d.DataFormatConversionConfiguration!.OutputFormatConfiguration.Serializer)).toEqual(['ParquetSerDe']);
    expect(types).not.toContain('AppendDelimiterToRecord');

    // Every partition key of the prefix comes from the processor that makes it.
    expect(d.DynamicPartitioningConfiguration?.Enabled).toBe(true);
    const keys = prefixKeys(d.Prefix);
    expect(keys.map((k) => k.key)).toEqual(['dt']);
    for (const { from, key } of keys) {
      if (from === 'partitionKeyFromLambda') expect(types).toContain('Lambda');
      else {
        const extraction = d.ProcessingConfiguration.Processors.find((p) => p.Type === 'MetadataExtraction');
        expect(extraction, 'partitionKeyFromQuery needs MetadataExtraction').toBeDefined();
        expect(parameter(extraction!, 'JsonParsingEngine')).toBe('JQ-1.6');
        const produced = jq(String(parameter(extraction!, 'MetadataExtractionQuery')), [{ received_at: MIDNIGHT }])[0]!;
        expect(Object.keys(produced)).toContain(key);
      }
    }

    // Failed records need their own prefix: by error type, never by a partition key they may lack.
    expect(d.ErrorOutputPrefix).toBeDefined();
    expect(d.ErrorOutputPrefix).toContain('!{firehose:error-output-type}');
    expect(d.ErrorOutputPrefix).not.toMatch(/partitionKeyFrom/);
    expect(d.ErrorOutputPrefix!.startsWith(`${LAKE_PREFIX}/`)).toBe(false);

    expect(d.BufferingHints.SizeInMBs).toBeGreaterThanOrEqual(MIN_CONVERSION_BUFFER_MIB);
    expect(d.BufferingHints.SizeInMBs).toBeLessThanOrEqual(MAX_BUFFER_MIB);
    expect(d.BufferingHints.IntervalInSeconds).toBeGreaterThan(0);
    expect(d.BufferingHints.IntervalInSeconds).toBeLessThanOrEqual(MAX_BUFFER_SECONDS);
  });

  it.each(streams)('$name: the prefix names the folder ingest writes and Athena projects, with the same dt', async ({ name, destination: d }) => {
    const table = TABLE_OF[name]!;
    const dt = '2026-11-28';
    const firehoseFolder = d.Prefix.replace(/!\{partitionKeyFrom(?:Query|Lambda):dt\}/, dt);
    const athenaFolder = projectionTableProperties(`${LAKE_PREFIX}/${table}/`)['storage.location.template']!.replace('${dt}', dt);
    const ingestFolder = `${LAKE_PREFIX}/${table}/${partitionName(dt)}/`;
    expect(firehoseFolder).toBe(ingestFolder);
    expect(athenaFolder).toBe(ingestFolder);

    if (prefixKeys(d.Prefix)[0]!.from === 'partitionKeyFromLambda') {
      // Events: the transform's dt for an event at each instant, against ingest's dt of its event_time.
      const template = everyType()[0]!;
      const fromLambda = INSTANTS.map((t) => {
        const out = transformLine(JSON.stringify({ ...template, event_time: t }));
        return 'dt' in out ? out.dt : out.error;
      });
      expect(fromLambda).toEqual(await ingestDt(EVENTS_TABLE.dtExpression, 'event_time', INSTANTS));
    } else {
      // Dead letters: jq 1.6 over received_at, against ingest's dt of received_at.
      const query = String(parameter(d.ProcessingConfiguration.Processors.find((p) => p.Type === 'MetadataExtraction')!, 'MetadataExtractionQuery'));
      const fromJq = jq(query, INSTANTS.map((t) => ({ received_at: t, error: 'bad json: x', line: '{' }))).map((r) => r.dt);
      expect(fromJq).toEqual(await ingestDt(DEAD_LETTERS_TABLE.dtExpression, 'received_at', INSTANTS));
    }
  });
});
