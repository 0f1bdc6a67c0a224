/**
 * Routes of the batch dashboard (managers, supervisors, auditors; read-only): GET /dashboard,
 * GET /dashboard/batches/:id/report.xlsx (the result workbook) and …/summary.pdf.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AppConfig } from '../config/env';
import { batchWorkflowsUiLink, workflowUiLink } from '../config/temporalUi';
import { collectBatchResults } from '../reports/batchResults';
import { writeResultReport } from '../intake/report';
import { batchStats, listBatchOverviews } from '../reports/batchStats';
import { renderBatchSummary } from '../reports/batchSummary';
import type { Role } from '../store';
import type { AuthedContext } from './context';
import { renderDashboard, type DashboardLinks } from './dashboardPage';
import { HttpError, sendHtml } from './http';
import { schedulesSection } from './dashboardSchedules';
import { listBatchSchedules } from '../schedules/manage';
import { findStuckCases } from './stuckCases';
import { stuckCasesSection } from './dashboardStuck';
import { loadBureauCalendar } from '../store/calendarYears';
import { missingYearsAround } from '../rules/calendar';
import { beijingDate } from '../time/beijing';
import { handleMonthlyFile, monthlySection } from './dashboardMonthly';

export { renderDashboard } from './dashboardPage';
export { handleDashboardPost } from './dashboardSchedules';

const DASHBOARD_ROLES: readonly Role[] = ['manager', 'supervisor', 'auditor'];
const BATCH_ID = /^[A-Za-z0-9_.-]{1,100}$/;

function requireDashboard(ctx: AuthedContext): void {
  if (!DASHBOARD_ROLES.includes(ctx.session.user.role)) throw new HttpError(403, '批次看板仅对经理、科长和审计员开放');
}

/** Links into the Temporal UI, from the configured UI base and namespace. */
export function temporalLinks(config: AppConfig): DashboardLinks {
  return {
    workflow: (workflowId) => workflowUiLink(config, workflowId),
    batchWorkflows: (batchId) => batchWorkflowsUiLink(config, batchId),
  };
}

/** GET /dashboard[?batch=ID]. */
async function showDashboard(ctx: AuthedContext): Promise<void> {
  requireDashboard(ctx);
  const overviews = await listBatchOverviews(ctx.deps.store);
  const wanted = ctx.url.searchParams.get('batch') ?? overviews[0]?.batchId ?? null;
  if (wanted !== null && !BATCH_ID.test(wanted)) throw new HttpError(404, '没有这个批次');
  const selected = wanted ? ((await batchStats(ctx.deps.store, wanted, ctx.deps.now())) ?? null) : null;
  if (wanted && ctx.url.searchParams.has('batch') && !selected) throw new HttpError(404, '没有这个批次');
  // Temporal down must not take the batch figures (from the store) with it.
  const views = await listBatchSchedules(ctx.deps.temporal).catch((err: unknown) => ({
    error: err instanceof Error ? err.message : String(err),
  }));
  const schedules = schedulesSection(ctx.session, views, ctx.session.user.role === 'manager');
  const links = temporalLinks(ctx.deps.config);
  const stuckAfter = ctx.deps.config.stuckAfterSeconds;
  const stuck = selected
    ? stuckCasesSection(
        await findStuckCases(ctx.deps.temporal, selected.batchId, { stuckAfterMs: stuckAfter * 1000 }).catch((err: unknown) => ({
          error: err instanceof Error ? err.message : String(err),
        })),
        stuckAfter,
        links,
      )
    : undefined;
  const missingCalendarYears = missingYearsAround(await loadBureauCalendar(ctx.deps.store), beijingDate(ctx.deps.now()));
  const monthly = await monthlySection(ctx);
  sendHtml(
    ctx.res,
    200,
    renderDashboard({ session: ctx.session, overviews, selected, links, schedules, stuck, missingCalendarYears, monthly }),
  );
}

/** GET /dashboard/batches/:id/report.xlsx and …/summary.pdf. */
async function sendBatchFile(ctx: AuthedContext, batchId: string, file: 'report.xlsx' | 'summary.pdf'): Promise<void> {
  requireDashboard(ctx);
  if (!BATCH_ID.test(batchId) || !(await batchStats(ctx.deps.store, batchId))) throw new HttpError(404, '没有这个批次');
  let body: Uint8Array;
  let type: string;
  if (file === 'summary.pdf') {
    const pdf = await renderBatchSummary(ctx.deps.store, batchId, ctx.deps.now()).catch((err: unknown) => {
      if (err instanceof Error && err.name === 'FontkitMissingError') throw new HttpError(503, `无法生成 PDF：${err.message}`);
      throw err;
    });
    if (!pdf) throw new HttpError(404, '没有这个批次');
    body = pdf;
    type = 'application/pdf';
  } else {
    // Written fresh from the store each time: the workbook reflects clerks' decisions made since.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zhishen-report-'));
    try {
      const out = path.join(dir, 'report.xlsx');
      await writeResultReport(out, await collectBatchResults(ctx.deps.store, ctx.deps.config, batchId));
      body = await fs.readFile(out);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
    type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  }
  const name = `${batchId}-${file}`;
  ctx.res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': body.byteLength,
    'Content-Disposition': `attachment; filename="${name}"`,
  });
  ctx.res.end(body);
}

/**
 * One entry point for the server's GET router: handles /dashboard and its files, returns false for
 * any other path so the router goes on.
 */
export async function handleDashboardGet(ctx: AuthedContext): Promise<boolean> {
  const p = ctx.url.pathname;
  if (p === '/dashboard') {
    await showDashboard(ctx);
    return true;
  }
  if (await handleMonthlyFile(ctx)) return true;
  const m = /^\/dashboard\/batches\/([^/]+)\/(report\.xlsx|summary\.pdf)$/.exec(p);
  if (!m) return false;
  let batchId: string;
  try {
    batchId = decodeURIComponent(m[1]!);
  } catch {
    throw new HttpError(404, '没有这个批次');
  }
  await sendBatchFile(ctx, batchId, m[2] as 'report.xlsx' | 'summary.pdf');
  return true;
}
