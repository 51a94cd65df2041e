/**
 * A streaming CSV (RFC 4180) record reader that numbers each record by the
 * line it starts on, exactly: a line ends at `\r\n`, `\n` or a lone `\r`,
 * inside a quoted value as outside, so a value holding line breaks moves
 * the next record's number on by as many lines as it spans. A record that
 * cannot be read (a stray quote, an unclosed quote, longer than the bound)
 * comes back as an error with its line and the reader goes on with the
 * next one; memory is bounded by `maxRecordChars`, whatever the input.
 *
 * @example
 * for await (const batch of csvRecords(chunksOfText, { maxRecordChars: 1 << 20 })) for (const r of batch) 'error' in r ? report(r.line, r.error) : use(r.fields);
 */

export type CsvRecord = { line: number; fields: string[] } | { line: number; error: string };

export interface CsvRecordOptions {
  /** Longest record read (UTF-16 characters); a longer one is an error, its text dropped as it is read. */
  maxRecordChars: number;
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

type State = 'start' | 'unquoted' | 'quoted' | 'closed';

const QUOTED_SPECIAL = /["\r\n]/g;
const UNQUOTED_SPECIAL = /[,"\r\n]/g;

/** Index of the next character `special` matches in `text` from `from`, or the text's length. */
function nextSpecial(special: RegExp, text: string, from: number): number {
  special.lastIndex = from;
  return special.test(text) ? special.lastIndex - 1 : text.length;
}

/** Records of `chunks` (decoded text, any split), blank lines skipped, in batches (the records ending in one chunk: fewer async steps). */
export async function* csvRecords(chunks: AsyncIterable<string>, options: CsvRecordOptions): AsyncGenerator<CsvRecord[]> {
  const parser = new CsvParser(options.maxRecordChars);
  for await (const chunk of chunks) {
    const out = parser.push(chunk);
    if (out.length > 0) yield out;
  }
  const last = parser.end();
  if (last.length > 0) yield last;
}

class CsvParser {
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private state: State = 'start';
  private fields: string[] = [];
  private field = '';
  private chars = 0;
  private touched = false;
  private error: string | undefined;
  private oversized = false;
  private afterCr = false;
  private out: CsvRecord[] = [];

  constructor(private readonly maxChars: number) {}

  push(chunk: string): CsvRecord[] {
    this.out = [];
    let run = -1;
    const flush = (end: number) => {
      if (run < 0) return;
      this.add(chunk.slice(run, end));
      run = -1;
    };
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.afterCr) {
        this.afterCr = false;
        if (c === LF) {
          // The \n of a \r\n: the line was counted at the \r; inside quotes it is part of the value.
          if (this.state === 'quoted' && run < 0) run = i;
          continue;
        }
      }
      if (c === LF || c === CR) {
        if (c === CR) this.afterCr = true;
        if (this.state === 'quoted') {
          if (run < 0) run = i;
          this.line++;
          continue;
        }
        flush(i);
        this.endRecord();
        this.line++;
        this.recordLine = this.line;
        continue;
      }
      this.touched = true;
      if (this.state === 'quoted') {
        if (c === QUOTE) {
          flush(i);
          this.state = 'closed';
          continue;
        }
        // Plain text up to the next quote or line break, in one step.
        if (run < 0) run = i;
        i = nextSpecial(QUOTED_SPECIAL, chunk, i) - 1;
        continue;
      }
      if (c === COMMA) {
        flush(i);
        this.endField();
        continue;
      }
      if (c === QUOTE) {
        if (this.state === 'start') {
          this.state = 'quoted';
          this.quoteLine = this.line;
          continue;
        }
        if (this.state === 'closed') {
          // A doubled quote inside a quoted value: one quote, and the value goes on.
          run = i;
          this.state = 'quoted';
          continue;
        }
        this.fail('a quote inside an unquoted value (quote the whole value and double the quotes in it)');
      } else if (this.state === 'closed') {
        this.fail('text after the closing quote of a value (a quote inside a quoted value must be doubled)');
        this.state = 'unquoted';
      }
      if (this.state === 'start') this.state = 'unquoted';
      if (run < 0) run = i;
      // Plain text up to the next comma, quote or line break, in one step.
      i = nextSpecial(UNQUOTED_SPECIAL, chunk, i + 1) - 1;
    }
    flush(chunk.length);
    return this.out;
  }

  end(): CsvRecord[] {
    this.out = [];
    if (this.state === 'quoted') {
      this.fail(`quote not closed: the value opened on line ${this.quoteLine} runs to the end of the file`);
      this.touched = true;
    }
    this.endRecord();
    return this.out;
  }

  private add(text: string): void {
    this.chars += text.length;
    if (this.oversized) return;
    if (this.chars > this.maxChars) {
      this.oversized = true;
      this.fields = [];
      this.field = '';
      this.fail(`row longer than ${this.maxChars} characters (MAX_ORDER_ROW_BYTES)`);
      return;
    }
    this.field += text;
  }

  private fail(error: string): void {
    this.error ??= error;
  }

  private endField(): void {
    if (!this.oversized) this.fields.push(this.field);
    this.field = '';
    this.state = 'start';
    this.touched = true;
  }

  private endRecord(): void {
    if (this.touched || this.error) {
      this.endField();
      const blank = this.fields.length === 1 && this.fields[0]!.trim() === '' && !this.error;
      if (!blank) this.out.push(this.error ? { line: this.recordLine, error: this.error } : { line: this.recordLine, fields: this.fields });
    }
    this.fields = [];
    this.field = '';
    this.state = 'start';
    this.chars = 0;
    this.touched = false;
    this.error = undefined;
    this.oversized = false;
  }
}
