import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { systemChromiumPath } from '../config/defaults';
import { chromium, type Browser, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/env';
import { startConsole, type RunningConsole } from '../console/server';
import { createLogger } from '../logging/logger';
import { ADMIN_TRAIL_ID, createUser, listEvents, openStore, type Role, type Store } from '../store';
import { recipientNamed } from '../store/userEmail';
import { HttpUser as BaseHttpUser } from './consoleHttpUser';

const PASSWORD = 'door password 42';

class HttpUser extends BaseHttpUser {
  constructor(base: string) {
    super(base, PASSWORD);
  }
}

/**
 * The console's door end to end: the console on node:http over the embedded store, Chromium for
 * what a person does on its pages. No case is opened, so the Temporal client is never connected.
 */
describe('console door: throttling, sessions, HTTPS setting, account administration, next=', () => {
  let dataDir: string;
  let store: Store;
  let temporal: Client;
  let behindProxy: RunningConsole;
  let direct: RunningConsole;
  let https: RunningConsole;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-door-e2e-'));
    store = await openStore({ dataDir });
    const users: [string, Role][] = [
      ['admin', 'admin'],
      ['clerk.d', 'clerk'],
      ['clerk.r', 'clerk'],
      ['reader', 'auditor'],
      ['target', 'clerk'],
      ['sprayed', 'clerk'],
      ['spoofed', 'clerk'],
      ['next.user', 'clerk'],
    ];
    for (const [username, role] of users) await createUser(store, { username, displayName: username, role, password: PASSWORD });
    temporal = new Client();
    const logger = createLogger('console-door-test', { terminal: false, logDir: path.join(dataDir, 'logs') });
    const config = loadConfig({ ZHISHEN_DATA_DIR: dataDir });
    behindProxy = await startConsole({ store, temporal, config, logger, port: 0, trustedProxies: ['127.0.0.1'] });
    direct = await startConsole({ store, temporal, config, logger, port: 0 });
    https = await startConsole({
      store,
      temporal,
      config: loadConfig({ ZHISHEN_DATA_DIR: dataDir, ZHISHEN_CONSOLE_PUBLIC_URL: 'https://zhishen.bureau.example' }),
      logger,
      port: 0,
    });
    browser = await chromium.launch({
      executablePath: systemChromiumPath(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    for (const c of [behindProxy, direct, https]) await c?.close();
    await temporal?.connection.close().catch(() => {});
    await store?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes no session before login, however often the login form is fetched', async () => {
    const before = direct.activeSessions();
    const visitors = Array.from({ length: 50 }, () => new HttpUser(direct.url));
    for (const v of visitors) expect((await v.get('/login')).status).toBe(200);
    expect(direct.activeSessions()).toBe(before);
    expect(visitors.every((v) => !v.cookies.has('zhishen_session') && v.cookies.has('zhishen_login'))).toBe(true);
    // One visitor's form token in another's cookie (or a console restart's) is refused.
    const [a, b] = visitors as [HttpUser, HttpUser];
    expect((await a.post('/login', { _csrf: b.csrf!, username: 'clerk.d', password: PASSWORD })).status).toBe(403);
    expect((await new HttpUser(direct.url).login('clerk.d')).status).toBe(303);
    expect(direct.activeSessions()).toBe(before + 1);
  });

  it(
    'throttles an account guessed from many addresses behind the trusted proxy, saying in Chinese when to try again',
    { timeout: 180_000 },
    async () => {
      for (let i = 0; i < 10; i++) {
        const guesser = new HttpUser(behindProxy.url);
        guesser.headers = { 'x-forwarded-for': `198.51.100.${i + 1}` };
        expect((await guesser.login('target', `wrong guess ${i}`)).status).toBe(401);
      }
      const owner = new HttpUser(behindProxy.url);
      owner.headers = { 'x-forwarded-for': '192.0.2.200' };
      const refused = await owner.login('target');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(800);
      expect(refused.body).toMatch(/登录失败次数过多，请 1[45] 分钟后（北京时间 \d\d:\d\d 之后）再试/);
    },
  );

  it('throttles one address spraying a password over many accounts', { timeout: 240_000 }, async () => {
    const sprayer = new HttpUser(behindProxy.url);
    sprayer.headers = { 'x-forwarded-for': '203.0.113.66' };
    for (let i = 0; i < 20; i++) expect((await sprayer.login(`staff${i}`, 'Spring2026!!')).status).toBe(401);
    expect((await sprayer.login('sprayed')).status).toBe(429);
    const colleague = new HttpUser(behindProxy.url);
    colleague.headers = { 'x-forwarded-for': '203.0.113.67' };
    expect((await colleague.login('sprayed')).status).toBe(303);
  });

  it('believes no X-Forwarded-For from a peer that is not a trusted proxy', { timeout: 180_000 }, async () => {
    for (let i = 0; i < 5; i++) {
      const spoofer = new HttpUser(direct.url);
      spoofer.headers = { 'x-forwarded-for': `100.64.0.${i}` };
      expect((await spoofer.login('spoofed', `wrong guess ${i}`)).status).toBe(401);
    }
    const spoofer = new HttpUser(direct.url);
    spoofer.headers = { 'x-forwarded-for': '100.64.9.9' };
    expect((await spoofer.login('spoofed')).status).toBe(429);
  });

  it('behind HTTPS: Secure __Host- cookies, HSTS, and the Origin of the public URL', async () => {
    const user = new HttpUser(https.url);
    const form = await user.get('/login');
    expect(form.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(form.headers.get('set-cookie')).toMatch(/^__Host-zhishen_login=[^;]+; HttpOnly; SameSite=Strict; Path=\/; Secure; Max-Age=600$/);
    const foreign = await fetch(`${https.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: https.url, cookie: user.cookie },
      body: new URLSearchParams({ _csrf: user.csrf!, username: 'clerk.d', password: PASSWORD }).toString(),
      redirect: 'manual',
    });
    expect(foreign.status).toBe(403);
    user.headers = { origin: 'https://zhishen.bureau.example' };
    const login = await user.post('/login', { _csrf: user.csrf!, username: 'clerk.d', password: PASSWORD, next: '/' });
    expect(login.status).toBe(303);
    expect(login.headers.getSetCookie().find((c) => c.startsWith('__Host-zhishen_session='))).toMatch(
      /; HttpOnly; SameSite=Strict; Path=\/; Secure$/,
    );
    expect((await user.get('/')).status).toBe(200);
  });

  async function logInPage(base: string, username: string, password = PASSWORD): Promise<Page> {
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await page.goto(`${base}/login`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    return page;
  }

  it(
    'lets the admin disable, re-enable and reset a password on 用户管理, ending that user’s sessions at once',
    { timeout: 240_000 },
    async () => {
      const base = direct.url;
      const clerk = await logInPage(base, 'clerk.r');
      const admin = await logInPage(base, 'admin');
      expect(new URL(admin.url()).pathname).toBe('/users');
      const row = admin.locator('tr[data-username="clerk.r"]');
      expect(await admin.locator('tr[data-username="admin"] button', { hasText: '停用' }).count()).toBe(0);

      await row.getByRole('button', { name: '停用' }).click();
      await expect.poll(() => admin.locator('.notice.ok').textContent()).toContain('已停用用户 clerk.r');
      expect(await row.locator('.status').textContent()).toBe('停用');
      await clerk.reload();
      expect(new URL(clerk.url()).pathname).toBe('/login');

      await row.getByRole('button', { name: '启用' }).click();
      await expect.poll(() => row.locator('.status').textContent()).toBe('启用');
      const again = await logInPage(base, 'clerk.r');

      await row.getByLabel('新密码').fill('reset password 77');
      await row.getByRole('button', { name: '重置密码' }).click();
      await expect.poll(() => admin.locator('.notice.ok').textContent()).toContain('clerk.r');
      await again.reload();
      expect(new URL(again.url()).pathname).toBe('/login');
      expect((await new HttpUser(base).login('clerk.r', PASSWORD)).status).toBe(401);
      expect((await new HttpUser(base).login('clerk.r', 'reset password 77')).status).toBe(303);

      const trail = (await listEvents(store, ADMIN_TRAIL_ID)).filter((e) => (e.inputs as { username: string }).username === 'clerk.r');
      expect(trail.map((e) => [e.step, e.actor])).toEqual([
        ['user-disabled', { kind: 'user', name: 'admin' }],
        ['user-enabled', { kind: 'user', name: 'admin' }],
        ['password-reset', { kind: 'user', name: 'admin' }],
      ]);
      for (const p of [clerk, admin, again]) await p.context().close();
    },
  );

  it('lets the admin set, refuse a malformed, and clear the e-mail address notifications go to', { timeout: 120_000 }, async () => {
    const admin = await logInPage(direct.url, 'admin');
    const row = admin.locator('tr[data-username="target"]');
    await row.getByLabel('邮箱').fill('target@bureau.example');
    await row.getByRole('button', { name: '保存邮箱' }).click();
    await expect.poll(() => admin.locator('.notice.ok').textContent()).toContain('已设置用户 target 的邮箱');
    expect(await row.getByLabel('邮箱').inputValue()).toBe('target@bureau.example');
    expect((await recipientNamed(store, 'target'))?.email).toBe('target@bureau.example');

    // A name with a display part is not one address: refused, with the address kept as it was.
    const http = new HttpUser(direct.url);
    await http.login('admin');
    const refused = await http.post('/users/target/email', { _csrf: http.csrf!, email: 'Target <t@bureau.example>' });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('不是一个邮箱地址');
    expect((await recipientNamed(store, 'target'))?.email).toBe('target@bureau.example');
    expect((await http.post('/users/nobody/email', { _csrf: http.csrf!, email: 'n@bureau.example' })).status).toBe(404);
    const reader = new HttpUser(direct.url);
    await reader.login('reader');
    expect((await reader.post('/users/target/email', { _csrf: reader.csrf!, email: 'reader@evil.example' })).status).toBe(403);

    await row.getByLabel('邮箱').fill('');
    await row.getByRole('button', { name: '保存邮箱' }).click();
    await expect.poll(() => admin.locator('.notice.ok').textContent()).toContain('已清除用户 target 的邮箱');
    expect((await recipientNamed(store, 'target'))?.email).toBeNull();

    const trail = (await listEvents(store, ADMIN_TRAIL_ID)).filter(
      (e) => e.step === 'user-email-set' && (e.inputs as { username: string }).username === 'target',
    );
    expect(trail.map((e) => [e.actor, e.outcome])).toEqual([
      [{ kind: 'user', name: 'admin' }, { emailSet: true }],
      [{ kind: 'user', name: 'admin' }, { emailSet: false }],
    ]);
    await admin.context().close();
  });

  it('refuses admin acts to anyone but an admin, and to an admin on themselves (disable)', { timeout: 120_000 }, async () => {
    const reader = new HttpUser(direct.url);
    await reader.login('reader');
    expect((await reader.post('/users/clerk.d/disable', { _csrf: reader.csrf! })).status).toBe(403);
    expect((await reader.post('/users/clerk.d/reset-password', { _csrf: reader.csrf!, password: 'taken over 123' })).status).toBe(403);
    const admin = new HttpUser(direct.url);
    await admin.login('admin');
    expect((await admin.post('/users/admin/disable', { _csrf: admin.csrf! })).status).toBe(409);
    expect((await admin.post('/users/clerk.d/reset-password', { _csrf: admin.csrf!, password: 'short' })).status).toBe(400);
    expect((await admin.post('/users/nobody/disable', { _csrf: admin.csrf! })).status).toBe(404);
    expect((await admin.post('/users/clerk.d/disable', {})).status).toBe(403);
    expect((await new HttpUser(direct.url).login('clerk.d')).status).toBe(303);
  });

  it('applies a changed role on the existing session at once', { timeout: 120_000 }, async () => {
    const page = await logInPage(direct.url, 'reader');
    expect((await page.goto(`${direct.url}/users`))!.status()).toBe(403);
    await store.db.query(`UPDATE users SET role = 'admin' WHERE username = 'reader'`);
    expect((await page.goto(`${direct.url}/users`))!.status()).toBe(200);
    await store.db.query(`UPDATE users SET role = 'auditor' WHERE username = 'reader'`);
    expect((await page.goto(`${direct.url}/users`))!.status()).toBe(403);
    await page.context().close();
  });

  it.each(['/\t/evil.example', '/\\evil.example', '//evil.example', '/\n/evil.example', 'https://evil.example/'])(
    'keeps the browser on the console after login with next=%j',
    { timeout: 120_000 },
    async (hostile) => {
      const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
      const leftTheConsole: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(direct.url)) leftTheConsole.push(r.url());
      });
      await page.goto(`${direct.url}/login?next=${encodeURIComponent(hostile)}`);
      expect(await page.locator('input[name=next]').inputValue()).toBe('/');
      // The form as a forger would send it: the hostile value in the hidden field itself.
      await page.locator('input[name=next]').evaluate((el, v) => ((el as HTMLInputElement).value = v), hostile);
      await page.getByLabel('用户名').fill('next.user');
      await page.getByLabel('密码').fill(PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL((u) => !u.pathname.startsWith('/login'));
      expect(new URL(page.url()).origin).toBe(new URL(direct.url).origin);
      expect(new URL(page.url()).pathname).toBe('/');
      expect(leftTheConsole).toEqual([]);
      await page.context().close();
    },
  );
});
