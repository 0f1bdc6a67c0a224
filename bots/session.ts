import type { Page, Response } from 'playwright';
import { asBotFault, TechnicalFault } from './errors';
import { outsideEvidenceTrace } from './evidence';
import { LoginPage } from './pages/LoginPage';
import type { ScreenRead } from './screenText';
import type { ScreenSession } from './pages/screenSession';

export interface LegacyCredentials {
  username: string;
  password: string;
}

export interface BotSessionOptions {
  /** Base URL of the core system, e.g. `http://127.0.0.1:8090`. */
  baseUrl: string;
  credentials: LegacyCredentials;
  /** Longest wait for one page or element; a slower core system is a technical fault. */
  timeoutMs?: number;
  /** Times one `run` may log in again after the session expired before giving up. */
  maxRelogins?: number;
}

/**
 * One clerk's seat at the core system: a logged-in page. It notices what a clerk notices — the
 * login screen after a timeout (logs in again), the 500 page (a technical fault) — so page
 * objects and bots only deal with the screens they mean to work.
 */
export class BotSession implements ScreenSession {
  readonly baseUrl: string;
  private readonly credentials: LegacyCredentials;
  private readonly maxRelogins: number;
  private readonly timeoutMs: number;
  private lastDocumentStatus: number | null = null;
  /** How often this session has logged in; more than once means the core system expired it. */
  loginCount = 0;
  /** Documents the core system has served this session's page (redirects included): its round trips for screens. */
  pageLoads = 0;
  /** Main-frame navigations seen: a screen read is good until the next one. */
  private documents = 0;
  private shown: { document: number; screen: string } | null = null;

  constructor(
    readonly page: Page,
    options: BotSessionOptions,
  ) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.credentials = options.credentials;
    this.maxRelogins = options.maxRelogins ?? 2;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    page.setDefaultTimeout(this.timeoutMs);
    page.setDefaultNavigationTimeout(this.timeoutMs);
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) this.documents += 1;
    });
    page.on('response', (response: Response) => {
      const request = response.request();
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
        this.lastDocumentStatus = response.status();
        this.pageLoads += 1;
      }
    });
  }

  /**
   * Logs in through the login screen. Wrong credentials are a non-retryable fault: retrying would
   * lock the account. Never traced: the password typed and posted would be in the step's evidence.
   */
  async login(): Promise<void> {
    await outsideEvidenceTrace(this.page.context(), async () => {
      const login = new LoginPage(this);
      await login.open();
      await login.logIn(this.credentials.username, this.credentials.password);
    });
    this.loginCount += 1;
  }

  /**
   * Runs a bot step; when the session expired midway the step is run again after logging in
   * (steps are safe to repeat: reads, and entries that look before they submit). Playwright's
   * errors come out as TechnicalFault.
   */
  async run<T>(step: () => Promise<T>): Promise<T> {
    for (let relogins = 0; ; relogins++) {
      try {
        return await step();
      } catch (err) {
        const fault = asBotFault(err);
        if (fault instanceof TechnicalFault && fault.kind === 'session-expired' && relogins < this.maxRelogins) continue;
        throw fault;
      }
    }
  }

  /** Opens a screen by its path; on the login screen instead, logs in again and opens it once more. */
  async open(path: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      this.lastDocumentStatus = null;
      const response = await this.page.goto(this.baseUrl + path, { waitUntil: 'load' });
      if (response) this.lastDocumentStatus = response.status();
      if (this.onLoginScreen() && !path.startsWith('/login')) {
        if (attempt > 0) throw new TechnicalFault('session-expired', '重新登录后仍回到登录页');
        await this.login();
        continue;
      }
      await this.assertNoServerError();
      return;
    }
  }

  /**
   * Reads a screen by its address without showing it: the page asks the core system for the
   * document (`fetch`, with the page's own session cookie, as a navigation would) and parses it, and
   * the bot reads the parsed document; the page stays where it was. For the query screens only —
   * a GET whose HTML is the whole screen, no script fills it — where a clerk's browser would show
   * the same text: it saves the navigation's layout, paint and Playwright's per-document work
   * (docs/bots-performance.md). A redirect to the login screen means the session expired: logs in
   * again and asks once more. A 500, or a document that is not the `expected` screen, fails as
   * `open` and `expectScreen` do.
   */
  async readScreen(path: string, expected: string): Promise<ScreenRead> {
    const url = this.baseUrl + path;
    if (new URL(this.page.url()).origin !== new URL(url).origin) await this.open('/main');
    for (let attempt = 0; ; attempt++) {
      const read = await this.page.evaluate(
        async ({ url, timeoutMs }) => {
          const response = await fetch(url, { credentials: 'same-origin', signal: AbortSignal.timeout(timeoutMs) }).catch((err: unknown) =>
            String(err),
          );
          if (typeof response === 'string')
            return { failed: response.startsWith('TimeoutError') ? ('timeout' as const) : ('unreachable' as const), message: response };
          const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
          // What screenText's readers read on a shown page, for every element with an id.
          const elements: ScreenRead['elements'] = {};
          for (const el of Array.from(doc.querySelectorAll('[id]'))) {
            elements[el.id] = {
              className: el.className,
              pairs: Array.from(el.querySelectorAll('td.label')).map((label) => [
                (label.textContent ?? '').trim().replace(/[：:]$/, ''),
                (label.nextElementSibling?.textContent ?? '').trim(),
              ]),
              rows: Array.from(el.querySelectorAll('tr'))
                .filter((tr) => tr.querySelector('td') !== null && tr.querySelector('td.empty') === null)
                .map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim())),
            };
          }
          const next = Array.from(doc.querySelectorAll('.pager a')).find((a) => (a.textContent ?? '').includes('下一页'));
          const nextHref = next?.getAttribute('href');
          const nextUrl = nextHref ? new URL(nextHref, response.url) : null;
          return {
            failed: null,
            status: response.status,
            landed: new URL(response.url).pathname,
            screen: doc.body?.getAttribute('data-screen') ?? 'unknown',
            elements,
            nextPage: nextUrl ? nextUrl.pathname + nextUrl.search : null,
          };
        },
        { url, timeoutMs: this.timeoutMs },
      );
      if (read.failed)
        throw new TechnicalFault(
          read.failed,
          `${read.failed === 'timeout' ? '核心系统响应超时' : '无法连接核心系统'}: ${read.message}（${path}）`,
        );
      this.pageLoads += 1;
      if (read.landed === '/login') {
        if (attempt > 0) throw new TechnicalFault('session-expired', '重新登录后仍回到登录页');
        await this.login();
        continue;
      }
      if (read.status >= 500 || read.screen === 'server-error')
        throw new TechnicalFault('server-error', `核心系统返回 HTTP ${read.status}（${path}）`);
      if (read.screen !== expected) throw new TechnicalFault('unexpected-screen', `期望页面 ${expected}，实际为 ${read.screen}（${path}）`);
      return { path, screen: read.screen, elements: read.elements, nextPage: read.nextPage };
    }
  }

  /**
   * Does what sends the page elsewhere (a click on 查询, 确定, a link) and checks where it landed.
   * A login screen means the session expired: logs in again and throws a retryable fault, because
   * what was submitted was lost and only the bot step knows how to redo it.
   */
  async navigate(action: () => Promise<unknown>): Promise<void> {
    await this.follow(action);
    if (this.onLoginScreen()) {
      await this.login();
      throw new TechnicalFault('session-expired', '会话已超时，已重新登录；本步骤需重做');
    }
  }

  /** Does what sends the page elsewhere and waits for the new page; fails on a 500 but accepts any screen. */
  async follow(action: () => Promise<unknown>): Promise<void> {
    this.lastDocumentStatus = null;
    const loaded = this.page.waitForEvent('load');
    loaded.catch(() => undefined);
    await action();
    await loaded;
    await this.assertNoServerError();
  }

  /**
   * The screen the page shows, by the `data-screen` of its body. Read once per document: the check
   * for a 500 after each load and the page object's own check ask the same, and each read is a
   * traced action with DOM snapshots when evidence is kept.
   */
  async screen(): Promise<string> {
    const seen = this.documents;
    if (this.shown?.document === seen) return this.shown.screen;
    // In the page's own world, not through a Locator (screenText.ts says why).
    const screen = (await this.page.evaluate(() => document.body?.getAttribute('data-screen') ?? null)) ?? 'unknown';
    this.shown = { document: seen, screen };
    return screen;
  }

  /** Fails unless the page shows `expected` — the bot must never read or type on the wrong screen. */
  async expectScreen(expected: string): Promise<void> {
    const actual = await this.screen();
    if (actual !== expected) throw new TechnicalFault('unexpected-screen', `期望页面 ${expected}，实际为 ${actual}（${this.path()}）`);
  }

  /** The path of the current page, query string included. */
  path(): string {
    const url = new URL(this.page.url());
    return url.pathname + url.search;
  }

  private onLoginScreen(): boolean {
    return new URL(this.page.url()).pathname === '/login';
  }

  private async assertNoServerError(): Promise<void> {
    const status = this.lastDocumentStatus;
    if ((status !== null && status >= 500) || (await this.screen()) === 'server-error') {
      throw new TechnicalFault('server-error', `核心系统返回 HTTP ${status ?? 500}（${this.path()}）`);
    }
  }
}
