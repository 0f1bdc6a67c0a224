import type { ChainVerdict } from '../../store/verifyChain';
import type { AuditEvent, StoredCase } from '../../store';
import type { CaseReplay } from '../../audit/replay';
import { html, type SafeHtml } from '../html';
import { bureauTime, label, OUTCOME_LABELS, RESULT_LABELS, SEVERITY_LABELS, STATUS_LABELS, STEP_LABELS, TYPE_LABELS } from '../labels';
import type { Session } from '../sessions';
import { csrfField, layout, notice } from './layout';
import { correctionDiff } from './correctionDiff';

/** What the last act on the page found, shown above the trail. */
export type AuditActResult = { kind: 'verified'; verdict: ChainVerdict } | { kind: 'replayed'; replay: CaseReplay };

const json = (v: unknown) => JSON.stringify(v, null, 2);

interface Check {
  rule: string;
  result: string;
  severity?: string;
  message?: string;
}

function rulesTable(checks: Check[]): SafeHtml {
  return html`<table class="checks">
    <thead>
      <tr>
        <th>规则</th>
        <th>结果</th>
        <th>严重性</th>
        <th>说明</th>
      </tr>
    </thead>
    <tbody>
      ${checks.map(
        (c) =>
          html`<tr class="${c.result === 'fail' ? 'check-fail' : ''}">
            <td>${c.rule}</td>
            <td>${label(RESULT_LABELS, c.result)}</td>
            <td>${label(SEVERITY_LABELS, c.severity)}</td>
            <td>${c.message ?? ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

const shown = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** The part of an event an auditor reads first: the decision with its rule results, a correction's before/after, an act's result. */
function eventDetail(e: AuditEvent): SafeHtml {
  const inputs = (e.inputs ?? {}) as Record<string, unknown>;
  const outcome = (e.outcome ?? {}) as Record<string, unknown>;
  const decision = (o: Record<string, unknown>) =>
    html`<div>
        ${label(OUTCOME_LABELS, String(o.outcome ?? ''))}${o.amount ? `，${String(o.amount)} 元` : ''}${Array.isArray(o.reasons) && o.reasons.length ? `，未通过 ${o.reasons.join('、')}` : ''}
      </div>
      ${Array.isArray(o.checks) && o.checks.length ? rulesTable(o.checks as Check[]) : ''}`;
  switch (e.step) {
    case 'decided':
      return decision(outcome);
    case 'corrected': {
      const c = (inputs.corrected ?? {}) as { reason?: string; changes?: { path: string; before: unknown; after: unknown }[] };
      return html`<div>更正理由：${c.reason ?? ''}</div>
        ${correctionDiff(c.changes ?? [], shown)} ${decision(outcome)}`;
    }
    case 'reviewed':
    case 'returned':
    case 'proposed': {
      const before = (outcome.before ?? {}) as { outcome?: string; amount?: string | null };
      const after = (outcome.after ?? outcome.proposed ?? {}) as { outcome?: string; amount?: string | null };
      return html`<div class="before-after">
          <span class="before">${label(OUTCOME_LABELS, before.outcome)} ${before.amount ?? ''}</span> →
          <span class="after">${label(OUTCOME_LABELS, after.outcome)} ${after.amount ?? ''}</span>
        </div>
        <div>意见：${String(inputs.comment ?? '') || '—'}${inputs.amountReason ? `；金额理由：${String(inputs.amountReason)}` : ''}</div>
        ${Array.isArray(inputs.needs) ? html`<div>复核原因：${inputs.needs.join('；')}</div>` : ''}`;
    }
    case 'second-look-approved':
    case 'second-look-sent-back':
      return html`<div>提议人 ${String(inputs.proposedBy ?? '')}；意见：${String(inputs.comment ?? '') || '—'}</div>`;
    case 'audit-verified':
      return html`<div>${outcome.ok ? '哈希链完整' : `校验失败：第 ${String(outcome.seq)} 条 ${String(outcome.problem)}`}</div>`;
    case 'audit-replayed':
      return html`<div>${outcome.ok ? '重放一致' : '重放不一致'}</div>`;
    case 'audit-exported':
      return html`<div>导出 PDF，sha256 <code>${e.evidence[0]?.sha256 ?? ''}</code></div>`;
    case 'sample-verdict':
      return html`<div>
        抽检第 ${String(inputs.sampleId)}
        号：${outcome.verdict === 'agree' ? '同意' : '不同意'}${outcome.rule ? `，规则 ${String(outcome.rule)}` : ''}${outcome.note ? `，${String(outcome.note)}` : ''}
      </div>`;
    default:
      return html``;
  }
}

function verifyView(v: ChainVerdict): SafeHtml {
  return v.ok
    ? notice('ok', `校验通过：${v.events} 条事件的哈希链完整`)
    : notice('error', `校验失败：第 ${v.seq} 条事件 ${v.problem}（${v.detail}）`);
}

function replayView(r: CaseReplay): SafeHtml {
  const h = r.history;
  return html`<div class="card" id="replay-result">
    ${r.ok ? notice('ok', '重放一致：工作流历史可由当前代码重放，每次规则决定重算结果相同') : notice('error', '重放不一致或无法重放')}
    <ul>
      <li>
        工作流历史：${h.status === 'ok' ? `可重放（${h.events} 个事件${h.complete ? '' : '，保存时尚未结束'}）` : `${h.status === 'missing' ? '缺失' : '失败'} — ${h.error}`}
      </li>
      ${r.decisions.map(
        (d) =>
          html`<li data-seq="${d.seq}">
            #${d.seq}
            ${label(STEP_LABELS, d.step)}（${d.recorded.policyVersion}）：${d.match ? `重算一致（${label(OUTCOME_LABELS, String(d.recorded.outcome))}）` : `不一致 ${d.error ?? d.diffs.map((x) => x.path).join('、')}`}${d.ruleSet.sameFiles === false ? '；参数数据与记录不同' : ''}
          </li>`,
      )}
      ${r.decisions.length === 0 ? html`<li>没有规则决定的记录</li>` : ''}
      ${
        r.today
          ? html`<li>
              按今日参数（${r.today.parameterVersion ?? '—'}）：${r.today.error ?? (r.today.differsFrom.length === 0 ? '决定相同' : `将决定 ${label(OUTCOME_LABELS, r.today.decision?.outcome)} ${r.today.decision?.amount ?? ''}，不同之处 ${r.today.differsFrom.map((x) => x.path).join('、')}`)}
            </li>`
          : ''
      }
    </ul>
  </div>`;
}

/** GET /audit/cases/:id: the case's whole trail with hashes, decisions, corrections; the auditor's buttons. */
export function auditCasePage(
  session: Session,
  args: { stored: StoredCase | undefined; caseId: string; events: AuditEvent[]; canAct: boolean; result?: AuditActResult; error?: string },
): SafeHtml {
  const { stored, caseId, events } = args;
  const action = (what: string) => `/audit/cases/${encodeURIComponent(caseId)}/${what}`;
  const button = (what: string, text: string, extra = '') =>
    html`<form method="post" action="${action(what)}" class="inline" id="audit-${what}">
      ${csrfField(session)}<button type="submit" ${extra ? html`class="${extra}"` : ''}>${text}</button>
    </form>`;
  return layout({
    title: `审计轨迹 ${caseId}`,
    session,
    error: args.error,
    body: html`<p><a href="/audit">← 审计查询</a> · <a href="/cases/${encodeURIComponent(caseId)}">案件页</a></p>
      ${
        stored
          ? html`<dl class="kv">
              <dt>业务</dt>
              <dd>${label(TYPE_LABELS, stored.type)}</dd>
              <dt>状态</dt>
              <dd>${label(STATUS_LABELS, stored.status)}</dd>
              <dt>结论</dt>
              <dd>${label(OUTCOME_LABELS, stored.outcome)} ${stored.amount ? `${stored.amount} 元` : ''}</dd>
              <dt>批次</dt>
              <dd>${stored.batchId ?? '—'}</dd>
            </dl>`
          : ''
      }
      ${
        args.canAct
          ? html`<div class="audit-actions">
              ${button('verify', '校验哈希链')} ${button('replay', '重放案件')} ${button('export', '导出 PDF', 'secondary')}
              <span class="muted">每次操作都记入本案审计轨迹。</span>
            </div>`
          : html`<p class="muted">只读：校验、重放和导出由审计员操作。</p>`
      }
      ${args.result?.kind === 'verified' ? html`<div id="verify-result">${verifyView(args.result.verdict)}</div>` : ''}
      ${args.result?.kind === 'replayed' ? replayView(args.result.replay) : ''}
      <table class="trail audit-trail" id="audit-trail">
        <thead>
          <tr>
            <th>#</th>
            <th>时间（北京时间）</th>
            <th>步骤</th>
            <th>操作人</th>
            <th>内容</th>
            <th>哈希 / 前一哈希</th>
          </tr>
        </thead>
        <tbody>
          ${events.map(
            (e) =>
              html`<tr data-step="${e.step}" data-seq="${e.seq}">
                <td>${e.seq}</td>
                <td><time datetime="${e.at}">${bureauTime(e.at)}</time></td>
                <td>${label(STEP_LABELS, e.step)}<br /><code class="muted">${e.step}</code></td>
                <td>
                  ${e.actor.kind === 'user' ? html`<strong>${e.actor.name}</strong>` : html`<span class="muted">${e.actor.kind}:${e.actor.name}${e.actor.version ? `@${e.actor.version}` : ''}</span>`}
                </td>
                <td>
                  ${eventDetail(e)} ${e.ruleSetVersion ? html`<div class="muted small">规则集 ${e.ruleSetVersion}</div>` : ''}
                  <details>
                    <summary>输入与结果（JSON）</summary>
                    <pre>${json({ inputs: e.inputs, outcome: e.outcome, evidence: e.evidence })}</pre>
                  </details>
                </td>
                <td class="hashes"><code class="hash">${e.hash}</code><br /><code class="hash prev">${e.prevHash ?? '—'}</code></td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  });
}
