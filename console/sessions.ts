import crypto from 'node:crypto';
import type { Role } from '../store';

export const SESSION_COOKIE = 'zhishen_session';
/** The login form's short-lived signed token (see loginForm.ts). */
export const LOGIN_FORM_COOKIE = 'zhishen_login';

/** Over HTTPS a cookie is `__Host-` prefixed: Secure, Path=/, no Domain — no sibling host can plant it. */
export const cookieName = (base: string, secure: boolean): string => (secure ? `__Host-${base}` : base);

export interface SessionUser {
  username: string;
  displayName: string;
  /** Re-read from the store on every request (server.ts), so a changed role counts at once. */
  role: Role;
  /** The user's session epoch at login; when the store's is higher, the session is over. */
  epoch: number;
}

export interface Session {
  id: string;
  /** Fixed for the life of the session and sent back in every form. */
  csrfToken: string;
  user: SessionUser;
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
 * tool on one machine is a fair price for having no session table to guard. Only a login makes a
 * session (the login form needs none), so their number is bounded by people who know a password.
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
    this.prune();
    const at = this.now();
    const session: Session = { id: randomId(), csrfToken: randomId(), user, createdAt: at, lastSeenAt: at, flash: null };
    this.sessions.set(session.id, session);
    return session;
  }

  /** How many sessions this process holds (for tests and the log). */
  get size(): number {
    return this.sessions.size;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  private prune(): void {
    const at = this.now();
    for (const [id, s] of this.sessions)
      if (at - s.lastSeenAt > this.idleMs || at - s.createdAt > this.absoluteMs) this.sessions.delete(id);
  }
}

/** The Set-Cookie value for a session: script cannot read it, other sites cannot send it. */
export function sessionCookie(id: string, secure: boolean): string {
  return `${cookieName(SESSION_COOKIE, secure)}=${id}; HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;
}

/** The Set-Cookie value for the login form's token; maxAgeSeconds 0 deletes it. */
export function loginFormCookie(token: string, secure: boolean, maxAgeSeconds: number): string {
  return `${cookieName(LOGIN_FORM_COOKIE, secure)}=${token}; HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}; Max-Age=${maxAgeSeconds}`;
}

/** Constant-time comparison of a submitted CSRF token with the session's. */
export function csrfMatches(session: Session, submitted: string | null): boolean {
  if (!submitted) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(submitted);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
