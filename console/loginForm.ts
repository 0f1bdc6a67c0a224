import crypto from 'node:crypto';

/**
 * The login form's CSRF protection without a server-side session: a signed double-submit token.
 * GET /login sets it in a short-lived cookie and in the form; POST /login needs both, equal, signed
 * by this process and not expired. Nothing is stored, so any number of GET /login costs no memory.
 *
 * The key is made at start and lives only in this process's memory: a restart (or another console
 * process) makes forms already on screen stale — the clerk reloads the page. Sessions are held in
 * memory too, so several console processes need sticky routing either way.
 */
export class LoginFormTokens {
  private readonly key = crypto.randomBytes(32);

  constructor(
    readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  private mac(body: string): string {
    return crypto.createHmac('sha256', this.key).update(`login-form:${body}`).digest('base64url');
  }

  issue(): string {
    const body = `${crypto.randomBytes(18).toString('base64url')}.${(this.now() + this.ttlMs).toString(36)}`;
    return `${body}.${this.mac(body)}`;
  }

  /**
   * The browser's current token when it is still good for a while, else a new one. Reusing it keeps
   * every login form of one browser valid: a second tab, or the redirect to /login of a stray
   * request (a favicon), would otherwise replace the cookie under a form already on screen.
   */
  current(fromCookie: string | undefined): string {
    if (fromCookie && this.valid(fromCookie, fromCookie) && parseInt(fromCookie.split('.')[1]!, 36) - this.now() > this.ttlMs / 2)
      return fromCookie;
    return this.issue();
  }

  /** The cookie and the form field carry the same token, which this process signed and is still fresh. */
  valid(fromCookie: string | undefined, fromForm: string | null): boolean {
    if (!fromCookie || !fromForm || !equal(fromCookie, fromForm)) return false;
    const parts = fromForm.split('.');
    if (parts.length !== 3) return false;
    const [nonce, expires, mac] = parts as [string, string, string];
    if (!equal(mac, this.mac(`${nonce}.${expires}`))) return false;
    const expiresAt = parseInt(expires, 36);
    return Number.isFinite(expiresAt) && expiresAt > this.now();
  }
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
