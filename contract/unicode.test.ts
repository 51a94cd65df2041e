import { describe, expect, it } from 'vitest';
import { cutAtCodePoint, escapeLoneSurrogates, firstLoneSurrogate, isWellFormed } from './unicode.ts';

describe('unicode helpers', () => {
  it('finds the first lone surrogate, and none in well-formed text (pairs included)', () => {
    expect(firstLoneSurrogate('abc😀')).toBe(-1);
    expect(firstLoneSurrogate('a\ud800b')).toBe(1);
    expect(firstLoneSurrogate('😀\udc00')).toBe(2);
    expect(firstLoneSurrogate('x\ud83d')).toBe(1);
  });

  it('escapes lone surrogates as the text \\uXXXX and leaves everything else alone', () => {
    expect(escapeLoneSurrogates('a\ud800b😀\udfff')).toBe('a\\ud800b😀\\udfff');
    expect(escapeLoneSurrogates('plain')).toBe('plain');
    expect(isWellFormed(escapeLoneSurrogates('\ud83d\ud83d\ude00'))).toBe(true);
  });

  it('cuts at most max characters, never between the halves of a pair', () => {
    expect(cutAtCodePoint('ab😀', 3)).toBe('ab');
    expect(cutAtCodePoint('ab😀', 4)).toBe('ab😀');
    expect(cutAtCodePoint('abcdef', 3)).toBe('abc');
    expect(cutAtCodePoint('ab', 8)).toBe('ab');
  });
});
