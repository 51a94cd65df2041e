import { describe, expect, it } from 'vitest';
import { regionFrom } from './index.ts';
import { deviceClass } from './device-class.ts';
import { DESKTOP_UA, IPHONE_UA } from '../../testing/fixtures.ts';

describe('regionFrom', () => {
  it.each([
    ['US', 'US'], ['de', 'DE'], [' fr ', 'FR'], ['USA', 'unknown'], ['', 'unknown'], [undefined, 'unknown'], ['1a', 'unknown'],
  ])('%j -> %s', (header, region) => expect(regionFrom(header)).toBe(region));
});

describe('deviceClass', () => {
  it.each([
    [IPHONE_UA, 'mobile'],
    [DESKTOP_UA, 'desktop'],
    ['Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1', 'tablet'],
    ['Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/538.1 (KHTML, like Gecko) Version/6.0 TV Safari/538.1', 'tv'],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'bot'],
    ['curl/8.0', 'unknown'],
    [undefined, 'unknown'],
  ])('%s -> %s', (ua, cls) => expect(deviceClass(ua)).toBe(cls));
});
