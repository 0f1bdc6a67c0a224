import fs from 'node:fs';
import { handleDashboardGet, handleDashboardPost } from './dashboard';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config/env';
import type { Logger } from '../logging/logger';
import type { Store } from '../store';
import { logIn, logOut, showLogin } from './authRoutes';
import { caseAction, sendAttachment, showCase, showInbox } from './caseRoutes';
import { readMultipartForm } from './multipart';
import type { AuthedContext, ConsoleDeps, RequestContext } from './context';
import { HttpError, parseCookies, readForm, redirect, SECURITY_HEADERS, sendHtml } from './http';
import { errorPage } from './pages/errorPage';
import { TrustedProxies } from './clientAddress';
import { currentSession } from './currentSession';
import { LoginFormTokens } from './loginForm';
import { DEFAULT_THROTTLE, LoginThrottle, type ThrottleLimits } from './rateLimit';
import { cookieName, csrfMatches, LOGIN_FORM_COOKIE, SessionStore } from './sessions';
import { addUser, adminAct, setUserEmail, showUsers } from './userRoutes';
import { reviewActions } from '../temporal/reviewActions';
import { actSigningKey } from '../security/actKeys';
import { handleCodec, isCodecPath } from './codecRoutes';
import { readNotifications, showNotifications } from './notificationRoutes';
import { refreshUnread } from './unreadBadge';
import { handleAuditGet, handleAuditPost } from './auditRoutes';
import { handlePolicy } from './policyRoutes';

export interface ConsoleOptions {
  store: Store;
  temporal: Client;
  config: AppConfig;
  logger: Logger;
  /** 0 picks a free port; default 8080. */
  port?: number;
  /** Default 127.0.0.1: the console is for the bureau's network, put it behind TLS to expose it. */
  host?: string;
  /** Where receipt attachments are looked up; default `<dataDir>/attachments`. */
  attachmentsDir?: string;
  /** Served over HTTPS (Secure __Host- cookies, HSTS); default: ZHISHEN_CONSOLE_PUBLIC_URL is https://…. */
  https?: boolean;
  /** Reverse proxies whose X-Forwarded-For is believed; default ZHISHEN_TRUSTED_PROXIES. */
  trustedProxies?: string[];
  sessionIdleMinutes?: number;
  /** Login throttling (rateLimit.ts); default 5 per account and address, 10 per account, 20 per address in 15 minutes. */
  throttle?: Partial<ThrottleLimits>;
  now?: () => Date;
}

export interface RunningConsole {
  url: string;
  /** Sessions this process holds: only logged-in users have one. */
  activeSessions(): number;
  close(): Promise<void>;
}

const CSS = fs.readFileSync(path.join(import.meta.dirname, 'static', 'console.css'));

/** The web console of the exception review: server-rendered pages on node:http. */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const now = options.now ?? (() => new Date());
  const deps: ConsoleDeps = {
    store: options.store,
    temporal: options.temporal,
    config: options.config,
    logger: options.logger,
    sessions: new SessionStore({ idleMs: (options.sessionIdleMinutes ?? 30) * 60_000 }),
    throttle: new LoginThrottle(options.store, { ...DEFAULT_THROTTLE, ...options.throttle }, () => now().getTime()),
    loginForms: new LoginFormTokens(10 * 60_000, () => now().getTime()),
    proxies: new TrustedProxies(options.trustedProxies ?? options.config.console.trustedProxies),
    actions: reviewActions(options.temporal, actSigningKey(options.config)),
    attachmentsDir: options.attachmentsDir ?? path.join(options.config.dataDir, 'attachments'),
    secureCookies: options.https ?? options.config.console.https,
    publicOrigin: options.config.console.publicUrl && new URL(options.config.console.publicUrl).origin,
    now,
  };
  const server = http.createServer((req, res) => {
    void handle(deps, req, res);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  deps.logger.info(`console listening on ${url}`);
  return {
    url,
    activeSessions: () => deps.sessions.size,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(deps: ConsoleDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  // Behind HTTPS the browser is told never to come back over plain HTTP (a year, this host only).
  if (deps.secureCookies) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
  const url = new URL(req.url ?? '/', 'http://console.invalid');
  const cookies = parseCookies(req);
  const ctx: RequestContext = { req, res, url, deps, cookies, session: undefined };
  try {
    ctx.session = await currentSession(deps, cookies);
    if (ctx.session) await refreshUnread(deps.store, ctx.session);
    // The Temporal UI's remote codec: JSON, CORS and its own checks, not the pages' forms.
    if (isCodecPath(url.pathname)) return await handleCodec(ctx);
    if (req.method === 'POST') await handlePost(ctx);
    else if (req.method === 'GET' || req.method === 'HEAD') await handleGet(ctx);
    else throw new HttpError(405, '不支持的请求方法');
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof HttpError) {
      if (err.status >= 400 && err.status !== 404)
        deps.logger.warn(`console: ${req.method} ${url.pathname} → ${err.status} ${err.message}`);
      return sendHtml(res, err.status, errorPage(ctx.session ?? null, titleOf(err.status), err.message));
    }
    deps.logger.error(`console: ${req.method} ${url.pathname} failed`, { error: err });
    sendHtml(res, 500, errorPage(ctx.session ?? null, '出错了', '服务器内部错误，已记录日志'));
  }
}

const titleOf = (status: number) =>
  ({ 401: '未登录', 403: '拒绝访问', 404: '未找到', 409: '操作被拒绝', 413: '内容过大', 415: '格式不支持' })[status] ?? '请求有误';

const hostOf = (origin: string) => (URL.canParse(origin) ? new URL(origin).host : null);

function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(404, '没有这个页面');
  }
}

function authed(ctx: RequestContext): ctx is AuthedContext {
  return !!ctx.session;
}

async function handleGet(ctx: RequestContext): Promise<void> {
  const p = ctx.url.pathname;
  if (p === '/static/console.css') {
    ctx.res.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'max-age=300' });
    ctx.res.end(CSS);
    return;
  }
  if (p === '/login') return showLogin(ctx);
  // A browser asks for it on its own; there is none, and a redirect to /login would be noise.
  if (p === '/favicon.ico') throw new HttpError(404, '没有这个页面');
  if (!authed(ctx)) return redirect(ctx.res, `/login?next=${encodeURIComponent(p + ctx.url.search)}`);
  if (p === '/') return showInbox(ctx);
  if (p === '/users') return showUsers(ctx);
  if (p === '/notifications') return showNotifications(ctx);
  if (p === '/audit' || p.startsWith('/audit/')) return handleAuditGet(ctx);
  if (p.startsWith('/policy/') && (await handlePolicy(ctx))) return;
  if ((p === '/dashboard' || p.startsWith('/dashboard/')) && (await handleDashboardGet(ctx))) return;
  let m = /^\/cases\/([^/]+)$/.exec(p);
  if (m) return showCase(ctx, segment(m[1]!));
  m = /^\/cases\/([^/]+)\/attachments\/(\d{1,3})$/.exec(p);
  if (m) return sendAttachment(ctx, segment(m[1]!), Number(m[2]));
  throw new HttpError(404, '没有这个页面');
}

async function handlePost(ctx: RequestContext): Promise<void> {
  const p = ctx.url.pathname;
  // Defence in depth behind the token: a browser's cross-site POST says where it comes from.
  const origin = ctx.req.headers.origin;
  const expectedHost = ctx.deps.publicOrigin ? new URL(ctx.deps.publicOrigin).host : ctx.req.headers.host;
  if (origin && origin !== 'null' && hostOf(origin) !== expectedHost) throw new HttpError(403, '拒绝来自其他站点的提交');
  if (p === '/login') {
    // No session before login: the form's token is a signed double-submit cookie (loginForm.ts).
    const form = await readForm(ctx.req);
    if (!ctx.deps.loginForms.valid(ctx.cookies.get(cookieName(LOGIN_FORM_COOKIE, ctx.deps.secureCookies)), form.get('_csrf'))) {
      ctx.deps.logger.warn('console: POST /login refused: missing, wrong or expired form token');
      throw new HttpError(403, '登录表单已失效（CSRF 校验失败），请刷新页面后重试');
    }
    return logIn(ctx, form);
  }
  // With no live session there is nothing to log out of: clearing the cookie is harmless either way.
  if (p === '/logout' && !authed(ctx)) return logOut(ctx);
  if (!authed(ctx)) throw new HttpError(401, '请先登录');
  if (p.startsWith('/policy/') && (await handlePolicy(ctx))) return;
  const multipart = /^multipart\/form-data/i.test(ctx.req.headers['content-type'] ?? '');
  // Only supplied documents come as uploads.
  if (multipart && !/^\/cases\/[^/]+\/supply$/.test(p)) throw new HttpError(415, '只接受表单提交');
  const { form, files } = multipart ? await readMultipartForm(ctx.req) : { form: await readForm(ctx.req), files: [] };
  if (!csrfMatches(ctx.session, form.get('_csrf'))) {
    ctx.deps.logger.warn(`console: POST ${p} refused: missing or wrong CSRF token (${ctx.session.user.username})`);
    throw new HttpError(403, '表单已失效（CSRF 校验失败），请刷新页面后重试');
  }
  if (p === '/logout') return logOut(ctx);
  if (p === '/users') return addUser(ctx, form);
  if (p === '/notifications/read') return readNotifications(ctx, form);
  const u = /^\/users\/([^/]+)\/(disable|enable|reset-password)$/.exec(p);
  if (u) return adminAct(ctx, segment(u[1]!), u[2] as 'disable' | 'enable' | 'reset-password', form);
  const e = /^\/users\/([^/]+)\/email$/.exec(p);
  if (e) return setUserEmail(ctx, segment(e[1]!), form);
  if (p.startsWith('/dashboard/') && (await handleDashboardPost(ctx, form))) return;
  if (p.startsWith('/audit/')) return handleAuditPost(ctx, form);
  const m = /^\/cases\/([^/]+)\/(claim|release|correct|decide|second-look|supply)$/.exec(p);
  if (m) return caseAction(ctx, segment(m[1]!), m[2]!, form, files);
  throw new HttpError(404, '没有这个操作');
}
