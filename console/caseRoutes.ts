import { workflowUiLink } from '../config/temporalUi';
import { listReviewInbox, type InboxFilter, type SlaState } from '../store';
import { ALL_RULES } from '../rules/catalogue';
import { findAttachment } from '../intake/attachments';
import { attachmentForDisplay } from './attachments';
import { loadCaseView, type CaseView } from './caseView';
import type { AuthedContext } from './context';
import { correctableFields, typedCorrection } from './correctableFields';
import { HttpError, redirect, sendHtml } from './http';
import { TYPE_LABELS } from './labels';
import { casePage } from './pages/casePage';
import { inboxPage } from './pages/inbox';
import { can } from './roles';
import type { ActionResult } from '../temporal/reviewActions';
import { supplyDocuments } from '../temporal/supplyDocuments';
import { SupplementRefused } from '../intake/supplements';
import type { UploadedFile } from './multipart';

const CASE_ID = /^[A-Za-z0-9-]{1,40}$/;
const UPDATE_ID = /^[0-9a-f-]{36}$/;
const SLA_STATES: readonly SlaState[] = ['on-time', 'due-soon', 'overdue'];

function requireRead(ctx: AuthedContext): void {
  if (!can(ctx.session.user.role, 'read-cases')) throw new HttpError(403, '您的角色不能查看案件');
}

/** GET /: the inbox, filtered by business, failed rule, batch, SLA state and holder. */
export async function showInbox(ctx: AuthedContext): Promise<void> {
  if (ctx.session.user.role === 'admin') return redirect(ctx.res, '/users');
  requireRead(ctx);
  const q = ctx.url.searchParams;
  const pick = (name: string, max: number) => {
    const v = (q.get(name) ?? '').trim();
    return v && v.length <= max ? v : undefined;
  };
  const type = pick('type', 20);
  const sla = pick('sla', 10);
  const mine = q.get('mine') === '1';
  const filter: InboxFilter & { mine?: boolean } = {
    type: type && type in TYPE_LABELS ? type : undefined,
    rule: pick('rule', 40),
    batchId: pick('batch', 100),
    sla: SLA_STATES.includes(sla as SlaState) ? (sla as SlaState) : undefined,
    claimedBy: mine ? ctx.session.user.username : undefined,
    mine,
    proposed: q.get('proposed') === '1' ? true : undefined,
  };
  const now = ctx.deps.now();
  const [entries, all] = await Promise.all([listReviewInbox(ctx.deps.store, filter, now), listReviewInbox(ctx.deps.store, {}, now)]);
  const ruleOptions = [...new Set([...ALL_RULES.map((r) => r.id), ...all.flatMap((e) => e.reasons)])];
  const batchOptions = [...new Set(all.map((e) => e.batchId).filter((b): b is string => !!b))].sort().reverse();
  sendHtml(ctx.res, 200, inboxPage(ctx.session, { entries, filter, ruleOptions, batchOptions }));
}

async function caseViewFor(ctx: AuthedContext, caseId: string): Promise<CaseView> {
  if (!CASE_ID.test(caseId)) throw new HttpError(404, '没有这个案件');
  const view = await loadCaseView(ctx.deps.store, ctx.deps.temporal, caseId, { maskIds: !can(ctx.session.user.role, 'see-full-id') });
  if (!view) throw new HttpError(404, `没有案件 ${caseId}`);
  return view;
}

function attachmentNames(view: CaseView): string[] {
  const files = view.application?.attachments;
  return Array.isArray(files) ? files.map(String) : [];
}

function renderCase(ctx: AuthedContext, view: CaseView, status: number, error?: string): void {
  const caseId = view.stored.caseId;
  const attachmentUrls = attachmentNames(view).map((name, i) =>
    findAttachment(view.attachmentsDir ?? ctx.deps.attachmentsDir, caseId, name)
      ? `/cases/${encodeURIComponent(caseId)}/attachments/${i}`
      : null,
  );
  sendHtml(
    ctx.res,
    status,
    casePage(ctx.session, view, { temporalLink: workflowUiLink(ctx.deps.config, view.stored.workflowId), attachmentUrls, error }),
  );
}

/** GET /cases/:id */
export async function showCase(ctx: AuthedContext, caseId: string): Promise<void> {
  requireRead(ctx);
  renderCase(ctx, await caseViewFor(ctx, caseId), 200);
}

/** GET /cases/:id/attachments/:n: a receipt file named by the case's own application. */
export async function sendAttachment(ctx: AuthedContext, caseId: string, index: number): Promise<void> {
  requireRead(ctx);
  const view = await caseViewFor(ctx, caseId);
  const name = attachmentNames(view)[index];
  const found = name ? findAttachment(view.attachmentsDir ?? ctx.deps.attachmentsDir, caseId, name) : undefined;
  if (!found) throw new HttpError(404, '附件不存在');
  const { bytes, contentType } = await attachmentForDisplay(found.file, name!);
  ctx.res.writeHead(200, {
    'Content-Type': contentType,
    'Content-Length': bytes.byteLength,
    'Content-Disposition': 'inline',
    'X-Content-Type-Options': 'nosniff',
  });
  ctx.res.end(bytes);
}

/** POST /cases/:id/(claim|release|correct|decide|second-look|supply): role checked here, proof, claim and state by the workflow. */
export async function caseAction(
  ctx: AuthedContext,
  caseId: string,
  action: string,
  form: URLSearchParams,
  files: readonly UploadedFile[] = [],
): Promise<void> {
  const user = ctx.session.user;
  if (!can(user.role, 'decide')) {
    ctx.deps.logger.warn(`console: ${user.username} (${user.role}) refused ${action} on ${caseId}: role`);
    throw new HttpError(403, '您的角色不能认领、更正或决定案件');
  }
  // Who acts is the session's user, whom the console authenticated; the workflow is told only
  // through the signed assertion, and reads the role from the store itself.
  const who = user.username;
  const updateId = form.get('updateId') ?? '';
  const once = UPDATE_ID.test(updateId) ? { updateId: `${caseId}/${action}/${updateId}` } : {};
  const view = await caseViewFor(ctx, caseId);
  let result: ActionResult;
  let done: string;
  switch (action) {
    case 'claim':
      result = await ctx.deps.actions.claim(caseId, who, once);
      done = '已认领';
      break;
    case 'release':
      result = await ctx.deps.actions.release(caseId, who, once);
      done = '已释放';
      break;
    case 'correct': {
      const path = form.get('path') ?? '';
      const field = view.correctableCaseFile ? correctableFields(view.correctableCaseFile).find((f) => f.path === path) : undefined;
      if (!field) return renderCase(ctx, view, 400, `字段 ${path} 不可更正`);
      let value: unknown;
      try {
        value = typedCorrection(field.value, form.get('value') ?? '');
      } catch (err) {
        return renderCase(ctx, view, 400, `${path}：${(err as Error).message}`);
      }
      result = await ctx.deps.actions.correct(
        caseId,
        who,
        { corrections: [{ path, value }], reason: (form.get('reason') ?? '').trim() },
        once,
      );
      done = `已更正 ${path}，规则已重新决定`;
      break;
    }
    case 'decide': {
      const decision = form.get('decision');
      if (decision !== 'approve' && decision !== 'reject' && decision !== 'return') return renderCase(ctx, view, 400, '请选择决定');
      const amount = (form.get('amount') ?? '').trim();
      const amountReason = (form.get('amountReason') ?? '').trim();
      const decided = await ctx.deps.actions.decide(
        caseId,
        who,
        { decision, comment: (form.get('comment') ?? '').trim(), ...(amount ? { amount, amountReason } : {}) },
        once,
      );
      result = decided;
      done =
        decision === 'return'
          ? '已退回补正'
          : decided.ok && decided.value.status === 'proposed'
            ? '已提请科长复核，复核同意后录入'
            : '已作出决定';
      break;
    }
    case 'second-look': {
      const verdict = form.get('verdict');
      if (verdict !== 'approve' && verdict !== 'send-back') return renderCase(ctx, view, 400, '请选择复核结论');
      result = await ctx.deps.actions.secondLook(caseId, who, { verdict, comment: (form.get('comment') ?? '').trim() }, once);
      done = verdict === 'approve' ? '复核同意，将录入核心系统' : '已退回经办人重审';
      break;
    }
    case 'supply': {
      if (files.length === 0) return renderCase(ctx, view, 400, '请选择补正材料文件');
      try {
        result = await supplyDocuments({
          store: ctx.deps.store,
          dataDir: ctx.deps.config.dataDir,
          actions: ctx.deps.actions,
          caseId,
          username: who,
          uploads: files,
          note: (form.get('note') ?? '').trim(),
          replaces: form.get('replaces') === '1',
          options: once,
        });
      } catch (err) {
        if (err instanceof SupplementRefused) return renderCase(ctx, view, 400, err.message);
        throw err;
      }
      done = '已提交补正材料，案件将重新读取并决定';
      break;
    }
    default:
      throw new HttpError(404, '没有这个操作');
  }
  if (!result.ok) {
    ctx.deps.logger.info(`console: ${user.username} ${action} on ${caseId} refused by the workflow: ${result.message}`);
    return renderCase(ctx, await caseViewFor(ctx, caseId), 409, result.message);
  }
  ctx.deps.logger.info(`console: ${user.username} ${action} on ${caseId}`);
  ctx.session.flash = { kind: 'ok', text: done };
  redirect(ctx.res, `/cases/${encodeURIComponent(caseId)}`);
}
