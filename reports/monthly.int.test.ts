import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../cli/args';
import { runReportCommand } from '../cli/report';
import { loadConfig } from '../config/env';
import { startConsole, type RunningConsole } from '../console/server';
import { createLogger } from '../logging/logger';
import { createUser, openStore, type Role, type Store } from '../store';
import { addMonths } from '../time/beijingMonth';
import { expectedClosed, expectedMonth, planMonthlyTrail, writeMonthlyTrail, type PlannedCase } from '../store/testing/monthlyTrail';
import { HttpUser } from '../test/consoleHttpUser';
import { loadMonthlyReport } from './monthlyLoad';
import type { MonthlyReport } from './monthly';
import { MONTHLY_SHEETS } from './monthlyWorkbook';
import { pdfText } from './pdfText';

const MONTH = '2026-11';
const PASSWORD = 'monthly report 42';
/** 1 December 2026, 10:00 in Beijing: this month is December, last month November. */
const NOW = new Date('2026-12-01T02:00:00.000Z');

/** 元 with two decimals and thousands separators, written here on its own from fen. */
function yuanOf(fen: bigint): string {
  const whole = (fen / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${whole}.${(fen % 100n).toString().padStart(2, '0')}`;
}

/** The month's totals, from the plan. */
function planTotals(plan: readonly PlannedCase[], month: string) {
  const rows = expectedClosed(plan, month);
  const sum = (pick: (r: (typeof rows)[number]) => number) => rows.reduce((n, r) => n + pick(r), 0);
  return {
    closed: sum((r) => r.cases),
    approve: sum((r) => (r.outcome === 'approve' ? r.cases : 0)),
    reject: sum((r) => (r.outcome === 'reject' ? r.cases : 0)),
    automated: sum((r) => r.automated),
    approvedFen: rows.reduce((n, r) => n + r.approvedFen, 0n),
  };
}

describe('the monthly report from a generated trail', () => {
  let dir: string;
  let store: Store;
  let plan: PlannedCase[];
  let report: MonthlyReport;
  let running: RunningConsole;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-monthly-'));
    store = await openStore({ dataDir: path.join(dir, 'store') });
    plan = planMonthlyTrail(7_2026_11, 45);
    await writeMonthlyTrail(store, plan);
    const users: [string, Role][] = [
      ['boss', 'manager'],
      ['reader', 'auditor'],
      ['sup', 'supervisor'],
      ['clerk', 'clerk'],
      ['root', 'admin'],
    ];
    for (const [username, role] of users) await createUser(store, { username, displayName: username, role, password: PASSWORD });
    report = await loadMonthlyReport(store, MONTH, NOW);
  });
  afterAll(async () => {
    await running?.close();
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('assembles the month: totals, businesses, rates, clerks, SLA, four-eyes, 12-month trend', () => {
    const want = planTotals(plan, MONTH);
    expect(want.closed).toBeGreaterThan(0);
    expect(report.totals).toMatchObject({
      closed: want.closed,
      approve: want.approve,
      reject: want.reject,
      automated: want.automated,
      approvedFen: want.approvedFen,
    });
    expect(report.totals.automationRate).toBeCloseTo(want.automated / want.closed, 10);
    for (const b of report.byBusiness) {
      const rows = expectedClosed(plan, MONTH).filter((r) => r.type === b.type);
      expect(b.closed).toBe(rows.reduce((n, r) => n + r.cases, 0));
      expect(b.approvedFen).toBe(rows.reduce((n, r) => n + r.approvedFen, 0n));
    }
    const month = expectedMonth(plan, MONTH);
    expect(report.totals.received).toBe([...month.received.values()].reduce((n, v) => n + v, 0));
    expect(report.exceptions.decided).toBe(month.exceptions.decided);
    for (const r of report.exceptions.rules) expect(r.rate).toBeCloseTo(month.exceptions.rules.get(r.rule)! / month.exceptions.decided, 10);
    expect(report.sla).toMatchObject({
      ...month.sla,
      reminders: month.steps['review-reminder'] ?? 0,
      escalations: month.steps['review-escalated'] ?? 0,
    });
    expect(report.fourEyes).toEqual({
      proposed: month.steps.proposed ?? 0,
      approved: month.steps['second-look-approved'] ?? 0,
      sentBack: month.steps['second-look-sent-back'] ?? 0,
    });
    expect(report.clerks.map((c) => c.clerk).sort()).toEqual(month.clerks.map((c) => c.clerk).sort());

    expect(report.trend.map((t) => t.month)).toEqual(Array.from({ length: 12 }, (_, i) => addMonths('2025-12', i)));
    for (const t of report.trend) {
      const m = planTotals(plan, t.month);
      expect({ month: t.month, cases: t.cases, automated: t.automated, approvedFen: t.approvedFen }).toEqual({
        month: t.month,
        cases: m.closed,
        automated: m.automated,
        approvedFen: m.approvedFen,
      });
    }
    // The plan spans the trend: more than one month has closed cases, December (1 Dec 01:30 Beijing) is not in it.
    expect(report.trend.filter((t) => t.cases > 0).length).toBeGreaterThan(1);
  });

  it('writes a workbook that reads back: a sheet per section, totals and the trend', async () => {
    const { monthlyWorkbook } = await import('./monthlyWorkbook');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await monthlyWorkbook(report)) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual([...MONTHLY_SHEETS]);
    const want = planTotals(plan, MONTH);
    const byType = wb.getWorksheet('按业务与结果')!;
    const total = byType.getRow(byType.rowCount);
    expect(total.getCell(1).value).toBe('合计');
    expect(total.getCell(4).value).toBe(want.closed);
    expect(total.getCell(10).value).toBe(Number(want.approvedFen));
    expect(total.getCell(11).value).toBe(yuanOf(want.approvedFen).replaceAll(',', ''));
    const trend = wb.getWorksheet('近12个月趋势')!;
    expect(trend.rowCount).toBe(13);
    for (let i = 2; i <= 13; i++) {
      const month = String(trend.getRow(i).getCell(1).value);
      expect(trend.getRow(i).getCell(2).value).toBe(planTotals(plan, month).closed);
    }
    expect(wb.getWorksheet('概览')!.getRow(2).getCell(2).value).toBe(MONTH);
  });

  it('draws a PDF whose text shows the month, its bounds in Beijing time and the totals', async () => {
    const { monthlyPdf } = await import('./monthlyPdf');
    const text = await pdfText(await monthlyPdf(report));
    const want = planTotals(plan, MONTH);
    expect(text).toContain('2026年11月 管理月报');
    expect(text).toContain('2026-11-01 00:00 至 2026-12-01 00:00（北京时间）');
    expect(text).toContain(`办结 ${want.closed} 件`);
    expect(text).toContain(`核准金额合计 ${yuanOf(want.approvedFen)} 元`);
    expect(text).toContain('本月办结案件：按业务与结果');
    expect(text).toContain('自动化率（右轴）');
  });

  it('report monthly: refuses a bad month with exit 2 before anyone is asked, writes both files for a manager', async () => {
    const run = async (args: string[], user?: string) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runReportCommand(
        ['monthly', ...args],
        store,
        { user, password: PASSWORD },
        (l) => out.push(l),
        (l) => err.push(l),
        () => NOW,
      );
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    await expect(run(['--month', '2026-13', '--as', 'boss'])).rejects.toThrow(UsageError);
    await expect(run(['--month', '2026-13', '--as', 'boss'])).rejects.toThrow(/--month 2026-13 is not a month/);
    await expect(run(['--as', 'boss'])).rejects.toThrow(/needs --month/);
    await expect(run(['--month', MONTH, '--mnoth', 'x', '--as', 'boss'])).rejects.toThrow(/unknown option --mnoth/);
    expect(await run(['--month', MONTH, '--as', 'clerk'])).toMatchObject({ code: 1, err: expect.stringMatching(/only a manager/) });

    const outDir = path.join(dir, 'out');
    const done = await run(['--month', MONTH, '--out', outDir], 'boss');
    expect(done.code).toBe(0);
    expect(done.out).toContain(`办结 ${planTotals(plan, MONTH).closed} 件`);
    expect(done.out).toContain('生成时间 2026-12-01 10:00:00（北京时间）');
    expect(fs.readdirSync(outDir).sort()).toEqual([`monthly-${MONTH}.pdf`, `monthly-${MONTH}.xlsx`]);
    expect((await run(['--month', MONTH, '--as', 'reader'])).code).toBe(0);
    expect((await run(['--month', MONTH, '--as', 'root'])).code).toBe(0);
  });

  it('client.ts report monthly --month 2026-13 exits 2 with the usage line', async () => {
    const result = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'client.ts', 'report', 'monthly', '--month', '2026-13', '--as', 'boss'],
      { env: { ...process.env, ZHISHEN_DATA_DIR: path.join(dir, 'cli-data') }, cwd: path.resolve(import.meta.dirname, '..') },
    ).catch((err: { code: number; stderr: string }) => err);
    expect('code' in result ? result.code : 0).toBe(2);
    expect(result.stderr).toContain('--month 2026-13 is not a month');
    expect(result.stderr).toContain('report monthly --month YYYY-MM');
    // Refused before the store was opened: its data directory was never made.
    expect(fs.existsSync(path.join(dir, 'cli-data'))).toBe(false);
  });

  it('the dashboard: managers and auditors see the month and download both files; supervisors do not', async () => {
    // No schedule or case is read from Temporal here: a client that says so if asked.
    const temporal = {
      schedule: {
        list: () => ({
          [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('Temporal is not part of this test')) }),
        }),
      },
    } as unknown as Client;
    const config = loadConfig({ ZHISHEN_DATA_DIR: path.join(dir, 'console') });
    const logger = createLogger('monthly-test', { terminal: false, logDir: path.join(dir, 'logs') });
    running = await startConsole({ store, temporal, config, logger, port: 0, now: () => NOW });
    const want = planTotals(plan, MONTH);

    const boss = new HttpUser(running.url, PASSWORD);
    await boss.login('boss');
    const current = await boss.get('/dashboard');
    expect(current.status).toBe(200);
    expect(current.body).toContain('data-month="2026-12"');
    expect(current.body).toContain('<option value="2026-11"');
    const page = await boss.get(`/dashboard?month=${MONTH}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('管理月报 2026年11月');
    expect(page.body).toMatch(new RegExp(`data-figure="closed">${want.closed}<`));
    expect(page.body).toContain(`${yuanOf(want.approvedFen)}</strong> 元`);
    expect(page.body).toContain(`/dashboard/monthly.xlsx?month=${MONTH}`);
    expect(page.body).toContain(`/dashboard/monthly.pdf?month=${MONTH}`);
    expect((await boss.get('/dashboard?month=2026-13')).status).toBe(400);

    const xlsx = await fetch(`${running.url}/dashboard/monthly.xlsx?month=${MONTH}`, { headers: { cookie: boss.cookie } });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toContain(`monthly-${MONTH}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await xlsx.arrayBuffer()) as never);
    const byType = wb.getWorksheet('按业务与结果')!;
    expect(byType.getRow(byType.rowCount).getCell(4).value).toBe(want.closed);

    const reader = new HttpUser(running.url, PASSWORD);
    await reader.login('reader');
    const pdf = await fetch(`${running.url}/dashboard/monthly.pdf?month=${MONTH}`, { headers: { cookie: reader.cookie } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(await pdfText(new Uint8Array(await pdf.arrayBuffer()))).toContain(`办结 ${want.closed} 件`);

    const sup = new HttpUser(running.url, PASSWORD);
    await sup.login('sup');
    const supPage = await sup.get('/dashboard');
    expect(supPage.status).toBe(200);
    expect(supPage.body).not.toContain('id="monthly"');
    expect((await sup.get(`/dashboard/monthly.pdf?month=${MONTH}`)).status).toBe(403);
    const clerk = new HttpUser(running.url, PASSWORD);
    await clerk.login('clerk');
    expect((await clerk.get(`/dashboard/monthly.xlsx?month=${MONTH}`)).status).toBe(403);
  });
});
