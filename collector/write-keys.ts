/**
 * Write keys (docs/spec.md §7): `LIVELENS_WRITE_KEYS` holds comma-separated
 * `key@retailer[=origin1|origin2]` entries.
 *
 * @example
 * parseWriteKeys('k1@acme=https://shop.acme.com|https://m.acme.com,k2')
 * // [{ key: 'k1', retailer: 'acme', origins: ['https://shop.acme.com', 'https://m.acme.com'] },
 * //  { key: 'k2', retailer: 'default', origins: [] }]
 */
import { randomBytes } from 'node:crypto';
import { MAX_RETAILER_CHARS, RETAILER_ID_PATTERN } from '../contract/limits.ts';
import type { WriteKey } from './types.ts';

export { MAX_RETAILER_CHARS };
const RETAILER_PATTERN = new RegExp(RETAILER_ID_PATTERN);

/** Retailer of a key given without `@retailer`. */
export const DEFAULT_RETAILER = 'default';
/** Longest write key (characters). */
export const MAX_WRITE_KEY_CHARS = 128;
// A key travels in `?key=`, so only URL-unreserved characters (RFC 3986): no
// escaping needed, and none of the setting's separators `@ = , |` or whitespace.
const KEY_PATTERN = new RegExp(`^[A-Za-z0-9_.~-]{1,${MAX_WRITE_KEY_CHARS}}$`);
const ENTRY_SYNTAX = 'expected key[@retailer][=origin1|origin2]';

/** Parses the setting; throws with the offending entry and what is allowed. */
export function parseWriteKeys(text: string): WriteKey[] {
  const keys: WriteKey[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const head = eq === -1 ? entry : entry.slice(0, eq);
    const originText = eq === -1 ? '' : entry.slice(eq + 1);
    const at = head.indexOf('@');
    const key = at === -1 ? head : head.slice(0, at);
    const retailer = at === -1 ? DEFAULT_RETAILER : head.slice(at + 1);
    if (!KEY_PATTERN.test(key)) {
      throw new Error(`LIVELENS_WRITE_KEYS entry ${JSON.stringify(entry)}: the key must be 1 to ${MAX_WRITE_KEY_CHARS} of [A-Za-z0-9_.~-] (${ENTRY_SYNTAX})`);
    }
    if (!RETAILER_PATTERN.test(retailer)) {
      throw new Error(`LIVELENS_WRITE_KEYS entry ${JSON.stringify(entry)}: the retailer must be 1 to ${MAX_RETAILER_CHARS} of [A-Za-z0-9_-] (${ENTRY_SYNTAX})`);
    }
    if (seen.has(key)) throw new Error(`LIVELENS_WRITE_KEYS: write key ${JSON.stringify(key)} is listed twice; each key may appear once`);
    seen.add(key);
    const origins = originText.split('|').map((o) => o.trim()).filter((o) => o !== '');
    for (const o of origins) {
      if (!/^https?:\/\/[^/\s]+$/.test(o)) {
        throw new Error(`LIVELENS_WRITE_KEYS entry ${JSON.stringify(entry)}: origin "${o}" must look like https://host[:port] (no path)`);
      }
    }
    keys.push({ key, retailer, origins });
  }
  if (keys.length === 0) throw new Error(`LIVELENS_WRITE_KEYS has no entries: ${ENTRY_SYNTAX}, comma-separated`);
  return keys;
}

/** A fresh random demo key for the `default` retailer (printed at start when none is configured). */
export function generateDemoKey(): WriteKey {
  return { key: `demo_${randomBytes(12).toString('hex')}`, retailer: DEFAULT_RETAILER, origins: [] };
}

/** Formats keys back into the setting's syntax, e.g. for printing. */
export function formatWriteKeys(keys: readonly WriteKey[]): string {
  return keys.map((k) => `${k.key}@${k.retailer}${k.origins.length ? '=' + k.origins.join('|') : ''}`).join(',');
}
