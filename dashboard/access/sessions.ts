/**
 * Dashboard sessions (docs/spec.md §8): kept in the serving process, so they
 * end with it, or after SESSION_TTL_MS. The cookie carries a random id; the
 * store keeps only the id's SHA-256, so a lookup reveals nothing through
 * timing and a memory dump holds no usable cookie.
 *
 * @example
 * const store = new SessionStore();
 * const id = store.create({ role: 'admin' });
 * store.get(id); // { role: 'admin', expiresAt }
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from './tokens.ts';

/** How long a session lives (12 h, docs/spec.md §8). */
export const SESSION_TTL_MS = 12 * 3_600_000;
/** Most sessions held at once; the oldest is dropped beyond it (bounds memory under sign-in floods). */
export const MAX_SESSIONS = 10_000;
/** Random bytes in a session id (256 bits). */
export const SESSION_ID_BYTES = 32;

export interface SessionGrant {
  role: Role;
  retailer?: string;
}

export interface Session extends SessionGrant {
  /** Epoch ms after which the session is refused. */
  expiresAt: number;
}

function key(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('base64url');
}

export class SessionStore {
  // Insertion order is creation order, so the first entry is the oldest.
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now, private readonly ttlMs: number = SESSION_TTL_MS, private readonly maxSessions: number = MAX_SESSIONS) {}

  /** Starts a session for `grant`; returns the id for the cookie. */
  create(grant: SessionGrant): string {
    const id = randomBytes(SESSION_ID_BYTES).toString('base64url');
    this.sweep();
    while (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    this.sessions.set(key(id), { ...grant, expiresAt: this.now() + this.ttlMs });
    return id;
  }

  /** The live session of `id`, or undefined when unknown or expired (an expired one is removed). */
  get(id: string): Session | undefined {
    const k = key(id);
    const session = this.sessions.get(k);
    if (session === undefined) return undefined;
    if (this.now() >= session.expiresAt) {
      this.sessions.delete(k);
      return undefined;
    }
    return session;
  }

  /** Ends the session of `id` (sign-out). */
  delete(id: string): void {
    this.sessions.delete(key(id));
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Drops expired sessions from the oldest on. */
  private sweep(): void {
    const now = this.now();
    for (const [k, s] of this.sessions) {
      if (now < s.expiresAt) break;
      this.sessions.delete(k);
    }
  }
}
