import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { systemChromiumPath } from '../config/defaults';
import { chromium, type Browser, type Page } from 'playwright';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../cli/batch';
import { seedLegacy } from '../fixtures/legacy-system';
import { startConsole, type RunningConsole } from '../console/server';
import { writeIntakeWorkbook } from '../fixtures/generate';
import { createLogger } from '../logging/logger';
import { idCheckCharacter } from '../rules/idNumber';
import type { CaseFile } from '../rules/schemas';
import { createUser, getCase, listEvents, type Role } from '../store';
import { claimUpdate, reviewStateQuery, reviewUpdate } from '../workflows/messages';
import { legacyDataFile, loadLegacyData } from '../fixtures/legacy-system/records';
import { HttpUser as BaseHttpUser } from './consoleHttpUser';
import { exited, startTestStack, type TestStack } from '../harness/stack';

const ROOT = path.resolve(import.meta.dirname, '..');
const EXAMPLES = path.join(ROOT, 'fixtures', 'examples');
const PASSWORD = 'correct horse 42';
const XSS_NAME = '<script>window.__xss=1</script>';
const XSS_CASE = 'LS-2024-0099';

const USERS: { username: string; role: Role; displayName: string }[] = [
  { username: 'clerk.a', role: 'clerk', displayName: '张经办' },
  { username: 'clerk.b', role: 'clerk', displayName: '李经办' },
  { username: 'chief', role: 'supervisor', displayName: '王科长' },
  { username: 'boss', role: 'manager', displayName: '赵经理' },
  { username: 'audit', role: 'auditor', displayName: '钱审计' },
  { username: 'admin', role: 'admin', displayName: '管理员' },
  { username: 'guessed', role: 'clerk', displayName: '被猜密码' },
];

class HttpUser extends BaseHttpUser {
  constructor(base: string) {
    super(base, PASSWORD);
  }
}

/**
 * The review console end to end: real Temporal dev server, store and worker process, a batch with
 * exceptions, the console on node:http and Debian's Chromium driving it as clerks would.
 */
describe('review console in Chromium on the real stack', () => {
  let stack: TestStack;
  let console_: RunningConsole;
  let browser: Browser;
  let worker: Awaited<ReturnType<TestStack['startWorker']>>;
  let fullIds: string[];

  beforeAll(async () => {
    stack = await startTestStack();
    const examples = ['LS-2024-0006', 'LS-2024-0008', 'TR-2026-0015'].map(
      (id) => JSON.parse(fs.readFileSync(path.join(EXAMPLES, `${id}.json`), 'utf8')) as CaseFile,
    );
    // A person whose name in the core system is a script: the application names someone else, so the
    // case comes to a clerk with the core system's name in its exception and facts.
    const first17 = '44040219850312123';
    const xssInCore = {
      ...examples[1]!,
      caseId: XSS_CASE,
      person: { idNumber: first17 + idCheckCharacter(first17), name: XSS_NAME, sex: 'M', birthDate: '1985-03-12' },
    } as CaseFile;
    const xssApplied = { ...xssInCore, person: { ...xssInCore.person, name: '韩梅梅' } } as CaseFile;
    fullIds = [...examples, xssInCore].map((c) => c.person.idNumber);

    const files = [...examples, xssInCore].map((c) => {
      const file = path.join(stack.dataDir, `${c.caseId}.json`);
      fs.writeFileSync(file, JSON.stringify(c));
      return file;
    });
    seedLegacy(stack.dataDir, files);
    const workbook = path.join(stack.dataDir, 'intake.xlsx');
    await writeIntakeWorkbook(workbook, [...examples, xssApplied]);

    worker = await stack.startWorker();
    const batch = await runBatch(stack.config, { workbook, wait: true, report: path.join(stack.dataDir, 'report.xlsx') });
    expect(batch.progress?.byOutcome.review).toBe(4);
    for (const u of USERS) await createUser(stack.store, { ...u, password: PASSWORD });

    const logger = createLogger('console-test', { terminal: false, logDir: path.join(stack.dataDir, 'logs') });
    console_ = await startConsole({ store: stack.store, temporal: stack.client, config: stack.config, logger, port: 0 });
    browser = await chromium.launch({
      executablePath: systemChromiumPath(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await console_?.close();
    if (worker) {
      worker.kill('SIGTERM');
      await exited(worker);
    }
    await stack?.stop();
  });

  async function logInPage(username: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    page.on('dialog', () => {
      throw new Error('a script opened a dialog');
    });
    await page.goto(`${console_.url}/`);
    await expect.poll(() => page.url()).toContain('/login');
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    return page;
  }

  const reviewState = (caseId: string) => stack.client.workflow.getHandle(`case-${caseId}`).query(reviewStateQuery);

  it('refuses without a session: pages redirect to the login, actions are 401, every response has the security headers', async () => {
    const anonymous = new HttpUser(console_.url);
    const inbox = await anonymous.get('/');
    expect(inbox.status).toBe(303);
    expect(inbox.headers.get('location')).toBe('/login?next=%2F');
    expect((await anonymous.get('/cases/LS-2024-0006')).headers.get('location')).toMatch(/^\/login\?next=/);
    const claim = await anonymous.post('/cases/LS-2024-0006/claim', { _csrf: 'x' });
    expect(claim.status).toBe(401);
    expect((await reviewState('LS-2024-0006')).claimedBy).toBeNull();
    const login = await anonymous.get('/login');
    expect(login.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(login.headers.get('x-frame-options')).toBe('DENY');
    expect(login.headers.get('x-content-type-options')).toBe('nosniff');
    expect(login.headers.get('strict-transport-security')).toBeNull();
    // The login form's token rides in a short-lived cookie; no session exists before login.
    expect(login.headers.get('set-cookie')).toMatch(/^zhishen_login=[^;]+; HttpOnly; SameSite=Strict; Path=\/; Max-Age=600$/);
  });

  it('gives a new session id at login, never one planted before, and refuses a login without its CSRF token', async () => {
    const user = new HttpUser(console_.url);
    // An id an attacker planted in the victim's browser before login.
    user.cookies.set('zhishen_session', 'planted-by-an-attacker-aaaaaaaaaaaaaaaaaaaa');
    await user.get('/login');
    expect(user.cookies.get('zhishen_session')).toBe('planted-by-an-attacker-aaaaaaaaaaaaaaaaaaaa');
    expect((await user.post('/login', { username: 'clerk.a', password: PASSWORD })).status).toBe(403);
    const login = await user.post('/login', { _csrf: user.csrf!, username: 'clerk.a', password: PASSWORD, next: '/' });
    expect(login.status).toBe(303);
    expect(user.cookies.get('zhishen_session')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(user.cookies.has('zhishen_login')).toBe(false);
    expect((await user.get('/')).status).toBe(200);
    const planted = new HttpUser(console_.url);
    planted.cookies.set('zhishen_session', 'planted-by-an-attacker-aaaaaaaaaaaaaaaaaaaa');
    expect((await planted.get('/')).status).toBe(303);
  });

  it('rate-limits failed logins per user and address, even when the right password follows', async () => {
    const attacker = new HttpUser(console_.url);
    for (let i = 0; i < 5; i++) expect((await attacker.login('guessed', `wrong-password-${i}`)).status).toBe(401);
    const locked = await attacker.login('guessed', PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body).toContain('登录失败次数过多');
    // Another user from the same address is not locked out.
    expect((await new HttpUser(console_.url).login('clerk.b')).status).toBe(303);
  });

  it('lets a clerk filter the inbox, open an exception, claim it, correct a field, approve it and see the case finish', async () => {
    const page = await logInPage('clerk.a');
    await expect.poll(() => page.locator('#inbox-count').textContent()).toBe('4');
    await page.getByLabel('未通过规则').selectOption('TR-05');
    await page.getByRole('button', { name: '筛选' }).click();
    await expect.poll(() => page.locator('table.inbox tbody tr').count()).toBe(1);
    await page.getByRole('link', { name: 'TR-2026-0015' }).click();

    await expect.poll(() => page.locator('#failed-checks [data-rule="TR-05"]').count()).toBe(1);
    expect(await page.locator('#failed-checks').textContent()).toContain('重复参保');
    // The clerk's page shows the 身份证号 in full.
    expect(await page.locator('#application').textContent()).toContain('360702199308309308');

    await page.getByRole('button', { name: '认领' }).click();
    await expect.poll(() => page.locator('#claimed-by').textContent()).toBe('clerk.a');

    await page.locator('#correct-form select[name=path]').selectOption('to.coverageStart');
    await page.locator('#correct-form input[name=value]').fill('2026-07');
    await page.locator('#correct-form textarea[name=reason]').fill('核心系统参保起始月录入错误，按参保登记表更正');
    await page.getByRole('button', { name: '更正并重新决定' }).click();
    await expect.poll(() => page.locator('.notice.ok').textContent()).toContain('已更正 to.coverageStart');
    expect(await page.locator('#failed-checks [data-rule="TR-05"]').count()).toBe(0);
    expect(await page.locator('#rule-outcome').textContent()).toBe('通过');
    const correctedRow = page.locator('#audit-trail tr[data-step="corrected"]');
    expect(await correctedRow.locator('.before').textContent()).toBe('2026-04');
    expect(await correctedRow.locator('.after').textContent()).toBe('2026-07');
    expect(await correctedRow.textContent()).toContain('clerk.a');

    await page.getByRole('radio', { name: '通过', exact: true }).check();
    await page.getByLabel('意见', { exact: true }).fill('更正参保起始月后无重复参保，予以通过');
    await page.getByRole('button', { name: '提交决定' }).click();
    // The clerk changed the core system's data: the decision waits for a supervisor's second look (双人复核).
    await expect.poll(() => page.locator('.notice.ok').textContent()).toContain('已提请科长复核');
    expect(await page.locator('#proposal').textContent()).toContain('更正了核心系统提供的数据');
    expect(await page.locator('#second-look-form').count()).toBe(0);
    expect(await page.locator('#case-status').textContent()).toBe('待人工审核');
    expect(await page.locator('#audit-trail tr[data-step="proposed"]').textContent()).toContain('待科长复核');

    const chief = await logInPage('chief');
    await chief.goto(`${console_.url}/?proposed=1`);
    await expect.poll(() => chief.locator('table.inbox tbody tr').count()).toBe(1);
    await chief.getByRole('link', { name: 'TR-2026-0015' }).click();
    expect(await chief.locator('#proposal').textContent()).toContain('clerk.a');
    await chief.getByRole('radio', { name: '同意，录入核心系统' }).check();
    await chief.getByLabel('复核意见').fill('已核对参保登记表');
    await chief.getByRole('button', { name: '提交复核' }).click();
    await expect.poll(() => chief.locator('.notice.ok').textContent()).toContain('复核同意');
    await expect.poll(async () => (await getCase(stack.store, 'TR-2026-0015'))?.status, { timeout: 60_000 }).toBe('closed');
    await page.reload();
    expect(await page.locator('#case-status').textContent()).toBe('已办结');
    expect(await page.locator('#audit-trail tr[data-step="reviewed"]').textContent()).toContain('更正参保起始月后无重复参保');
    expect(await page.locator('#audit-trail tr[data-step="reviewed"]').textContent()).toContain('复核人：chief');
    await chief.context().close();

    const handle = stack.client.workflow.getHandle('case-TR-2026-0015');
    expect(await handle.result()).toMatchObject({ outcome: 'approve' });
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect(await getCase(stack.store, 'TR-2026-0015')).toMatchObject({ status: 'closed', outcome: 'approve' });
    const events = await listEvents(stack.store, 'TR-2026-0015');
    const corrected = events.find((e) => e.step === 'corrected')!;
    expect((corrected.inputs as { corrected: unknown }).corrected).toEqual({
      by: 'clerk.a',
      role: 'clerk',
      reason: '核心系统参保起始月录入错误，按参保登记表更正',
      changes: [{ path: 'to.coverageStart', before: '2026-04', after: '2026-07' }],
    });
    const reviewed = events.find((e) => e.step === 'reviewed')!;
    expect(reviewed.actor).toEqual({ kind: 'user', name: 'clerk.a' });
    expect(reviewed.inputs).toMatchObject({
      role: 'clerk',
      decision: 'approve',
      comment: '更正参保起始月后无重复参保，予以通过',
      approvedBy: { username: 'chief', role: 'supervisor' },
    });
    expect(events.find((e) => e.step === 'second-look-approved')!.actor).toEqual({ kind: 'user', name: 'chief' });
    await page.context().close();
  });

  it('refuses a POST without or with a wrong CSRF token and changes nothing', async () => {
    const clerk = new HttpUser(console_.url);
    await clerk.login('clerk.a');
    const eventsBefore = (await listEvents(stack.store, 'LS-2024-0006')).length;
    expect((await clerk.post('/cases/LS-2024-0006/claim', {})).status).toBe(403);
    expect((await clerk.post('/cases/LS-2024-0006/claim', { _csrf: 'forged-token' })).status).toBe(403);
    expect(
      (await clerk.post('/cases/LS-2024-0006/decide', { _csrf: clerk.csrf!.slice(1), decision: 'approve', comment: 'x' })).status,
    ).toBe(403);
    expect((await reviewState('LS-2024-0006')).claimedBy).toBeNull();
    expect((await listEvents(stack.store, 'LS-2024-0006')).length).toBe(eventsBefore);
  });

  it('keeps managers and auditors read-only, with every 身份证号 masked, and user management to the admin', async () => {
    for (const username of ['audit', 'boss']) {
      const reader = new HttpUser(console_.url);
      await reader.login(username);
      const page = await reader.get('/cases/LS-2024-0006');
      expect(page.status).toBe(200);
      expect(page.body).toContain('只读');
      expect(page.body).not.toContain('44040419731218906X');
      expect(page.body).toContain('440404********906X');
      expect((await reader.post('/cases/LS-2024-0006/claim', { _csrf: reader.csrf! })).status).toBe(403);
      expect((await reader.post('/cases/LS-2024-0006/decide', { _csrf: reader.csrf!, decision: 'approve', comment: '' })).status).toBe(403);
      expect((await reader.get('/users')).status).toBe(403);
    }
    expect((await reviewState('LS-2024-0006')).claimedBy).toBeNull();

    const clerk = new HttpUser(console_.url);
    await clerk.login('clerk.b');
    expect(
      (await clerk.post('/users', { _csrf: clerk.csrf!, username: 'mallory', displayName: 'x', role: 'admin', password: 'password-123' }))
        .status,
    ).toBe(403);
    const admin = new HttpUser(console_.url);
    expect((await admin.login('admin')).headers.get('location')).toBe('/users');
    expect((await admin.get('/cases/LS-2024-0006')).status).toBe(403);
    expect(
      (
        await admin.post('/users', {
          _csrf: admin.csrf!,
          username: 'clerk.c',
          displayName: '孙经办',
          role: 'clerk',
          password: 'another pass 7',
        })
      ).status,
    ).toBe(303);
    expect((await admin.get('/users')).body).toContain('孙经办');
    expect((await new HttpUser(console_.url).login('clerk.c', 'another pass 7')).status).toBe(303);
  });

  it("shows clerk B the workflow's refusal on a case clerk A claimed", async () => {
    const pageB = await logInPage('clerk.b');
    await pageB.goto(`${console_.url}/cases/LS-2024-0008`);
    const pageA = await logInPage('clerk.a');
    await pageA.goto(`${console_.url}/cases/LS-2024-0008`);
    await pageA.getByRole('button', { name: '认领' }).click();
    await expect.poll(() => pageA.locator('#claimed-by').textContent()).toBe('clerk.a');

    // B's page still offers the claim it loaded before A took the case: the workflow refuses it.
    const response = pageB.waitForResponse((r) => r.url().endsWith('/cases/LS-2024-0008/claim'));
    await pageB.getByRole('button', { name: '认领' }).click();
    expect((await response).status()).toBe(409);
    expect(await pageB.locator('.notice.error').textContent()).toContain('该案件已由 clerk.a 认领');
    expect(await pageB.locator('#decide-form').count()).toBe(0);

    // A decision forged with B's own valid token is refused by the workflow too.
    const csrf = await pageB.locator('input[name=_csrf]').first().inputValue();
    const forged = await pageB.request.post(`${console_.url}/cases/LS-2024-0008/decide`, {
      form: { _csrf: csrf, decision: 'reject', comment: '越权' },
    });
    expect(forged.status()).toBe(409);
    expect(await forged.text()).toContain('该案件已由 clerk.a 认领');
    expect(await getCase(stack.store, 'LS-2024-0008')).toMatchObject({ status: 'review' });
    expect((await reviewState('LS-2024-0008')).decision).toBeNull();
    await pageA.context().close();
    await pageB.context().close();
  });

  it('shows a script in the core system data as text, never running it', async () => {
    const page = await logInPage('clerk.b');
    await page.goto(`${console_.url}/cases/${XSS_CASE}`);
    expect(await page.locator('#checks').textContent()).toContain(XSS_NAME);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    const source = await (await page.request.get(`${console_.url}/cases/${XSS_CASE}`)).text();
    expect(source).toContain('&lt;script&gt;window.__xss=1&lt;/script&gt;');
    expect(source).not.toContain(XSS_NAME);
    await page.context().close();
  });

  it('lets the clerk return a case for documents and hand in what the claimant supplied, which brings the case back', async () => {
    // clerk.a holds LS-2024-0008 (an earlier test claimed it).
    const page = await logInPage('clerk.a');
    await page.goto(`${console_.url}/cases/LS-2024-0008`);
    await page.getByRole('radio', { name: '退回补正' }).check();
    await page.getByLabel('意见', { exact: true }).fill('请补交视同缴费认定表');
    await page.getByRole('button', { name: '提交决定' }).click();
    await expect.poll(() => page.locator('.notice.ok').textContent()).toContain('已退回补正');
    await expect.poll(async () => (await getCase(stack.store, 'LS-2024-0008'))?.status, { timeout: 30_000 }).toBe('returned');
    await page.reload();
    expect(await page.locator('#case-status').textContent()).toBe('已退回补正，等待补交材料');

    // A file that is no document is refused by its content, whatever its name says.
    const form = page.locator('#supply-form');
    await form
      .locator('input[type=file]')
      .setInputFiles({ name: '认定表.png', mimeType: 'image/png', buffer: Buffer.from('<svg onload="alert(1)"/>') });
    await form.getByRole('button', { name: '提交补正材料' }).click();
    await expect.poll(() => page.locator('.notice.error').textContent()).toContain('认定表.png');
    expect((await getCase(stack.store, 'LS-2024-0008'))!.status).toBe('returned');

    const scan = await sharp({ create: { width: 600, height: 800, channels: 3, background: 'white' } })
      .png()
      .toBuffer();
    await page.locator('#supply-form input[type=file]').setInputFiles({ name: '认定表.png', mimeType: 'image/png', buffer: scan });
    await page.locator('#supply-form textarea[name=note]').fill('申请人已补交认定表');
    await page.locator('#supply-form').getByRole('button', { name: '提交补正材料' }).click();
    await expect.poll(() => page.locator('.notice.ok').textContent()).toContain('已提交补正材料');
    // Read and decided again, it waits in the inbox afresh.
    await expect.poll(async () => (await getCase(stack.store, 'LS-2024-0008'))?.status, { timeout: 60_000 }).toBe('review');
    const events = await listEvents(stack.store, 'LS-2024-0008');
    const supplied = events.find((e) => e.step === 'documents-supplied')!;
    expect(supplied.actor).toEqual({ kind: 'user', name: 'clerk.a' });
    expect(supplied.evidence).toEqual([{ kind: 'supplement', ref: '认定表.png', sha256: createHash('sha256').update(scan).digest('hex') }]);
    expect(events.filter((e) => e.step === 'decided')).toHaveLength(2);
    await page.context().close();
  });

  it('refuses the forged Update of a script that reaches Temporal, and acts from the CLI only for a person who proves who they are', async () => {
    const caseId = 'LS-2024-0006';
    const handle = stack.client.workflow.getHandle(`case-${caseId}`);
    const forged = async (update: typeof claimUpdate | typeof reviewUpdate, args: Record<string, unknown>) =>
      handle.executeUpdate(update as typeof reviewUpdate, { args: [args as never] }).then(
        () => 'accepted',
        (err: Error & { cause?: Error }) => String(err.cause?.message ?? err.message),
      );
    const nobody = { username: 'nobody', role: 'supervisor' };
    expect(await forged(claimUpdate, { reviewer: nobody })).toMatch(/未附身份证明/);
    expect(
      await forged(reviewUpdate, { reviewer: nobody, decision: 'approve', comment: '', amount: '99999.00', amountReason: 'x' }),
    ).toMatch(/未附身份证明/);
    expect((await reviewState(caseId)).claimedBy).toBeNull();
    const refused = (await listEvents(stack.store, caseId)).filter((e) => e.step === 'act-refused');
    expect(refused.map((e) => e.outcome)).toEqual([
      { refused: expect.stringMatching(/未附身份证明/) },
      { refused: expect.stringMatching(/未附身份证明/) },
    ]);

    // As from a terminal script: nothing on stdin, the password (if any) in the environment.
    const cli = (args: string[], env: NodeJS.ProcessEnv) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'client.ts'), 'review', ...args], {
          cwd: ROOT,
          env: { ...stack.env, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const decide = ['decide', caseId, '--approve', '--comment', '病退鉴定材料齐全', '--as', 'chief'];
    // A name alone proves nothing: no password, or a wrong one, and nothing is sent.
    expect(await cli(decide, { ZHISHEN_PASSWORD: '' })).toMatchObject({ code: 2, stderr: expect.stringMatching(/needs the password/) });
    expect(await cli(decide, { ZHISHEN_PASSWORD: 'not the password' })).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/wrong password/),
    });
    expect((await reviewState(caseId)).claimedBy).toBeNull();
    const done = await cli(decide, { ZHISHEN_PASSWORD: PASSWORD });
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ status: 'decided', decision: { by: 'chief', decision: 'approve' } });
    const final = await handle.result();
    const entries = (loadLegacyData(legacyDataFile(stack.dataDir)).entries ?? []).filter((e) => e.caseId === caseId);
    expect(entries).toMatchObject([{ outcome: 'approve', amount: final.amount }]);
    expect(final.amount).not.toBe('99999.00');
    const reviewed = (await listEvents(stack.store, caseId)).find((e) => e.step === 'reviewed')!;
    expect(reviewed.actor).toEqual({ kind: 'user', name: 'chief' });
    expect(reviewed.inputs).toMatchObject({ role: 'supervisor' });
  });

  it('writes no full 身份证号 to the console log', async () => {
    const log = fs.readFileSync(path.join(stack.dataDir, 'logs', 'zhishen.log'), 'utf8');
    expect(log).toContain('console:');
    for (const id of fullIds) expect(log).not.toContain(id);
  });
});
