/**
 * The auditors' workspace (read-audit: auditors and managers; acts: auditors only): the search across
 * trails and its workbook, a case's trail with verify / replay / export, and 抽检 (samples, verdicts,
 * reports). Every act is recorded in the trail as the session's user; nothing here decides a case.
 */
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { exportCaseAsAuditor, recordReplayAsAuditor, verifyCaseAsAuditor } from '../audit/auditActs';
import { drawSample, SampleSpec } from '../audit/sampling';
import { sampleWorkbook, samplePdf } from '../audit/sampleReport';
import { maskIdNumbersIn } from '../rules/idNumber';
import { getCase, listEvents } from '../store';
import { AuditSearch, searchAuditTrails, type AuditSearchRow } from '../store/auditSearch';
import { automatedApprovals, getSample, listSamples, recordVerdict, saveSample } from '../store/auditSamples';
import { beijingDate, beijingTime } from '../time/beijing';
import { replayForAuditor } from './auditReplay';
import type { AuthedContext } from './context';
import { HttpError, redirect, sendHtml } from './http';
import { label, OUTCOME_LABELS, STATUS_LABELS, TYPE_LABELS } from './labels';
import { auditCasePage, type AuditActResult } from './pages/auditCasePage';
import { ACT_LABELS, auditSearchPage } from './pages/auditSearchPage';
import { auditSamplePage, auditSamplesPage } from './pages/auditSamplesPage';
import { can } from './roles';

const CASE_ID = /^[A-Za-z0-9_-]{1,40}$/;
const SEARCH_FIELDS = ['caseId', 'business', 'from', 'to', 'outcome', 'rule', 'actor', 'act'] as const;
const FIELD_NAMES: Record<string, string> = {
  caseId: '案件编号',
  business: '业务',
  from: '起始日期',
  to: '截止日期',
  outcome: '结论',
  rule: '未通过规则',
  actor: '操作人',
  act: '人工操作',
};
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function requireRead(ctx: AuthedContext): void {
  if (!can(ctx.session.user.role, 'read-audit')) throw new HttpError(403, '审计页面仅对审计员和经理开放');
}

function requireAct(ctx: AuthedContext): void {
  if (!can(ctx.session.user.role, 'audit')) {
    ctx.deps.logger.warn(
      `console: ${ctx.session.user.username} (${ctx.session.user.role}) refused an audit act on ${ctx.url.pathname}: role`,
    );
    throw new HttpError(403, '只有审计员可以执行审计操作');
  }
}

/** The search of a query string, or the message naming what is wrong with it. */
function parseSearch(q: URLSearchParams): { filter: AuditSearch; error?: string } {
  const raw: Record<string, string> = {};
  for (const k of SEARCH_FIELDS) {
    const v = (q.get(k) ?? '').trim();
    if (v) raw[k] = v;
  }
  const parsed = AuditSearch.safeParse(raw);
  if (parsed.success) {
    if (parsed.data.from && parsed.data.to && parsed.data.from > parsed.data.to)
      return { filter: parsed.data, error: '起始日期晚于截止日期' };
    return { filter: parsed.data };
  }
  const bad = parsed.error.issues.map((i) => FIELD_NAMES[String(i.path[0])] ?? String(i.path[0]));
  const kept = Object.fromEntries(Object.entries(raw).filter(([k]) => !parsed.error.issues.some((i) => i.path[0] === k)));
  return { filter: AuditSearch.parse(kept), error: `查询条件有误：${[...new Set(bad)].join('、')}` };
}

/** The Beijing calendar month before the one `now` is in: first and last day, and YYYY-MM. */
function lastBeijingMonth(now: Date): { from: string; to: string; month: string } {
  const [y, m] = beijingDate(now).split('-').map(Number) as [number, number];
  const [py, pm] = m === 1 ? [y - 1, 12] : [y, m - 1];
  const month = `${py}-${String(pm).padStart(2, '0')}`;
  const last = new Date(Date.UTC(py, pm, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}`, month };
}

async function showSearch(ctx: AuthedContext): Promise<void> {
  requireRead(ctx);
  const { filter, error } = parseSearch(ctx.url.searchParams);
  const page = Number(ctx.url.searchParams.get('page') ?? '1');
  const searched = SEARCH_FIELDS.some((k) => ctx.url.searchParams.has(k));
  const result =
    searched && !error
      ? await searchAuditTrails(ctx.deps.store, filter, Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1)
      : null;
  sendHtml(
    ctx.res,
    error ? 400 : 200,
    auditSearchPage(ctx.session, { filter, result, lastMonth: lastBeijingMonth(ctx.deps.now()), error }),
  );
}

async function sendSearchWorkbook(ctx: AuthedContext): Promise<void> {
  requireRead(ctx);
  const { filter, error } = parseSearch(ctx.url.searchParams);
  if (error) throw new HttpError(400, error);
  const result = await searchAuditTrails(ctx.deps.store, filter, 'all');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'zhishen';
  const sheet = wb.addWorksheet('审计查询');
  sheet.columns = [
    { header: '案件编号', key: 'caseId', width: 20 },
    { header: '业务', key: 'business', width: 14 },
    { header: '状态', key: 'status', width: 10 },
    { header: '结论', key: 'outcome', width: 12 },
    { header: '金额', key: 'amount', width: 12 },
    { header: '未通过规则', key: 'reasons', width: 20 },
    { header: '人工操作', key: 'acts', width: 24 },
    { header: '匹配事件', key: 'matched', width: 10 },
    { header: '最早（北京时间）', key: 'first', width: 22 },
    { header: '最近（北京时间）', key: 'last', width: 22 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const r of result.rows as AuditSearchRow[])
    sheet.addRow({
      caseId: r.caseId,
      business: label(TYPE_LABELS, r.business),
      status: label(STATUS_LABELS, r.status),
      outcome: label(OUTCOME_LABELS, r.outcome),
      amount: r.amount ?? '',
      reasons: r.reasons.join('、'),
      acts: r.acts.map((a) => ACT_LABELS[a]).join('、'),
      matched: r.matchedEvents,
      first: beijingTime(r.firstAt),
      last: beijingTime(r.lastAt),
    });
  const conditions = wb.addWorksheet('查询条件');
  for (const [k, v] of Object.entries(filter)) conditions.addRow([FIELD_NAMES[k] ?? k, String(v)]);
  conditions.addRow(['件数', result.total]);
  conditions.addRow(['导出人', ctx.session.user.username]);
  conditions.getColumn(1).width = 14;
  conditions.getColumn(2).width = 40;
  sendFile(ctx, Buffer.from(await wb.xlsx.writeBuffer()), XLSX, `audit-search-${beijingDate(ctx.deps.now())}.xlsx`);
}

function sendFile(ctx: AuthedContext, body: Uint8Array, type: string, name: string): void {
  ctx.res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': body.byteLength,
    'Content-Disposition': `attachment; filename="${name}"`,
  });
  ctx.res.end(body);
}

/**
 * A copy with every 身份证号 masked. Through JSON rather than maskDeep: a replay shares objects between
 * its fields (the last decision is also in the list), which maskDeep's cycle guard would drop.
 */
const maskedCopy = <T>(value: T): T => JSON.parse(maskIdNumbersIn(JSON.stringify(value))) as T;

async function renderTrail(ctx: AuthedContext, caseId: string, status = 200, result?: AuditActResult): Promise<void> {
  const stored = await getCase(ctx.deps.store, caseId);
  const events = await listEvents(ctx.deps.store, caseId);
  if (!stored && events.length === 0) throw new HttpError(404, `没有案件 ${caseId}`);
  // Auditors and managers see every 身份证号 masked; the hashes are of the unmasked record.
  sendHtml(
    ctx.res,
    status,
    auditCasePage(ctx.session, {
      stored,
      caseId,
      events: maskedCopy(events),
      canAct: can(ctx.session.user.role, 'audit'),
      result: result && maskedCopy(result),
    }),
  );
}

async function caseAct(ctx: AuthedContext, caseId: string, act: string): Promise<void> {
  requireAct(ctx);
  const who = ctx.session.user.username;
  if (!(await getCase(ctx.deps.store, caseId)) && (await listEvents(ctx.deps.store, caseId)).length === 0)
    throw new HttpError(404, `没有案件 ${caseId}`);
  if (act === 'verify') {
    const verdict = await verifyCaseAsAuditor(ctx.deps.store, caseId, who, ctx.deps.now());
    ctx.deps.logger.info(`console: ${who} verified the trail of ${caseId}: ${verdict.ok ? 'ok' : 'FAILED'}`);
    return renderTrail(ctx, caseId, 200, { kind: 'verified', verdict });
  }
  if (act === 'replay') {
    const replay = await replayForAuditor(ctx.deps, caseId);
    await recordReplayAsAuditor(ctx.deps.store, replay, who, ctx.deps.now());
    ctx.deps.logger.info(`console: ${who} replayed ${caseId}: ${replay.ok ? 'ok' : 'FAILED'}`);
    return renderTrail(ctx, caseId, 200, { kind: 'replayed', replay });
  }
  const exported = await exportCaseAsAuditor(ctx.deps.store, caseId, who, ctx.deps.now()).catch((err: unknown) => {
    if (err instanceof Error && err.name === 'FontkitMissingError') throw new HttpError(503, `无法生成 PDF：${err.message}`);
    throw err;
  });
  ctx.deps.logger.info(`console: ${who} exported the trail of ${caseId} (sha256 ${exported.sha256})`);
  sendFile(ctx, exported.pdf, 'application/pdf', `audit-${caseId}.pdf`);
}

async function showSamples(ctx: AuthedContext, status = 200, error?: string): Promise<void> {
  requireRead(ctx);
  const samples = await listSamples(ctx.deps.store);
  sendHtml(
    ctx.res,
    status,
    auditSamplesPage(ctx.session, {
      samples,
      canAct: can(ctx.session.user.role, 'audit'),
      defaultMonth: lastBeijingMonth(ctx.deps.now()).month,
      error,
    }),
  );
}

/** "5" or "2.5" (percent, up to two decimals) as basis points, without floats. */
function rateBp(text: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp >= 1 && bp <= 10_000 ? bp : null;
}

async function drawAndSave(ctx: AuthedContext, form: URLSearchParams): Promise<void> {
  requireAct(ctx);
  const business = (form.get('business') ?? '').trim();
  const month = (form.get('month') ?? '').trim();
  const rate = rateBp(form.get('rate') ?? '');
  const minText = (form.get('minSize') ?? '').trim();
  const minSize = /^\d{1,4}$/.test(minText) ? Number(minText) : null;
  const seed = (form.get('seed') ?? '').trim() || randomBytes(16).toString('hex');
  const problems = [
    !(business in TYPE_LABELS) && '业务',
    !/^\d{4}-(0[1-9]|1[0-2])$/.test(month) && '月份（YYYY-MM）',
    rate === null && '比例（0.01–100）',
    minSize === null && '至少件数（0–9999）',
    !SampleSpec.shape.seed.safeParse(seed).success && '随机种子（至多 200 字）',
  ].filter(Boolean);
  if (problems.length) return showSamples(ctx, 400, `抽样条件有误：${problems.join('、')}`);
  const candidates = await automatedApprovals(ctx.deps.store, business, month);
  if (candidates.length === 0) return showSamples(ctx, 400, `${label(TYPE_LABELS, business)} ${month} 没有规则自动通过且无人工操作的案件`);
  const draw = drawSample(candidates, { rateBp: rate!, minSize: minSize!, seed });
  const sample = await saveSample(
    ctx.deps.store,
    {
      business,
      month,
      rateBp: rate!,
      minSize: minSize!,
      seed,
      method: draw.method,
      candidateCount: draw.ordered.length,
      candidatesDigest: draw.candidatesDigest,
      caseIds: draw.drawn,
      drawnBy: ctx.session.user.username,
    },
    ctx.deps.now(),
  );
  ctx.deps.logger.info(
    `console: ${ctx.session.user.username} drew sample ${sample.sampleId}: ${draw.size} of ${draw.ordered.length} ${business} ${month}`,
  );
  ctx.session.flash = { kind: 'ok', text: `已抽取 ${draw.size} 件（候选 ${draw.ordered.length} 件）` };
  redirect(ctx.res, `/audit/samples/${sample.sampleId}`);
}

async function sampleOr404(ctx: AuthedContext, id: number) {
  const sample = await getSample(ctx.deps.store, id);
  if (!sample) throw new HttpError(404, `没有抽检第 ${id} 号`);
  return sample;
}

const VERDICT_REFUSALS = {
  'no-sample': '没有这个样本',
  'not-in-sample': '该案件不在样本中',
  'already-judged': '该案件已有审计结论，不可改写',
};

async function verdict(ctx: AuthedContext, sampleId: number, form: URLSearchParams): Promise<void> {
  requireAct(ctx);
  const sample = await sampleOr404(ctx, sampleId);
  const v = form.get('verdict');
  const caseId = (form.get('caseId') ?? '').trim();
  const rule = (form.get('rule') ?? '').trim();
  const note = (form.get('note') ?? '').trim();
  const again = (error: string) => sendHtml(ctx.res, 400, auditSamplePage(ctx.session, { sample, canAct: true, error }));
  if (v !== 'agree' && v !== 'disagree') return again('请选择同意或不同意');
  if (v === 'disagree' && (!rule || !note)) return again('不同意须写明所涉规则和理由');
  if (rule.length > 40 || note.length > 2000) return again('规则或说明过长');
  const result = await recordVerdict(
    ctx.deps.store,
    { sampleId, caseId, verdict: v, rule: v === 'disagree' ? rule : null, note, by: ctx.session.user.username },
    ctx.deps.now(),
  );
  if (!result.ok) {
    sendHtml(ctx.res, 409, auditSamplePage(ctx.session, { sample, canAct: true, error: VERDICT_REFUSALS[result.reason] }));
    return;
  }
  ctx.deps.logger.info(`console: ${ctx.session.user.username} recorded ${v} on ${caseId} in sample ${sampleId}`);
  ctx.session.flash = { kind: 'ok', text: `已记录 ${caseId}：${v === 'agree' ? '同意' : '不同意'}` };
  redirect(ctx.res, `/audit/samples/${sampleId}`);
}

function segment(raw: string): string {
  try {
    const s = decodeURIComponent(raw);
    if (!CASE_ID.test(s)) throw new Error('bad case id');
    return s;
  } catch {
    throw new HttpError(404, '没有这个案件');
  }
}

/** GET /audit… (the server hands every /audit path here). */
export async function handleAuditGet(ctx: AuthedContext): Promise<void> {
  const p = ctx.url.pathname;
  requireRead(ctx);
  if (p === '/audit') return showSearch(ctx);
  if (p === '/audit/search.xlsx') return sendSearchWorkbook(ctx);
  if (p === '/audit/samples') return showSamples(ctx);
  let m = /^\/audit\/cases\/([^/]+)$/.exec(p);
  if (m) return renderTrail(ctx, segment(m[1]!));
  m = /^\/audit\/samples\/(\d{1,12})$/.exec(p);
  if (m)
    return sendHtml(
      ctx.res,
      200,
      auditSamplePage(ctx.session, { sample: await sampleOr404(ctx, Number(m[1])), canAct: can(ctx.session.user.role, 'audit') }),
    );
  m = /^\/audit\/samples\/(\d{1,12})\/report\.(xlsx|pdf)$/.exec(p);
  if (m) {
    const sample = await sampleOr404(ctx, Number(m[1]));
    if (m[2] === 'xlsx') return sendFile(ctx, await sampleWorkbook(sample), XLSX, `sample-${sample.sampleId}.xlsx`);
    const pdf = await samplePdf(sample).catch((err: unknown) => {
      if (err instanceof Error && err.name === 'FontkitMissingError') throw new HttpError(503, `无法生成 PDF：${err.message}`);
      throw err;
    });
    return sendFile(ctx, pdf, 'application/pdf', `sample-${sample.sampleId}.pdf`);
  }
  throw new HttpError(404, '没有这个页面');
}

/** POST /audit… after the server's session and CSRF checks. */
export async function handleAuditPost(ctx: AuthedContext, form: URLSearchParams): Promise<void> {
  const p = ctx.url.pathname;
  requireRead(ctx);
  if (p === '/audit/samples') return drawAndSave(ctx, form);
  let m = /^\/audit\/cases\/([^/]+)\/(verify|replay|export)$/.exec(p);
  if (m) return caseAct(ctx, segment(m[1]!), m[2]!);
  m = /^\/audit\/samples\/(\d{1,12})\/verdicts$/.exec(p);
  if (m) return verdict(ctx, Number(m[1]), form);
  throw new HttpError(404, '没有这个操作');
}
