/**
 * Well-formed Unicode for what reaches the lake. A JavaScript string may hold
 * a lone UTF-16 surrogate (`"\ud800"` in JSON); the lake (DuckDB, Parquet:
 * UTF-8) cannot, and refuses the whole line. The collector rejects events
 * with one (docs/spec.md §2 strings are Unicode text); dead letters and
 * ingest escape them so nothing is lost.
 *
 * @example
 * firstLoneSurrogate('a\ud800') // 1
 * escapeLoneSurrogates('a\ud800') // 'a\\ud800' (the six characters \ud800)
 * cutAtCodePoint('ab😀', 3) // 'ab'
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** True when `text` holds no lone surrogate (String.prototype.isWellFormed, which the compile target lacks). */
export function isWellFormed(text: string): boolean {
  return firstLoneSurrogate(text) === -1;
}

/** Index of the first lone surrogate in `text`, or -1 when it is well-formed. */
export function firstLoneSurrogate(text: string): number {
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.exec(text)?.index ?? -1;
}

/** `text` with each lone surrogate replaced by its escape as text (`\ud800`, six characters); lossless to a reader. */
export function escapeLoneSurrogates(text: string): string {
  return text.replace(LONE_SURROGATE, (s) => `\\u${s.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The first at most `maxChars` UTF-16 units of `text`, cut on a code-point boundary (never between a pair's halves). */
export function cutAtCodePoint(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const last = text.charCodeAt(maxChars - 1);
  const next = text.charCodeAt(maxChars);
  const splitsPair = last >= 0xd800 && last <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
  return text.slice(0, splitsPair ? maxChars - 1 : maxChars);
}
