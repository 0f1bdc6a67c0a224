/**
 * The auditors' workspace end to end: the real stack (Temporal dev server, store, worker, stand-in),
 * a batch where one case is overridden by a clerk with a supervisor's second look and others approved
 * by the rules alone, and an auditor in Chromium: searching last month's overrides, verifying and
 * replaying the case, drawing a sample, recording two verdicts and downloading the sample report.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { chromium, type Browser, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runBatch } from '../cli/batch';
import { systemChromiumPath } from '../config/defaults';
import { startConsole, type RunningConsole } from '../console/server';
import { writeIntakeWorkbook } from '../fixtures/generate';
import { seedLegacy } from '../fixtures/legacy-system';
import { exited, startTestStack, type TestStack } from '../harness/stack';
import { createLogger } from '../logging/logger';
import type { CaseFile } from '../rules/schemas';
import { createUser, getCase, listEvents, type Role } from '../store';
import { beijingDate } from '../time/beijing';
import { HttpUser as BaseHttpUser } from './consoleHttpUser';

const ROOT = path.resolve(import.meta.dirname, '..');
const EXAMPLES = path.join(ROOT, 'fixtures', 'examples');
const SHOTS = path.join(ROOT, 'bench-results', 'auditor-e2e');
const PASSWORD = 'audit flow 42';
const OVERRIDDEN = 'LS-2024-0006';
const APPROVED = ['LS-2025-0002', 'LS-2025-0902', 'LS-2025-0903'];

const USERS: { username: string; role: Role; displayName: string }[] = [
  { username: 'clerk.a', role: 'clerk', displayName: '张经办' },
  { username: 'chief', role: 'supervisor', displayName: '王科长' },
  { username: 'audit', role: 'auditor', displayName: '钱审计' },
];

class HttpUser extends BaseHttpUser {
  constructor(base: string) {
    super(base, PASSWORD);
  }
}

/** Noon Beijing on the first day of the next Beijing month: "last month" is the month the cases run in. */
function firstOfNextMonth(now: Date): Date {
  const [y, m] = beijingDate(now).split('-').map(Number) as [number, number];
  const [ny, nm] = m === 12 ? [y + 1, 1] : [y, m + 1];
  return new Date(`${ny}-${String(nm).padStart(2, '0')}-01T12:00:00+08:00`);
}

describe('auditor in Chromium on the real stack', () => {
  let stack: TestStack;
  let console_: RunningConsole;
  let browser: Browser;
  let worker: Awaited<ReturnType<TestStack['startWorker']>>;
  const thisMonth = beijingDate(new Date()).slice(0, 7);

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    stack = await startTestStack();
    const read = (id: string) => JSON.parse(fs.readFileSync(path.join(EXAMPLES, `${id}.json`), 'utf8')) as CaseFile;
    const approved = read('LS-2025-0002');
    const cases = [read(OVERRIDDEN), approved, ...APPROVED.slice(1).map((caseId) => ({ ...approved, caseId }) as CaseFile)];
    const files = cases.map((c) => {
      const file = path.join(stack.dataDir, `${c.caseId}.json`);
      fs.writeFileSync(file, JSON.stringify(c));
      return file;
    });
    seedLegacy(stack.dataDir, files);
    const workbook = path.join(stack.dataDir, 'intake.xlsx');
    await writeIntakeWorkbook(workbook, cases);
    worker = await stack.startWorker();
    const batch = await runBatch(stack.config, { workbook, wait: true, report: path.join(stack.dataDir, 'report.xlsx') });
    expect(batch.progress?.byOutcome).toMatchObject({ review: 1, approve: 3 });
    for (const u of USERS) await createUser(stack.store, { ...u, password: PASSWORD });

    const logger = createLogger('auditor-e2e', { terminal: false, logDir: path.join(stack.dataDir, 'logs') });
    const shift = firstOfNextMonth(new Date()).getTime() - Date.now();
    console_ = await startConsole({
      store: stack.store,
      temporal: stack.client,
      config: stack.config,
      logger,
      port: 0,
      now: () => new Date(Date.now() + shift),
    });

    // The clerk overrides the rules (approve → reject): a proposal, which the supervisor approves.
    const clerk = new HttpUser(console_.url);
    await clerk.login('clerk.a');
    expect((await clerk.post(`/cases/${OVERRIDDEN}/claim`, { _csrf: clerk.csrf! })).status).toBe(303);
    const decided = await clerk.post(`/cases/${OVERRIDDEN}/decide`, {
      _csrf: clerk.csrf!,
      decision: 'reject',
      comment: '申请材料与核心系统记录不符',
    });
    expect(decided.status).toBe(303);
    const chief = new HttpUser(console_.url);
    await chief.login('chief');
    expect(
      (await chief.post(`/cases/${OVERRIDDEN}/second-look`, { _csrf: chief.csrf!, verdict: 'approve', comment: '同意改判' })).status,
    ).toBe(303);
    await vi.waitFor(
      async () => {
        if ((await getCase(stack.store, OVERRIDDEN))?.status !== 'closed') throw new Error(`${OVERRIDDEN} not closed yet`);
      },
      { timeout: 90_000, interval: 500 },
    );

    browser = await chromium.launch({
      executablePath: systemChromiumPath(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 300_000);

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
    const context = await browser.newContext({ locale: 'zh-CN', acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${console_.url}/audit`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL((u) => u.pathname === '/audit');
    return page;
  }

  it('searches last month’s overrides, verifies and replays the case, draws a sample, records two verdicts and downloads the report', async () => {
    const page = await logInPage('audit');
    expect(await page.getByRole('link', { name: '审计', exact: true }).count()).toBe(1);

    // 上月 · 改变规则结果: the quick search of last month's overrides.
    await page.getByRole('link', { name: '改变规则结果' }).click();
    await expect.poll(() => page.locator('#audit-total').textContent()).toContain('共 1 件');
    const row = page.locator(`#audit-results tr[data-case="${OVERRIDDEN}"]`);
    expect(await row.textContent()).toContain('不予受理');
    expect(await row.textContent()).toContain('改变规则结果');
    expect(await row.textContent()).toContain('双人复核');
    expect(new URL(page.url()).searchParams.get('from')).toBe(`${thisMonth}-01`);
    await page.screenshot({ path: path.join(SHOTS, '1-search.png'), fullPage: true });

    await page.getByRole('link', { name: OVERRIDDEN }).click();
    await page.waitForURL((u) => u.pathname === `/audit/cases/${OVERRIDDEN}`);
    const events = await listEvents(stack.store, OVERRIDDEN);
    for (const e of events) expect(await page.locator(`#audit-trail tr[data-seq="${e.seq}"] code.hash`).first().textContent()).toBe(e.hash);
    expect(await page.locator('#audit-trail tr[data-step="decided"] table.checks').textContent()).toContain('LS-03');
    expect(await page.locator('#audit-trail tr[data-step="proposed"]').textContent()).toContain('改变规则结果');
    // The auditor sees the 身份证号 masked.
    const fullId = (JSON.parse(fs.readFileSync(path.join(EXAMPLES, `${OVERRIDDEN}.json`), 'utf8')) as CaseFile).person.idNumber;
    expect(await page.content()).not.toContain(fullId);

    await page.getByRole('button', { name: '校验哈希链' }).click();
    await expect.poll(() => page.locator('#verify-result').textContent()).toContain(`校验通过：${events.length} 条事件`);
    await page.getByRole('button', { name: '重放案件' }).click();
    await expect.poll(() => page.locator('#replay-result').textContent(), { timeout: 120_000 }).toContain('重放一致');
    expect(await page.locator('#replay-result').textContent()).toContain('可重放');
    await page.screenshot({ path: path.join(SHOTS, '2-trail.png'), fullPage: true });
    const acts = (await listEvents(stack.store, OVERRIDDEN)).slice(events.length);
    expect(acts.map((e) => [e.step, e.actor.name])).toEqual([
      ['audit-verified', 'audit'],
      ['audit-replayed', 'audit'],
    ]);
    expect(acts[1]!.outcome).toMatchObject({ ok: true, history: { status: 'ok' } });

    // 抽检: 5% of this month's automated approvals of 趸缴, at least 2.
    await page.goto(`${console_.url}/audit/samples`);
    await page.getByLabel('业务').selectOption('lump-sum');
    expect(await page.getByLabel('月份').inputValue()).toBe(thisMonth);
    await page.getByLabel('至少（件）').fill('2');
    await page.getByLabel('随机种子').fill('e2e-seed-1');
    await page.getByRole('button', { name: '抽取样本' }).click();
    await page.waitForURL((u) => /^\/audit\/samples\/\d+$/.test(u.pathname));
    expect(await page.locator('.notice.ok').textContent()).toContain('已抽取 2 件（候选 3 件）');
    const drawn = await page.locator('#sample-cases tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case')!));
    expect(drawn).toHaveLength(2);
    for (const id of drawn) expect(APPROVED).toContain(id);
    expect(await page.locator('#sample-seed').textContent()).toBe('e2e-seed-1');

    const [first, second] = drawn as [string, string];
    const form = (id: string) => page.locator(`#sample-cases tr[data-case="${id}"] form`);
    await form(first).getByLabel('同意', { exact: true }).check();
    await form(first).getByRole('button', { name: '记录' }).click();
    await expect.poll(() => page.locator('.notice.ok').textContent()).toContain(`已记录 ${first}：同意`);
    await form(second).getByLabel('不同意').check();
    await form(second).getByLabel('规则').fill('LS-04');
    await form(second).getByLabel('说明').fill('缴费年限应复核');
    await form(second).getByRole('button', { name: '记录' }).click();
    await expect.poll(() => page.locator('.notice.ok').textContent()).toContain(`已记录 ${second}：不同意`);
    const figures = await page.locator('#sample-figures').textContent();
    expect(figures).toContain('50.00%');
    expect(figures).toContain('9.45%–90.55%');
    await page.screenshot({ path: path.join(SHOTS, '3-sample.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#report-xlsx').click()]);
    const saved = path.join(SHOTS, download.suggestedFilename());
    await download.saveAs(saved);
    expect(download.suggestedFilename()).toMatch(/^sample-\d+\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(saved);
    const summary = new Map<string, unknown>();
    wb.getWorksheet('抽检结论')!.eachRow((r) => summary.set(String(r.getCell(1).value), r.getCell(2).value));
    expect(summary.get('随机种子')).toBe('e2e-seed-1');
    expect(summary.get('候选案件数')).toBe('3');
    expect(summary.get('不同意')).toBe(1);
    expect(summary.get('95% 置信区间上限（Wilson）')).toBe('90.55%');
    const verdicts: unknown[][] = [];
    wb.getWorksheet('样本案件')!.eachRow((r) => verdicts.push((r.values as unknown[]).slice(1)));
    expect(verdicts.find((r) => r[1] === second)).toEqual(expect.arrayContaining(['不同意', 'LS-04', '缴费年限应复核', 'audit']));
    expect((await listEvents(stack.store, second)).at(-1)).toMatchObject({ step: 'sample-verdict', actor: { name: 'audit' } });
    await page.context().close();
  }, 300_000);
});
