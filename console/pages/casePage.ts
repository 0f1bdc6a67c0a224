import { randomUUID } from 'node:crypto';
import { ruleById } from '../../rules/catalogue';
import type { AuditEvent } from '../../store';
import type { CaseView, RuleCheck } from '../caseView';
import { correctableFields, shownValue } from '../correctableFields';
import { html, type SafeHtml } from '../html';
import {
  bureauTime,
  VALUE_LABELS,
  DECISION_LABELS,
  DETAIL_LABELS,
  label,
  OUTCOME_LABELS,
  RECEIPT_FIELD_LABELS,
  RESULT_LABELS,
  REVIEW_STATUS_LABELS,
  SEVERITY_LABELS,
  STATUS_LABELS,
  STEP_LABELS,
  TYPE_LABELS,
} from '../labels';
import { can } from '../roles';
import type { Session } from '../sessions';
import type { Proposal } from '../../workflows/reviewTypes';
import { FOUR_EYES_RULE } from '../../workflows/fourEyes';
import { csrfField, layout, notice } from './layout';
import { correctionDiff } from './correctionDiff';

const LOW_CONFIDENCE = 0.9;

const FIELD_LABELS: Record<string, string> = {
  caseId: '案件编号',
  type: '业务',
  applicationDate: '申请日期',
  receivedDate: '收件日期',
  name: '姓名',
  idNumber: '身份证号',
  sex: '性别',
  birthDate: '出生日期',
  person: '参保人',
  scheme: '险种',
  originalRetirementAge: '原法定退休年龄',
  retirement: '退休',
  date: '日期',
  kind: '类型',
  contributions: '缴费',
  localActualMonths: '本地实缴月数',
  transferredMonths: '转入月数',
  transferStatus: '转移状态',
  deemedMonths: '视同缴费月数',
  deemedCertified: '视同缴费已认定',
  overlapMonths: '重复月数',
  arrearsMonths: '欠费月数',
  retired: '已退休',
  from: '转出',
  to: '转入',
  region: '区划',
  status: '状态',
  coverage: '参保期',
  actualMonths: '实缴月数',
  accountBalance: '个人账户余额',
  coverageStart: '参保起始月',
  accountFundsReceived: '已到账个人账户资金',
  continuousMonthsBefore: '此前连续参保月数',
  fromRegion: '转出地区划',
  visitKind: '就诊类型',
  hospitalCode: '医疗机构编码',
  admissionDate: '入院日期',
  dischargeDate: '出院日期',
  remote: '异地就医',
  reason: '报销原因',
  attachments: '票据',
  details: '费用明细',
  sheet: '工作表',
  rowNumber: '行号',
  waitingUntil: '等待期至',
  visit: '就诊',
  hospital: '医疗机构',
  yearToDate: '年度累计',
  claimedInvoices: '已报销票据',
  receipts: '票据',
  level: '等级',
  designated: '定点',
  code: '编码',
  category: '类别',
  amount: '金额',
  class: '类别',
};

// Inside a period, from/to are its ends, not the outgoing and incoming sides of a transfer.
const PERIOD_LABELS: Record<string, string> = { from: '起', to: '止' };
const fieldLabel = (key: string, parent: string | undefined) =>
  label(parent === 'coverage' ? { ...FIELD_LABELS, ...PERIOD_LABELS } : FIELD_LABELS, key);

/** Any JSON value as nested definition lists, every leaf escaped; enumerated values in words. */
function valueView(value: unknown, key?: string): SafeHtml {
  const words = key !== undefined && typeof value === 'string' ? VALUE_LABELS[key]?.[value] : undefined;
  if (words) return html`<span title="${value as string}">${words}</span>`;
  if (value === null || value === undefined) return html`<span class="muted">（空）</span>`;
  if (typeof value === 'boolean') return html`${value ? '是' : '否'}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return html`<span class="muted">（无）</span>`;
    if (value.every((v) => v === null || typeof v !== 'object')) return html`${value.map((v) => String(v)).join('；')}`;
    return html`<ol class="nested">
      ${value.map((v) => html`<li>${valueView(v, key)}</li>`)}
    </ol>`;
  }
  if (typeof value === 'object') {
    return html`<dl class="kv">
      ${Object.entries(value).map(
        ([k, v]) =>
          html`<dt>${fieldLabel(k, key)}</dt>
            <dd data-field="${k}">${valueView(v, k)}</dd>`,
      )}
    </dl>`;
  }
  return html`${String(value)}`;
}

const section = (id: string, title: string, body: SafeHtml) =>
  html`<section id="${id}" class="card">
    <h2>${title}</h2>
    ${body}
  </section>`;

function headerSection(view: CaseView, temporalLink: string): SafeHtml {
  const { stored, review } = view;
  return html`<dl class="kv summary">
    <dt>业务</dt>
    <dd>${label(TYPE_LABELS, stored.type)}</dd>
    <dt>状态</dt>
    <dd><span id="case-status" class="badge status-${stored.status}">${label(STATUS_LABELS, stored.status)}</span></dd>
    <dt>登记结果</dt>
    <dd id="case-outcome">${label(OUTCOME_LABELS, stored.outcome)}</dd>
    <dt>金额（元）</dt>
    <dd class="money">${stored.amount ?? '—'}</dd>
    <dt>批次</dt>
    <dd>${stored.batchId ?? '—'}${stored.rowNumber ? `（第 ${stored.rowNumber} 行）` : ''}</dd>
    ${
      review
        ? html`<dt>审核</dt>
            <dd id="review-status">
              ${label(REVIEW_STATUS_LABELS, review.status)}${review.claimedBy ? html`，认领人 <strong id="claimed-by">${review.claimedBy}</strong>` : ''}
            </dd>
            <dt>时限</dt>
            <dd>
              提醒 ${bureauTime(review.reminderAt)}，期限
              ${bureauTime(review.deadlineAt)}${review.escalated ? html` <span class="badge escalated">已升级至科长</span>` : ''}
            </dd>`
        : ''
    }
    <dt>流程</dt>
    <dd><a href="${temporalLink}" rel="noreferrer">${stored.workflowId}</a></dd>
  </dl>`;
}

function checksSection(view: CaseView): SafeHtml {
  const decision = view.decision;
  const failed = decision?.checks.filter((c) => c.result === 'fail') ?? [];
  const row = (c: RuleCheck) => {
    const def = ruleById(c.rule);
    const basis = c.basis ?? def?.basis;
    return html`<tr class="check-${c.result}" data-rule="${c.rule}">
      <td>${c.rule}</td>
      <td>${def?.title ?? ''}</td>
      <td>${label(RESULT_LABELS, c.result)}</td>
      <td>${label(SEVERITY_LABELS, c.severity)}</td>
      <td>${c.message}</td>
      <td>${basis ?? '—'}</td>
    </tr>`;
  };
  const head = html`<thead>
    <tr>
      <th>规则</th>
      <th>名称</th>
      <th>结果</th>
      <th>性质</th>
      <th>说明</th>
      <th>依据</th>
    </tr>
  </thead>`;
  return html`${view.exception ? notice('warn', `${view.exception.code}：${view.exception.message}`) : ''}
  ${
    decision
      ? html`<p>
            规则结果：<strong id="rule-outcome">${label(OUTCOME_LABELS, decision.outcome)}</strong>（参数版本
            ${decision.ruleSetVersion ?? '—'}，${decision.step === 'corrected' ? '更正后重新决定' : '首次决定'}于
            ${bureauTime(decision.at)}）
          </p>
          <table class="checks" id="failed-checks">
            ${head}
            <tbody>
              ${
                failed.length
                  ? failed.map(row)
                  : html`<tr>
                      <td colspan="6">全部规则通过</td>
                    </tr>`
              }
            </tbody>
          </table>
          <details>
            <summary>全部 ${decision.checks.length} 条规则</summary>
            <table class="checks">
              ${head}
              <tbody>
                ${decision.checks.map(row)}
              </tbody>
            </table>
          </details>`
      : html`<p class="muted">规则尚未作出决定。</p>`
  }`;
}

function amountSection(view: CaseView): SafeHtml {
  const decision = view.decision;
  if (!decision) return html`<p class="muted">无金额。</p>`;
  return html`<p>金额：<strong class="money" id="rule-amount">${decision.amount ?? '—'}</strong> 元</p>
    <table class="kv-table">
      <tbody>
        ${Object.entries(decision.details).map(
          ([k, v]) =>
            html`<tr>
              <th>${label(DETAIL_LABELS, k)}</th>
              <td>${typeof v === 'object' ? valueView(v) : String(v)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

type ReceiptLike = Record<string, unknown> & {
  confidence?: Record<string, number>;
  inferred?: string[];
  boxes?: Record<string, unknown>;
  imageSize?: { width: number; height: number };
};

function boxOf(raw: unknown): { x: number; y: number; w: number; h: number } | null {
  if (Array.isArray(raw) && raw.length === 4 && raw.every((n) => typeof n === 'number')) {
    const [x, y, w, h] = raw as [number, number, number, number];
    return { x, y, w, h };
  }
  const o = raw as { x?: unknown; y?: unknown; width?: unknown; height?: unknown } | null;
  if (o && [o.x, o.y, o.width, o.height].every((n) => typeof n === 'number'))
    return { x: o.x as number, y: o.y as number, w: o.width as number, h: o.height as number };
  return null;
}

function receiptImage(receipt: ReceiptLike, imageUrl: string | null): SafeHtml {
  if (!imageUrl) return html`<p class="muted">票据图片不可用。</p>`;
  const size = receipt.imageSize;
  const boxes = Object.entries(receipt.boxes ?? {}).flatMap(([field, raw]) => {
    const box = boxOf(raw);
    return box ? [{ field, box }] : [];
  });
  if (!size || boxes.length === 0) return html`<img class="receipt-image" src="${imageUrl}" alt="票据图片" />`;
  // An SVG overlay rather than positioned elements: attributes, not inline styles, so the CSP holds.
  return html`<svg class="receipt-image" viewBox="0 0 ${size.width} ${size.height}" role="img" aria-label="票据图片与识别区域">
    <image href="${imageUrl}" x="0" y="0" width="${size.width}" height="${size.height}"></image>
    ${boxes.map(({ field, box }) => {
      const confidence = receipt.confidence?.[field];
      const low = confidence !== undefined && confidence < LOW_CONFIDENCE;
      return html`<rect class="ocr-box${low ? ' low' : ''}" x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}"
        ><title>${label(RECEIPT_FIELD_LABELS, field)} ${confidence !== undefined ? confidence.toFixed(2) : ''}</title></rect
      >`;
    })}
  </svg>`;
}

function receiptsSection(view: CaseView, caseId: string, attachmentUrls: (string | null)[]): SafeHtml | null {
  const receipts = (view.readCaseFile?.receipts ?? null) as ReceiptLike[] | null;
  const files = Array.isArray(view.application?.attachments) ? (view.application.attachments as string[]) : [];
  if (!receipts && files.length === 0) return null;
  const fileList = files.length
    ? html`<ul class="attachments">
        ${files.map((f, i) => html`<li>${attachmentUrls[i] ? html`<a href="${attachmentUrls[i]}">${f}</a>` : html`${f} <span class="muted">（文件不可用）</span>`}</li>`)}
      </ul>`
    : '';
  if (!receipts)
    return html`${fileList}
      <p class="muted">票据尚未识别，请对照附件人工核对。</p>`;
  return html`${fileList}${receipts.map((r, i) => {
    const fields = Object.keys(RECEIPT_FIELD_LABELS).filter((k) => k in r);
    return html`<div class="receipt" id="receipt-${i}">
      <h3>票据 ${i + 1}</h3>
      ${receiptImage(r, attachmentUrls[i] ?? null)}
      <table class="receipt-fields">
        <thead>
          <tr>
            <th>字段</th>
            <th>识别值</th>
            <th>置信度</th>
          </tr>
        </thead>
        <tbody>
          ${fields.map((k) => {
            const confidence = r.confidence?.[k];
            const low = confidence !== undefined && confidence < LOW_CONFIDENCE;
            return html`<tr${low ? html` class="low-confidence"` : ''} data-field="${k}"><th>${label(RECEIPT_FIELD_LABELS, k)}</th><td>${valueView(r[k])}${r.inferred?.includes(k) ? html` <span class="badge inferred" title="未识别，由票据金额关系推算">推算</span>` : ''}</td><td>${confidence === undefined ? '—' : confidence.toFixed(2)}${low ? html` <span class="badge low">低</span>` : ''}</td></tr>`;
          })}
        </tbody>
      </table>
      ${r.confidence ? '' : html`<p class="muted">无识别置信度（票据字段由人工录入或来自电子票据）。</p>`}
    </div>`;
  })}`;
}

function eventSummary(e: AuditEvent): SafeHtml {
  const inputs = (e.inputs ?? {}) as Record<string, unknown>;
  const outcome = (e.outcome ?? {}) as Record<string, unknown>;
  switch (e.step) {
    case 'decided':
      return html`${label(OUTCOME_LABELS, String(outcome.outcome))}${outcome.amount ? `，${String(outcome.amount)} 元` : ''}${Array.isArray(outcome.reasons) && outcome.reasons.length ? `，原因 ${outcome.reasons.join('、')}` : ''}`;
    case 'corrected': {
      const corrected = (inputs.corrected ?? {}) as { reason?: string; changes?: { path: string; before: unknown; after: unknown }[] };
      return html`<div>更正理由：<span class="reason">${corrected.reason ?? ''}</span></div>
        ${correctionDiff(corrected.changes ?? [], shownValue)}
        <div>
          重新决定：${label(OUTCOME_LABELS, String(outcome.outcome))}${outcome.amount ? `，${String(outcome.amount)} 元` : ''}${Array.isArray(outcome.reasons) && outcome.reasons.length ? `，原因 ${outcome.reasons.join('、')}` : '，全部规则通过'}
        </div>`;
    }
    case 'reviewed':
    case 'returned': {
      const before = (outcome.before ?? {}) as { outcome?: string; amount?: string | null };
      const after = (outcome.after ?? {}) as { outcome?: string; amount?: string | null };
      return html`<div>
          决定：<strong>${label(DECISION_LABELS, String(inputs.decision))}</strong>（${label(OUTCOME_LABELS, before.outcome)}
          ${before.amount ?? ''} → ${label(OUTCOME_LABELS, after.outcome)} ${after.amount ?? ''}）
        </div>
        <div>
          意见：<span class="reason">${String(inputs.comment ?? '') || '—'}</span
          >${inputs.amountReason ? html`；金额更正理由：${String(inputs.amountReason)}` : ''}
        </div>
        ${inputs.approvedBy ? html`<div>复核人：<strong>${String((inputs.approvedBy as { username?: string }).username ?? '')}</strong></div>` : ''}`;
    }
    case 'proposed': {
      const proposed = (outcome.proposed ?? {}) as { outcome?: string; amount?: string | null };
      return html`<div>
          提议：<strong>${label(DECISION_LABELS, String(inputs.decision))}</strong>${proposed.amount ? `，${proposed.amount} 元` : ''}，待科长复核
        </div>
        <div>
          意见：<span class="reason">${String(inputs.comment ?? '') || '—'}</span
          >；原因：${Array.isArray(inputs.needs) ? inputs.needs.join('；') : ''}
        </div>`;
    }
    case 'second-look-approved':
    case 'second-look-sent-back':
      return html`<div>复核${e.step === 'second-look-approved' ? '同意' : '退回'}（提议人 ${String(inputs.proposedBy ?? '')}）</div>
        <div>意见：<span class="reason">${String(inputs.comment ?? '') || '—'}</span></div>`;
    case 'act-refused': {
      const claimed = (inputs.claimed ?? {}) as { username?: string };
      return html`<div>拒绝：${String(outcome.refused ?? '')}</div>
        <div class="muted">声称的操作人：${claimed.username ?? '（无）'}，操作：${String(inputs.action ?? '')}</div>`;
    }
    case 'claimed':
    case 'released':
      return html`${String(inputs.role ?? '')}${inputs.holder ? `（原认领人 ${String(inputs.holder)}）` : ''}`;
    case 'exception':
      return html`${String(outcome.message ?? '')}`;
    case 'facts-read':
      return html`${outcome.found === false ? `${String(outcome.code)}：${String(outcome.message)}` : '已读取'}`;
    case 'review-opened':
      return html`期限 ${bureauTime(outcome.deadlineAt as string | undefined)}`;
    case 'closed':
      return html`${label(OUTCOME_LABELS, String(outcome.outcome ?? ''))}`;
    default:
      return html``;
  }
}

function trailSection(view: CaseView): SafeHtml {
  return html`<table class="trail" id="audit-trail">
    <thead>
      <tr>
        <th>#</th>
        <th>时间</th>
        <th>步骤</th>
        <th>操作人</th>
        <th>内容</th>
      </tr>
    </thead>
    <tbody>
      ${view.events.map(
        (e) =>
          html`<tr data-step="${e.step}">
            <td>${e.seq}</td>
            <td><time datetime="${e.at}">${bureauTime(e.at)}</time></td>
            <td>${label(STEP_LABELS, e.step)}</td>
            <td>
              ${e.actor.kind === 'user' ? html`<strong>${e.actor.name}</strong>` : html`<span class="muted">${e.actor.name}${e.actor.version ? ` ${e.actor.version}` : ''}</span>`}
            </td>
            <td>${eventSummary(e)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/**
 * Each form carries its own Update ID: a double click or a browser's retry of the same submission
 * reaches the workflow as the same Update, which acts once and answers both with the first result.
 */
const actForm = (session: Session, action: string, id: string, body: SafeHtml | string, attrs = '') =>
  html`<form method="post" action="${action}" id="${id}" ${attrs ? html` class="${attrs}"` : ''}>
    ${csrfField(session)}<input type="hidden" name="updateId" value="${randomUUID()}" />${body}
  </form>`;

function proposalView(proposal: Proposal): SafeHtml {
  return html`<div id="proposal">
    <p>
      待复核：<strong>${proposal.by}</strong> 提议
      <strong>${label(DECISION_LABELS, proposal.decision)}</strong
      >${proposal.amount ? html`，金额 <span class="money">${proposal.amount}</span> 元` : ''}（${bureauTime(proposal.at)}）
    </p>
    <p>
      意见：<span class="reason">${proposal.comment || '—'}</span
      >${proposal.amountReason ? html`；金额更正理由：${proposal.amountReason}` : ''}
    </p>
    <p>需双人复核的原因：${proposal.needs.join('；')}</p>
  </div>`;
}

function secondLookForm(session: Session, action: (what: string) => string, proposal: Proposal): SafeHtml {
  const user = session.user!;
  if (user.role !== 'supervisor') return notice('warn', '等待科长复核。');
  if (user.username === proposal.by) return notice('warn', '这是您提出的决定，须由另一位科长复核。');
  return actForm(
    session,
    action('second-look'),
    'second-look-form',
    html`<h3>复核</h3>
      <fieldset>
        <legend>复核结论</legend>
        <label class="check"><input type="radio" name="verdict" value="approve" required /> 同意，录入核心系统</label>
        <label class="check"><input type="radio" name="verdict" value="send-back" /> 退回重审</label>
      </fieldset>
      <label>复核意见 <textarea name="comment" rows="2"></textarea></label>
      <button type="submit">提交复核</button>`,
    'stacked',
  );
}

/** A returned case: the documents the claimant supplied are handed in here (uploads, checked like intake attachments). */
function supplyForm(view: CaseView, session: Session, action: string): SafeHtml {
  const receipts = view.stored.type === 'reimbursement';
  return html`<p>已退回补正，等待申请人补交材料。</p>
    <form method="post" action="${action}" id="supply-form" class="stacked" enctype="multipart/form-data">
      ${csrfField(session)}<input type="hidden" name="updateId" value="${randomUUID()}" />
      <h3>提交补正材料</h3>
      <label>材料文件（PNG、JPEG 或 PDF，可多选） <input type="file" name="files" multiple required accept=".png,.jpg,.jpeg,.pdf" /></label>
      ${receipts ? html`<label class="check"><input type="checkbox" name="replaces" value="1" /> 替换原有票据（不勾选则与原有票据一并识别）</label>` : ''}
      <label>说明 <textarea name="note" rows="2"></textarea></label>
      <button type="submit">提交补正材料</button>
    </form>`;
}

function decisionSection(view: CaseView, session: Session, caseId: string): SafeHtml {
  const user = session.user!;
  const action = (what: string) => `/cases/${encodeURIComponent(caseId)}/${what}`;
  if (view.stored.status === 'returned' && can(user.role, 'decide')) return supplyForm(view, session, action('supply'));
  if (view.stored.status !== 'review') return html`<p>该案件${label(STATUS_LABELS, view.stored.status)}，无需审核。</p>`;
  if (!can(user.role, 'decide')) return notice('warn', '只读：您的角色不能认领、更正或决定案件。');
  const review = view.review;
  if (!review) return notice('warn', '暂时无法取得该案件的审核状态（流程不可达），请稍后刷新。');
  if (review.status === 'returned') return html`<p>已退回补正，等待申请人补交材料。</p>`;
  if (review.status === 'proposed' && review.proposal)
    return html`${proposalView(review.proposal)}${secondLookForm(session, action, review.proposal)}`;
  if (!review.claimedBy) return actForm(session, action('claim'), 'claim-form', html`<button type="submit">认领</button>`);
  const release = actForm(session, action('release'), 'release-form', html`<button type="submit" class="secondary">释放</button>`);
  if (review.claimedBy !== user.username) {
    return html`${notice('warn', `该案件已由 ${review.claimedBy} 认领。`)}${user.role === 'supervisor' ? release : ''}`;
  }
  const fields = view.correctableCaseFile ? correctableFields(view.correctableCaseFile) : [];
  const correction = fields.length
    ? actForm(
        session,
        action('correct'),
        'correct-form',
        html`<h3>更正字段</h3>
          <label
            >字段
            <select name="path" required>
              ${fields.map((f) => html`<option value="${f.path}">${f.path}（当前：${shownValue(f.value)}）</option>`)}
            </select></label
          >
          <label>更正为 <input name="value" autocomplete="off" /></label>
          <label>理由 <textarea name="reason" required rows="2"></textarea></label>
          <button type="submit">更正并重新决定</button>`,
        'stacked',
      )
    : html`<p class="muted">没有可更正的案卷（核心系统数据未读取或票据未识别）。</p>`;
  const fourEyes = review.factsCorrected || review.ruleResult.reasons.includes(FOUR_EYES_RULE);
  return html`${release} ${correction}
  ${actForm(
    session,
    action('decide'),
    'decide-form',
    html`<h3>决定</h3>
      <p>规则倾向：${label(OUTCOME_LABELS, review.provisionalOutcome)}（与之不同的决定须填写意见，并须科长复核）</p>
      ${fourEyes ? notice('warn', '本案件的决定须经另一位科长复核后才录入核心系统（大额或更正了核心系统数据）。') : ''}
      <fieldset>
        <legend>决定</legend>
        <label class="check"><input type="radio" name="decision" value="approve" required /> 通过</label>
        <label class="check"><input type="radio" name="decision" value="reject" /> 不予受理</label>
        <label class="check"><input type="radio" name="decision" value="return" /> 退回补正</label>
      </fieldset>
      <label>意见 <textarea name="comment" rows="3"></textarea></label>
      <label
        >更正金额（可选，仅通过时；须科长复核） <input name="amount" inputmode="decimal" placeholder="1234.50" autocomplete="off"
      /></label>
      <label>金额更正理由 <input name="amountReason" autocomplete="off" /></label>
      <button type="submit">提交决定</button>`,
    'stacked',
  )}`;
}

/** The case page: everything a clerk needs to decide, and the form to do it. */
export function casePage(
  session: Session,
  view: CaseView,
  args: { temporalLink: string; attachmentUrls: (string | null)[]; error?: string },
): SafeHtml {
  const caseId = view.stored.caseId;
  const receipts = receiptsSection(view, caseId, args.attachmentUrls);
  return layout({
    title: `案件 ${caseId}`,
    session,
    error: args.error,
    body: html`<div class="case-grid">
      ${section('summary', '概况', headerSection(view, args.temporalLink))}
      ${section('decision', '审核决定', decisionSection(view, session, caseId))}
      ${section('application', '申请信息', view.application ? valueView(view.application) : html`<p class="muted">无受理记录。</p>`)}
      ${section('facts', '核心系统数据', view.facts ? valueView(view.facts) : view.factsFault ? notice('warn', `${view.factsFault.code}：${view.factsFault.message}`) : html`<p class="muted">尚未读取。</p>`)}
      ${receipts ? section('receipts', '票据与识别结果', receipts) : ''} ${section('checks', '规则检查', checksSection(view))}
      ${section('amount', '金额与计算', amountSection(view))} ${section('trail', '审计轨迹', trailSection(view))}
    </div>`,
  });
}
