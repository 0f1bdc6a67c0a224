import { authenticate } from '../store';
import { clientAddress } from './clientAddress';
import type { RequestContext } from './context';
import { redirect, sendHtml } from './http';
import { loginPage } from './pages/login';
import { throttledMessage } from './rateLimit';
import { cookieName, LOGIN_FORM_COOKIE, loginFormCookie, sessionCookie } from './sessions';

const SAME_ORIGIN_BASE = 'http://console.invalid';

/**
 * Only a path of this console, as typed by the console itself: printable ASCII without spaces or
 * backslashes (browsers drop tabs and newlines and read `\` as `/`, so `/\t/evil.example` would
 * become `//evil.example`), not `//host`, and still on this origin once a URL parser has read it.
 * Anything else becomes `/`.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !/^\/(?!\/)[\x21-\x7e]*$/.test(next) || next.includes('\\')) return '/';
  if (!URL.canParse(next, SAME_ORIGIN_BASE)) return '/';
  const parsed = new URL(next, SAME_ORIGIN_BASE);
  return parsed.origin === SAME_ORIGIN_BASE && parsed.pathname.startsWith('/') && !parsed.pathname.startsWith('//') ? next : '/';
}

/** The login form with a signed token in the form and in a short-lived cookie; no session is made. */
function sendLoginForm(ctx: RequestContext, status: number, args: { username?: string; next: string; error?: string }): void {
  const { deps } = ctx;
  const token = deps.loginForms.current(ctx.cookies.get(cookieName(LOGIN_FORM_COOKIE, deps.secureCookies)));
  ctx.res.appendHeader('Set-Cookie', loginFormCookie(token, deps.secureCookies, Math.floor(deps.loginForms.ttlMs / 1000)));
  sendHtml(ctx.res, status, loginPage(token, args));
}

/** GET /login */
export function showLogin(ctx: RequestContext): void {
  if (ctx.session) return redirect(ctx.res, '/');
  sendLoginForm(ctx, 200, { next: safeNext(ctx.url.searchParams.get('next')) });
}

/** POST /login (its form token already checked): throttle, password, then a new session. */
export async function logIn(ctx: RequestContext, form: URLSearchParams): Promise<void> {
  const { deps, res } = ctx;
  const username = (form.get('username') ?? '').trim().toLowerCase().slice(0, 60);
  const password = form.get('password') ?? '';
  const next = safeNext(form.get('next'));
  const ip = clientAddress(ctx.req, deps.proxies);

  const admission = await deps.throttle.admit(username, ip);
  if (!admission.admitted) {
    deps.logger.warn(`console: login of ${username} from ${ip} refused: too many attempts (${admission.scope})`);
    res.setHeader('Retry-After', String(Math.ceil(admission.retryAfterMs / 1000)));
    return sendLoginForm(ctx, 429, { username, next, error: throttledMessage(admission.retryAfterMs, deps.now().getTime()) });
  }
  const user = username && password ? await authenticate(deps.store, username, password) : undefined;
  if (!user) {
    deps.logger.warn(`console: failed login for ${username} from ${ip}`);
    return sendLoginForm(ctx, 401, { username, next, error: '用户名或密码错误' });
  }
  await deps.throttle.succeeded(username, ip);
  // A new id at login: a session id planted before login (fixation) never becomes an authenticated one.
  const fresh = deps.sessions.logIn(ctx.session, {
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    epoch: user.sessionEpoch,
  });
  res.appendHeader('Set-Cookie', sessionCookie(fresh.id, deps.secureCookies));
  res.appendHeader('Set-Cookie', loginFormCookie('', deps.secureCookies, 0));
  deps.logger.info(`console: ${user.username} (${user.role}) logged in from ${ip}`);
  redirect(res, user.role === 'admin' && next === '/' ? '/users' : next);
}

/** POST /logout: the session is gone on the server, and the cookie with it. */
export function logOut(ctx: RequestContext): void {
  if (ctx.session) {
    ctx.deps.logger.info(`console: ${ctx.session.user.username} logged out`);
    ctx.deps.sessions.destroy(ctx.session.id);
  }
  ctx.res.setHeader('Set-Cookie', `${sessionCookie('', ctx.deps.secureCookies)}; Max-Age=0`);
  redirect(ctx.res, '/login');
}
