/** The dashboard card of cases held up by retries (console/stuckCases.ts finds them). */
import { html, type SafeHtml } from './html';
import { bureauTime } from './labels';
import type { DashboardLinks } from './dashboardPage';
import type { StuckCases } from './stuckCases';

/** What each activity does, as a manager reads it. */
const STEP_LABELS: Record<string, string> = {
  loadIntake: '读取受理工作簿',
  intakeRows: '读取受理行',
  acceptCase: '受理登记',
  openCase: '受理登记',
  readFacts: '读取核心系统数据',
  readReceipts: '票据识别（OCR）',
  decideCase: '规则判定',
  raiseException: '转人工',
  enterResult: '录入核心系统',
  closeCase: '结案登记',
  finishCase: '结案、通知书与归档',
  issueNotice: '出具通知书',
  archiveHistory: '归档流程历史',
  existingCaseResult: '查询已处理结果',
  finishBatch: '批次完成登记',
  openReview: '进入审核箱',
  recordReviewEvent: '记录认领/释放',
  redecideWithCorrections: '更正后重新判定',
  recordReviewDecision: '记录审核决定',
  remindReviewer: '时限提醒',
  escalateReview: '超时上报',
};

/** The card, for a threshold of `thresholdSeconds` in retries; a note instead when Temporal could not be read. */
export function stuckCasesSection(found: StuckCases | { error: string }, thresholdSeconds: number, links: DashboardLinks): SafeHtml {
  const threshold = thresholdSeconds % 60 === 0 ? `${thresholdSeconds / 60} 分钟` : `${thresholdSeconds} 秒`;
  const heading = html`<h3>因故障重试中的案件（超过 ${threshold}）</h3>`;
  if ('error' in found)
    return html`<section class="stuck" id="stuck-cases">
      ${heading}
      <p class="notice warn">无法从 Temporal 读取重试情况：${found.error}</p>
    </section>`;
  if (found.steps.length === 0) {
    return html`<section class="stuck" id="stuck-cases">
      ${heading}
      <p class="muted">没有（已查看 ${found.checked} 个运行中的流程${found.truncated ? '，未全部查看' : ''}）</p>
    </section>`;
  }
  return html`<section class="stuck" id="stuck-cases">
    ${heading}
    <p class="notice warn">以下步骤因技术故障（核心系统、数据库或票据识别不可用等）正在自动重试，故障排除后继续办理，案件不会因此失败。</p>
    <table class="stuck-cases">
      <thead>
        <tr>
          <th>案件</th>
          <th>步骤</th>
          <th>已尝试</th>
          <th>重试开始（北京时间）</th>
          <th>下次尝试</th>
          <th>最近错误</th>
        </tr>
      </thead>
      <tbody>
        ${found.steps.map(
          (s) =>
            html`<tr data-case="${s.caseId ?? ''}" data-step="${s.step}">
              <td>
                ${s.caseId ? html`<a href="/cases/${encodeURIComponent(s.caseId)}">${s.caseId}</a>` : html`<a href="${links.workflow(s.workflowId)}" rel="noopener">${s.workflowId}</a>`}
              </td>
              <td>${STEP_LABELS[s.step] ?? s.step}</td>
              <td data-attempts="${s.attempts}">${s.attempts} 次</td>
              <td>${bureauTime(s.since)}</td>
              <td>${bureauTime(s.nextAttemptAt)}</td>
              <td class="error">${s.lastError ?? '—'}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${found.truncated ? html`<p class="muted">只查看了前 ${found.checked} 个运行中的流程</p>` : ''}
  </section>`;
}
