/**
 * Who is calling and what they may read. The layer that binds query
 * parameters asks `bindRetailer` for the retailer filter: a retailer token
 * always gets its own retailer (asking for another is 403), admin and
 * analyst get what they asked for (every retailer when nothing).
 *
 * @example
 * const retailer = bindRetailer(callerScope(c), c.req.query('retailer')); // throws AccessDenied
 */
import type { Context } from 'hono';
import type { Role } from './tokens.ts';

/** The caller of a request that passed `requireAccess`. */
export interface Scope {
  role: Role;
  /** Set for (and only for) a retailer token: the one retailer it reads. */
  retailer?: string;
  /** How the caller proved who they are. */
  via: 'bearer' | 'session';
}

/** Hono variables set by `requireAccess`; type a Hono app with this to read them. */
export type AccessEnv = { Variables: { access: Scope } };

/** A request the caller's scope does not allow: answered 403. */
export class AccessDenied extends Error {
  readonly status = 403;
  constructor(message: string) {
    super(message);
    this.name = 'AccessDenied';
  }
}

/** The scope `requireAccess` put on the context; throws when the route was not behind it (a wiring bug). */
export function callerScope(c: Context): Scope {
  const scope = (c as Context<AccessEnv>).get('access');
  if (scope === undefined) throw new Error('callerScope: route is not behind requireAccess');
  return scope;
}

/** The retailer filter to bind: a retailer token's own (another id: AccessDenied), else the requested one or undefined (every retailer). */
export function bindRetailer(scope: Scope, requested: string | undefined): string | undefined {
  if (scope.role !== 'retailer') return requested === '' ? undefined : requested;
  if (requested !== undefined && requested !== '' && requested !== scope.retailer) {
    throw new AccessDenied(`retailer "${requested}" is outside this token's scope: it reads only retailer "${scope.retailer}"`);
  }
  return scope.retailer;
}

/** True when the scope may read rows of `retailer`. */
export function canRead(scope: Scope, retailer: string): boolean {
  return scope.role !== 'retailer' || scope.retailer === retailer;
}

/** A cache key part that differs for every distinct scope (never shared across retailers). */
export function scopeKey(scope: Scope): string {
  return scope.role === 'retailer' ? `retailer:${scope.retailer}` : 'all';
}
