/**
 * Device class from a user agent with bowser (a maintained parser), cached
 * per distinct user agent since a viewer's batches repeat the same one.
 *
 * @example
 * deviceClass('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) ...') // 'mobile'
 */
import Bowser from 'bowser';
import type { DeviceClass } from '../../../contract/enriched.ts';
import { MAX_CACHED_USER_AGENTS } from '../../limits.ts';

const KNOWN: ReadonlySet<string> = new Set<DeviceClass>(['desktop', 'mobile', 'tablet', 'tv', 'bot']);
const cache = new Map<string, DeviceClass>();

export function deviceClass(userAgent: string | undefined): DeviceClass {
  if (!userAgent) return 'unknown';
  const hit = cache.get(userAgent);
  if (hit !== undefined) return hit;
  let found: DeviceClass = 'unknown';
  try {
    const type = Bowser.parse(userAgent).platform.type;
    if (type !== undefined && KNOWN.has(type)) found = type as DeviceClass;
  } catch {
    // bowser throws on some malformed agents; they stay unknown.
  }
  if (cache.size >= MAX_CACHED_USER_AGENTS) cache.clear();
  cache.set(userAgent, found);
  return found;
}
