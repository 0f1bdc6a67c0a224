/**
 * Routes of 参数草案影响模拟 (managers, admins, auditors): GET /policy/simulate (the form),
 * POST /policy/simulate (runs it, shows the result), GET /policy/simulate/runs/:token.xlsx|.png
 * (the run's workbook and chart, for the person who ran it, kept in memory for a while).
 */
import crypto from 'node:crypto';
import { isCaseType } from '../rules';
import { isRealDate } from '../rules/dates';
import { draftOf, DraftError, parseDraftText } from '../policy/draft';
import { runSimulation } from '../policy/run';
import type { Role } from '../store';
import type { AuthedContext } from './context';
import { HttpError, readForm, sendHtml } from './http';
import { readMultipartForm } from './multipart';
import { csrfMatches } from './sessions';
import { policyFormPage, policyResultPage, type PolicyFormValues } from './pages/policyPage';

const SIMULATE_ROLES: readonly Role[] = ['manager', 'admin', 'auditor'];
/** A parameter file is a few kilobytes; a megabyte is more than any draft. */
const MAX_DRAFT_BYTES = 1024 * 1024;
const KEEP_MS = 30 * 60_000;
const KEEP_RUNS = 20;

/** Recent runs' files by a random token, each for the user who ran it. */
const runs = new Map<string, { username: string; workbook: Buffer; chart: Buffer; until: number }>();

function requireSimulate(ctx: AuthedContext): void {
  if (!SIMULATE_ROLES.includes(ctx.session.user.role)) throw new HttpError(403, '参数草案模拟仅对经理、系统管理员和审计员开放');
}

/** Handles /policy/… for GET and POST; false when the path is not one of its own. */
export async function handlePolicy(ctx: AuthedContext): Promise<boolean> {
  const p = ctx.url.pathname;
  const method = ctx.req.method ?? 'GET';
  if (p === '/policy/simulate' && (method === 'GET' || method === 'HEAD')) {
    requireSimulate(ctx);
    sendHtml(ctx.res, 200, policyFormPage(ctx.session));
    return true;
  }
  if (p === '/policy/simulate' && method === 'POST') {
    await simulate(ctx);
    return true;
  }
  const m = /^\/policy\/simulate\/runs\/([0-9a-f]{32})\.(xlsx|png)$/.exec(p);
  if (m && (method === 'GET' || method === 'HEAD')) {
    requireSimulate(ctx);
    sendRunFile(ctx, m[1]!, m[2] as 'xlsx' | 'png');
    return true;
  }
  return false;
}

async function simulate(ctx: AuthedContext): Promise<void> {
  requireSimulate(ctx);
  const multipart = /^multipart\/form-data/i.test(ctx.req.headers['content-type'] ?? '');
  const { form, files } = multipart ? await readMultipartForm(ctx.req, MAX_DRAFT_BYTES) : { form: await readForm(ctx.req), files: [] };
  if (!csrfMatches(ctx.session, form.get('_csrf'))) {
    ctx.deps.logger.warn(`console: POST /policy/simulate refused: missing or wrong CSRF token (${ctx.session.user.username})`);
    throw new HttpError(403, '表单已失效（CSRF 校验失败），请刷新页面后重试');
  }
  const upload = files.find((f) => f.bytes.length > 0);
  const values: PolicyFormValues = {
    draft: upload ? upload.bytes.toString('utf8') : (form.get('draft') ?? ''),
    from: (form.get('from') ?? '').trim(),
    to: (form.get('to') ?? '').trim(),
    type: (form.get('type') ?? '').trim(),
  };
  const refuse = (message: string) => sendHtml(ctx.res, 400, policyFormPage(ctx.session, values, message));
  if (!values.draft.trim()) return refuse('请粘贴或上传参数草案（JSON）');
  for (const [label, value] of [
    ['起始日期', values.from],
    ['截止日期', values.to],
  ] as const) {
    if (value && !(/^\d{4}-\d{2}-\d{2}$/.test(value) && isRealDate(value))) return refuse(`${label}应为 YYYY-MM-DD，收到 ${value}`);
  }
  if (values.from && values.to && values.from > values.to) return refuse(`起始日期 ${values.from} 晚于截止日期 ${values.to}`);
  if (values.type && !isCaseType(values.type)) return refuse(`没有这个业务：${values.type}`);
  let draft;
  try {
    draft = draftOf([parseDraftText(upload?.name || '粘贴的草案', values.draft)]);
  } catch (err) {
    if (err instanceof DraftError) return refuse(`草案无效：${err.message}`);
    throw err;
  }
  const user = ctx.session.user;
  const run = await runSimulation(
    ctx.deps.store,
    { username: user.username, role: user.role, via: 'console' },
    { draft, from: values.from || undefined, to: values.to || undefined, type: values.type ? (values.type as never) : undefined },
    ctx.deps.now(),
  );
  ctx.deps.logger.info(
    `console: ${user.username} simulated draft ${draft.sha256.slice(0, 12)}: ${run.result.cases} cases, ${run.result.flipTotal} flips`,
  );
  const token = keep(user.username, run.workbook, run.chartPng, ctx.deps.now().getTime());
  const base = `/policy/simulate/runs/${token}`;
  sendHtml(ctx.res, 200, policyResultPage(ctx.session, { ...run, downloads: { workbook: `${base}.xlsx`, chart: `${base}.png` } }, values));
}

function keep(username: string, workbook: Buffer, chart: Buffer, now: number): string {
  for (const [token, run] of runs) if (run.until < now) runs.delete(token);
  while (runs.size >= KEEP_RUNS) runs.delete(runs.keys().next().value!);
  const token = crypto.randomBytes(16).toString('hex');
  runs.set(token, { username, workbook, chart, until: now + KEEP_MS });
  return token;
}

function sendRunFile(ctx: AuthedContext, token: string, kind: 'xlsx' | 'png'): void {
  const run = runs.get(token);
  if (!run || run.username !== ctx.session.user.username || run.until < ctx.deps.now().getTime())
    throw new HttpError(404, '没有这次模拟的结果（已过期或不是您的模拟），请重新模拟');
  const body = kind === 'xlsx' ? run.workbook : run.chart;
  ctx.res.writeHead(200, {
    'Content-Type': kind === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'image/png',
    'Content-Disposition': `attachment; filename="policy-simulation.${kind}"`,
    'Content-Length': body.length,
  });
  ctx.res.end(body);
}
