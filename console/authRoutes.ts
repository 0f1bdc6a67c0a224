import { authenticate } from '../store';
import type { RequestContext } from './context';
import { clientIp, redirect, sendHtml } from './http';
import { loginPage } from './pages/login';
import { sessionCookie, type Session } from './sessions';

/** Only a path of this console: never `//elsewhere` or a full URL (no open redirect). */
export function safeNext(next: string | null | undefined): string {
  return next && /^\/(?![/\\])/.test(next) && !/[\r\n]/.test(next) ? next : '/';
}

/** GET /login: an anonymous session to carry the form's CSRF token. */
export function showLogin(ctx: RequestContext): void {
  if (ctx.session?.user) return redirect(ctx.res, '/');
  const session = ctx.session ?? startAnonymous(ctx);
  sendHtml(ctx.res, 200, loginPage(session, { next: safeNext(ctx.url.searchParams.get('next')) }));
}

function startAnonymous(ctx: RequestContext): Session {
  const session = ctx.deps.sessions.create();
  ctx.res.setHeader('Set-Cookie', sessionCookie(session.id, ctx.deps.secureCookies));
  return session;
}

/** POST /login (CSRF already checked): rate limit, password, then a new session id. */
export async function logIn(ctx: RequestContext, form: URLSearchParams): Promise<void> {
  const { deps, res } = ctx;
  const session = ctx.session!;
  const username = (form.get('username') ?? '').trim().toLowerCase().slice(0, 60);
  const password = form.get('password') ?? '';
  const next = safeNext(form.get('next'));
  const ip = clientIp(ctx.req);

  const waitMs = deps.loginLimiter.retryAfterMs(username, ip);
  if (waitMs > 0) {
    deps.logger.warn(`console: login of ${username} from ${ip} refused: too many failures`);
    res.setHeader('Retry-After', String(Math.ceil(waitMs / 1000)));
    return sendHtml(res, 429, loginPage(session, { username, next, error: `登录失败次数过多，请 ${Math.ceil(waitMs / 60_000)} 分钟后再试` }));
  }
  const user = username && password ? await authenticate(deps.store, username, password) : undefined;
  if (!user) {
    deps.loginLimiter.recordFailure(username, ip);
    deps.logger.warn(`console: failed login for ${username} from ${ip}`);
    return sendHtml(res, 401, loginPage(session, { username, next, error: '用户名或密码错误' }));
  }
  deps.loginLimiter.recordSuccess(username, ip);
  // A new id at login: a session id planted before login (fixation) never becomes an authenticated one.
  const fresh = deps.sessions.logIn(session, { username: user.username, displayName: user.displayName, role: user.role });
  res.setHeader('Set-Cookie', sessionCookie(fresh.id, deps.secureCookies));
  deps.logger.info(`console: ${user.username} (${user.role}) logged in from ${ip}`);
  redirect(res, user.role === 'admin' && next === '/' ? '/users' : next);
}

/** POST /logout: the session is gone on the server, and the cookie with it. */
export function logOut(ctx: RequestContext): void {
  if (ctx.session) {
    ctx.deps.logger.info(`console: ${ctx.session.user?.username ?? 'anonymous'} logged out`);
    ctx.deps.sessions.destroy(ctx.session.id);
  }
  ctx.res.setHeader('Set-Cookie', `${sessionCookie('', ctx.deps.secureCookies)}; Max-Age=0`);
  redirect(ctx.res, '/login');
}
