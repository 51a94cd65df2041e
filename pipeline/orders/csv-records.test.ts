import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecords, type CsvRecord } from './csv-records.ts';
import { ndjsonTextLines, type TextLine } from './ndjson-text-lines.ts';

/** Values with every character CSV treats specially, line breaks of each kind included. */
const value = fc.array(fc.constantFrom('a', 'Z', '0', ' ', ',', '"', '\n', '\r', '\r\n', 'é', '😀'), { maxLength: 6 }).map((parts) => parts.join(''));
/** Line ends mixed in a file; or old-Mac lone \r throughout (mixed with \n, a \r then \n would be one CRLF). */
const eol = fc.constantFrom('\n', '\r\n');

function quote(v: string): string {
  return `"${v.replace(/"/g, '""')}"`;
}

/** Line breaks in a text, counted as the reader counts them (\r\n, \n and a lone \r each one). */
function breaks(text: string): number {
  return (text.match(/\r\n|\r|\n/g) ?? []).length;
}

/** Splits a text at the given cut points (into chunks as a stream might deliver them). */
function* chunksOf(text: string, cuts: number[]): Generator<string> {
  let from = 0;
  for (const at of [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)) {
    yield text.slice(from, at);
    from = at;
  }
  yield text.slice(from);
}

async function collect<T>(batches: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of batches) out.push(...batch);
  return out;
}

async function* asAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

describe('csvRecords', () => {
  it('reads back any records, numbered by the line each starts on, however the text is chunked and whatever the line ends', async () => {
    const record = fc.record({ fields: fc.array(value, { minLength: 1, maxLength: 4 }), eol, blankLines: fc.constantFrom(0, 0, 1, 2) });
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 8 }), fc.boolean(), fc.boolean(), fc.array(fc.nat(), { maxLength: 6 }), async (generated, oldMac, finalEol, cuts) => {
        const records = oldMac ? generated.map((r) => ({ ...r, eol: '\r' })) : generated;
        let text = '';
        let line = 1;
        const expected: CsvRecord[] = [];
        records.forEach((r, i) => {
          const blank = r.eol.repeat(r.blankLines);
          text += blank;
          line += r.blankLines;
          // A record of one empty value is a blank line: quoted, it is still read as blank.
          const row = r.fields.map(quote).join(',');
          if (!(r.fields.length === 1 && r.fields[0]!.trim() === '')) expected.push({ line, fields: r.fields });
          text += row;
          line += breaks(row);
          if (i < records.length - 1 || finalEol) {
            text += r.eol;
            line += 1;
          }
        });
        const got = await collect(csvRecords(asAsync(chunksOf(text, cuts)), { maxRecordChars: 1_000 }));
        expect(got).toEqual(expected);
      }),
      { seed: 1616, numRuns: 300 },
    );
  });

  it('reads unquoted values and reports a stray or unclosed quote by its record, then goes on', async () => {
    const text = 'a,b\r\nx"y,1\nok,2\r"closed"tail,3\n"next",4\r\n"open,5\nrest,6\n';
    expect(await collect(csvRecords(asAsync([text]), { maxRecordChars: 100 }))).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, error: 'a quote inside an unquoted value (quote the whole value and double the quotes in it)' },
      { line: 3, fields: ['ok', '2'] },
      { line: 4, error: 'text after the closing quote of a value (a quote inside a quoted value must be doubled)' },
      { line: 5, fields: ['next', '4'] },
      { line: 6, error: 'quote not closed: the value opened on line 6 runs to the end of the file' },
    ]);
  });

  it('refuses a record longer than the bound without keeping it, and reads the next one', async () => {
    const huge = 'x'.repeat(5_000);
    const chunks = ['h1,h2\n', `"${huge.slice(0, 2_000)}`, `${huge.slice(2_000)}\n\n`, `more",1\nok,2`];
    expect(await collect(csvRecords(asAsync(chunks), { maxRecordChars: 1_000 }))).toEqual([
      { line: 1, fields: ['h1', 'h2'] },
      { line: 2, error: 'row longer than 1000 characters (MAX_ORDER_ROW_BYTES)' },
      { line: 5, fields: ['ok', '2'] },
    ]);
  });
});

describe('ndjsonTextLines', () => {
  it('numbers lines the same with LF and CRLF, drops a BOM, keeps a last line without newline, however the bytes are chunked', async () => {
    const text = fc.array(fc.constantFrom('a', '{', '"', ' ', 'é', '😀', '\r'), { maxLength: 5 }).map((p) => p.join(''));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ text, crlf: fc.boolean() }), { minLength: 1, maxLength: 8 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 6 }), async (lines, bom, cuts) => {
        const body = lines.map((l, i) => l.text + (i < lines.length - 1 ? (l.crlf ? '\r\n' : '\n') : '')).join('');
        const bytes = Buffer.from((bom ? '\ufeff' : '') + body);
        const parts: Buffer[] = [];
        let from = 0;
        for (const at of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
          parts.push(bytes.subarray(from, at));
          from = at;
        }
        parts.push(bytes.subarray(from));
        const got = await collect(ndjsonTextLines(asAsync(parts), { maxLineBytes: 1_000 }));
        // The \r of a CRLF is dropped, and so is a line's own last \r where only \n (or nothing) follows.
        const expected: TextLine[] = lines.map((l, i) => ({ line: i + 1, text: i < lines.length - 1 && l.crlf ? l.text : l.text.replace(/\r$/, '') }));
        // The last line is read when it has any bytes (a BOM counts).
        const last = lines.length - 1;
        if (lines[last]!.text === '' && !(bom && last === 0)) expected.pop();
        expect(got).toEqual(expected);
      }),
      { seed: 1616, numRuns: 300 },
    );
  });

  it('reports a line longer than the bound and one that is not UTF-8, by number, and reads on', async () => {
    const parts = [Buffer.from('ok\n' + 'x'.repeat(700)), Buffer.from('y'.repeat(700) + '\r\n'), Buffer.from([0x7b, 0xff, 0x7d, 0x0a]), Buffer.from('last')];
    expect(await collect(ndjsonTextLines(asAsync(parts), { maxLineBytes: 1_000 }))).toEqual([
      { line: 1, text: 'ok' },
      { line: 2, error: 'line longer than 1000 bytes (MAX_ORDER_ROW_BYTES)' },
      { line: 3, error: 'not valid UTF-8' },
      { line: 4, text: 'last' },
    ]);
  });
});
