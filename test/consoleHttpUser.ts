/**
 * A minimal cookie-keeping HTTP client for the console, for the refusals and headers a browser would
 * never show: it keeps every cookie the console sets (and drops those it expires), and the last
 * CSRF token of a page it read.
 */
export class HttpUser {
  readonly cookies = new Map<string, string>();
  csrf: string | null = null;
  /** Extra headers on every request, e.g. X-Forwarded-For. */
  headers: Record<string, string> = {};

  constructor(
    private readonly base: string,
    private readonly defaultPassword = '',
  ) {}

  /** The Cookie header as a browser would send it. */
  get cookie(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: Response, body: string) {
    for (const set of res.headers.getSetCookie()) {
      const [pair, ...attributes] = set.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(eq + 1).trim());
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(body);
    if (token) this.csrf = token[1]!;
  }

  private requestHeaders(extra: Record<string, string> = {}): Record<string, string> {
    return { ...this.headers, ...(this.cookies.size ? { cookie: this.cookie } : {}), ...extra };
  }

  async get(p: string) {
    const res = await fetch(this.base + p, { redirect: 'manual', headers: this.requestHeaders() });
    const body = await res.text();
    this.remember(res, body);
    return { status: res.status, body, headers: res.headers };
  }

  async post(p: string, form: Record<string, string>) {
    const res = await fetch(this.base + p, {
      method: 'POST',
      redirect: 'manual',
      headers: this.requestHeaders({ 'content-type': 'application/x-www-form-urlencoded' }),
      body: new URLSearchParams(form).toString(),
    });
    const body = await res.text();
    this.remember(res, body);
    return { status: res.status, body, headers: res.headers };
  }

  /** Logs in through the form and, like a browser, follows the redirect (so `csrf` is the session's). */
  async login(username: string, password = this.defaultPassword, next = '/') {
    await this.get('/login');
    const res = await this.post('/login', { _csrf: this.csrf!, username, password, next });
    const location = res.headers.get('location');
    if (res.status === 303 && location?.startsWith('/')) await this.get(location);
    return res;
  }
}
