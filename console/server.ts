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
import { LoginRateLimiter } from './rateLimit';
import { csrfMatches, SESSION_COOKIE, SessionStore } from './sessions';
import { addUser, showUsers } from './userRoutes';
import { reviewActions } from '../temporal/reviewActions';
import { actSigningKey } from '../security/actKeys';
import { handleCodec, isCodecPath } from './codecRoutes';

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
  /** Mark the cookie Secure (when served over HTTPS). */
  secureCookies?: boolean;
  sessionIdleMinutes?: number;
  loginFailuresAllowed?: number;
  loginWindowMinutes?: number;
  now?: () => Date;
}

export interface RunningConsole {
  url: string;
  close(): Promise<void>;
}

const CSS = fs.readFileSync(path.join(import.meta.dirname, 'static', 'console.css'));

/** The web console of the exception review: server-rendered pages on node:http. */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const deps: ConsoleDeps = {
    store: options.store,
    temporal: options.temporal,
    config: options.config,
    logger: options.logger,
    sessions: new SessionStore({ idleMs: (options.sessionIdleMinutes ?? 30) * 60_000 }),
    loginLimiter: new LoginRateLimiter(options.loginFailuresAllowed ?? 5, (options.loginWindowMinutes ?? 15) * 60_000),
    actions: reviewActions(options.temporal, actSigningKey(options.config)),
    attachmentsDir: options.attachmentsDir ?? path.join(options.config.dataDir, 'attachments'),
    secureCookies: options.secureCookies ?? false,
    now: options.now ?? (() => new Date()),
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
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(deps: ConsoleDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  const url = new URL(req.url ?? '/', 'http://console.invalid');
  const ctx: RequestContext = { req, res, url, deps, session: deps.sessions.get(parseCookies(req).get(SESSION_COOKIE)) };
  // The Temporal UI's remote codec: JSON, CORS and its own checks, not the pages' forms.
  if (isCodecPath(url.pathname)) return handleCodec(ctx);
  try {
    if (req.method === 'POST') await handlePost(ctx);
    else if (req.method === 'GET' || req.method === 'HEAD') await handleGet(ctx);
    else throw new HttpError(405, '不支持的请求方法');
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof HttpError) {
      if (err.status >= 400 && err.status !== 404) deps.logger.warn(`console: ${req.method} ${url.pathname} → ${err.status} ${err.message}`);
      return sendHtml(res, err.status, errorPage(ctx.session ?? null, titleOf(err.status), err.message));
    }
    deps.logger.error(`console: ${req.method} ${url.pathname} failed`, { error: err });
    sendHtml(res, 500, errorPage(ctx.session ?? null, '出错了', '服务器内部错误，已记录日志'));
  }
}

const titleOf = (status: number) => ({ 401: '未登录', 403: '拒绝访问', 404: '未找到', 409: '操作被拒绝', 413: '内容过大', 415: '格式不支持' })[status] ?? '请求有误';

const hostOf = (origin: string) => URL.canParse(origin) ? new URL(origin).host : null;

function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(404, '没有这个页面');
  }
}

function authed(ctx: RequestContext): ctx is AuthedContext {
  return !!ctx.session?.user;
}

async function handleGet(ctx: RequestContext): Promise<void> {
  const p = ctx.url.pathname;
  if (p === '/static/console.css') {
    ctx.res.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'max-age=300' });
    ctx.res.end(CSS);
    return;
  }
  if (p === '/login') return showLogin(ctx);
  if (!authed(ctx)) return redirect(ctx.res, `/login?next=${encodeURIComponent(p + ctx.url.search)}`);
  if (p === '/') return showInbox(ctx);
  if (p === '/users') return showUsers(ctx);
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
  if (origin && origin !== 'null' && hostOf(origin) !== ctx.req.headers.host) throw new HttpError(403, '拒绝来自其他站点的提交');
  if (p !== '/login' && !authed(ctx)) throw new HttpError(401, '请先登录');
  const multipart = /^multipart\/form-data/i.test(ctx.req.headers['content-type'] ?? '');
  // Only supplied documents come as uploads, and only from someone logged in.
  if (multipart && !(authed(ctx) && /^\/cases\/[^/]+\/supply$/.test(p))) throw new HttpError(415, '只接受表单提交');
  const { form, files } = multipart ? await readMultipartForm(ctx.req) : { form: await readForm(ctx.req), files: [] };
  if (!ctx.session || !csrfMatches(ctx.session, form.get('_csrf'))) {
    ctx.deps.logger.warn(`console: POST ${p} refused: missing or wrong CSRF token (${ctx.session?.user?.username ?? 'anonymous'})`);
    throw new HttpError(403, '表单已失效（CSRF 校验失败），请刷新页面后重试');
  }
  if (p === '/login') return logIn(ctx, form);
  if (p === '/logout') return logOut(ctx);
  if (!authed(ctx)) throw new HttpError(401, '请先登录');
  if (p === '/users') return addUser(ctx, form);
  if (p.startsWith('/dashboard/') && (await handleDashboardPost(ctx, form))) return;
  const m = /^\/cases\/([^/]+)\/(claim|release|correct|decide|second-look|supply)$/.exec(p);
  if (m) return caseAction(ctx, segment(m[1]!), m[2]!, form, files);
  throw new HttpError(404, '没有这个操作');
}
