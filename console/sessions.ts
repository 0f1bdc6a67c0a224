import crypto from 'node:crypto';
import type { Role } from '../store';

export const SESSION_COOKIE = 'zhishen_session';

export interface SessionUser {
  username: string;
  displayName: string;
  role: Role;
}

export interface Session {
  id: string;
  /** Fixed for the life of the session and sent back in every form. */
  csrfToken: string;
  user: SessionUser | null;
  createdAt: number;
  lastSeenAt: number;
  /** A one-time message for the next page (post/redirect/get). */
  flash: { kind: 'ok' | 'error'; text: string } | null;
}

export interface SessionOptions {
  idleMs?: number;
  absoluteMs?: number;
  now?: () => number;
}

const randomId = () => crypto.randomBytes(32).toString('base64url');

/**
 * Sessions held in the console's memory: a restart logs everyone out, which for a back-office
 * tool on one machine is a fair price for having no session table to guard.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly idleMs: number;
  private readonly absoluteMs: number;
  private readonly now: () => number;

  constructor(options: SessionOptions = {}) {
    this.idleMs = options.idleMs ?? 30 * 60_000;
    this.absoluteMs = options.absoluteMs ?? 12 * 3600_000;
    this.now = options.now ?? Date.now;
  }

  /** A fresh anonymous session (for the login form's CSRF token). */
  create(): Session {
    this.prune();
    const at = this.now();
    const session: Session = { id: randomId(), csrfToken: randomId(), user: null, createdAt: at, lastSeenAt: at, flash: null };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session of an id, touched; undefined when unknown, idle too long or too old. */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const at = this.now();
    if (at - session.lastSeenAt > this.idleMs || at - session.createdAt > this.absoluteMs) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastSeenAt = at;
    return session;
  }

  /** Login: the old id (which an attacker may have planted) dies, a new id and token carry the user. */
  logIn(previous: Session | undefined, user: SessionUser): Session {
    if (previous) this.sessions.delete(previous.id);
    const session = this.create();
    session.user = user;
    return session;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  private prune(): void {
    const at = this.now();
    for (const [id, s] of this.sessions) if (at - s.lastSeenAt > this.idleMs || at - s.createdAt > this.absoluteMs) this.sessions.delete(id);
  }
}

/** The Set-Cookie value for a session: script cannot read it, other sites cannot send it. */
export function sessionCookie(id: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;
}

/** Constant-time comparison of a submitted CSRF token with the session's. */
export function csrfMatches(session: Session, submitted: string | null): boolean {
  if (!submitted) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(submitted);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
