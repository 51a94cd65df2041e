/**
 * Dashboard tokens (docs/spec.md §§7 and 8): `LIVELENS_DASHBOARD_TOKENS`
 * holds comma-separated `token=role[:scope]` entries, the roles being
 * `admin`, `analyst` and `retailer:<retailer id>`. Without the setting,
 * one admin token is generated and printed at start.
 *
 * @example
 * parseDashboardTokens('s3cret-admin-token-1=admin,acme-token-000001=retailer:acme');
 * // [{ token: 's3cret-admin-token-1', role: 'admin' }, { token: 'acme-token-000001', role: 'retailer', retailer: 'acme' }]
 */
import { randomBytes } from 'node:crypto';

/** Shortest token accepted (characters): shorter ones are guessable. */
export const MIN_TOKEN_CHARS = 16;
/** Longest token accepted (characters). */
export const MAX_TOKEN_CHARS = 256;
/** Longest retailer id (characters), as for write keys. */
export const MAX_RETAILER_ID_CHARS = 64;
/** Random bytes in a generated token (192 bits). */
export const GENERATED_TOKEN_BYTES = 24;

export const ROLES = ['admin', 'analyst', 'retailer'] as const;
export type Role = (typeof ROLES)[number];

/** One configured token and whom it lets in. */
export interface DashboardToken {
  token: string;
  role: Role;
  /** The only retailer a `retailer` token reads. */
  retailer?: string;
}

const TOKEN_PATTERN = new RegExp(`^[A-Za-z0-9_.~-]{${MIN_TOKEN_CHARS},${MAX_TOKEN_CHARS}}$`);
const RETAILER_PATTERN = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_RETAILER_ID_CHARS}}$`);
const ENTRY_SYNTAX = 'expected token=admin, token=analyst or token=retailer:<retailer id>';

/** Parses the setting; throws naming the offending entry and what is allowed (never echoing a token). */
export function parseDashboardTokens(text: string): DashboardToken[] {
  const tokens: DashboardToken[] = [];
  const seen = new Set<string>();
  let position = 0;
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    position += 1;
    const where = `LIVELENS_DASHBOARD_TOKENS entry ${position}`;
    const eq = entry.indexOf('=');
    if (eq === -1) throw new Error(`${where} has no "=": ${ENTRY_SYNTAX}`);
    const token = entry.slice(0, eq);
    const grant = entry.slice(eq + 1).trim();
    if (!TOKEN_PATTERN.test(token)) {
      throw new Error(`${where}: the token must be ${MIN_TOKEN_CHARS} to ${MAX_TOKEN_CHARS} of [A-Za-z0-9_.~-] (${ENTRY_SYNTAX})`);
    }
    if (seen.has(token)) throw new Error(`${where}: this token is listed twice; each token may appear once`);
    seen.add(token);
    if (grant === 'admin' || grant === 'analyst') {
      tokens.push({ token, role: grant });
    } else if (grant.startsWith('retailer:')) {
      const retailer = grant.slice('retailer:'.length);
      if (!RETAILER_PATTERN.test(retailer)) {
        throw new Error(`${where}: retailer "${retailer}" must be 1 to ${MAX_RETAILER_ID_CHARS} of [A-Za-z0-9_-] (${ENTRY_SYNTAX})`);
      }
      tokens.push({ token, role: 'retailer', retailer });
    } else {
      throw new Error(`${where}: role "${grant}" is not known (${ENTRY_SYNTAX})`);
    }
  }
  if (tokens.length === 0) throw new Error(`LIVELENS_DASHBOARD_TOKENS has no entries: ${ENTRY_SYNTAX}, comma-separated`);
  return tokens;
}

/** A fresh random admin token (printed at start when none is configured). */
export function generateAdminToken(): DashboardToken {
  return { token: `admin_${randomBytes(GENERATED_TOKEN_BYTES).toString('base64url')}`, role: 'admin' };
}

/** The tokens of the setting, or one generated admin token when it is unset or blank. */
export function resolveDashboardTokens(text: string | undefined): { tokens: DashboardToken[]; generated: boolean } {
  if (text === undefined || text.trim() === '') return { tokens: [generateAdminToken()], generated: true };
  return { tokens: parseDashboardTokens(text), generated: false };
}
