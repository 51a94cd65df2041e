/**
 * Cross-site request forgery guard for state-changing requests (POST, PUT,
 * PATCH, DELETE): a browser names where the request came from in `Origin`
 * (and `Sec-Fetch-Site`); it must be this server's own origin. A request
 * carrying neither is not from a browser page (curl, scripts), which cannot
 * ride on a victim's cookie; `requireAccess` still refuses a cookie-only
 * state change without a same-origin `Origin`.
 *
 * @example
 * if (!sameOrigin(c)) return c.json({ error: '...' }, 403);
 */
import type { Context } from 'hono';

/** Methods that change state and so need the same-origin check. */
export const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** This server's origin as the request addressed it (`Host`, and the scheme it arrived on). */
export function ownOrigin(c: Context): string {
  const url = new URL(c.req.url);
  const host = c.req.header('host') ?? url.host;
  return `${url.protocol}//${host}`;
}

/** 'same' when Origin (or Sec-Fetch-Site) says this site, 'cross' when another, 'unknown' when the request says nothing. */
export function requestOrigin(c: Context): 'same' | 'cross' | 'unknown' {
  const origin = c.req.header('origin');
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'cross';
  if (origin !== undefined) return origin === ownOrigin(c) ? 'same' : 'cross';
  return site === 'same-origin' ? 'same' : 'unknown';
}
