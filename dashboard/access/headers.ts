/**
 * Security headers on every dashboard response (issue 13): a
 * Content-Security-Policy that allows scripts only from this origin (no
 * `unsafe-inline`, no `eval`), no framing, no MIME sniffing, no referrer
 * leaving the site.
 *
 * Styles come from this origin too: the page script sets styles through the
 * CSSOM (`el.style.width = ...`), which CSP allows, never through markup.
 *
 * @example
 * app.use('/api/v1/*', securityHeaders());
 */
import type { MiddlewareHandler } from 'hono';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Sets SECURITY_HEADERS on the response (after the handler ran). */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  };
}
