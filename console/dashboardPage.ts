/** The batch dashboard page: pure rendering of the figures reports/batchStats.ts computes. */
import { ruleById } from '../rules/catalogue';
import type { BatchOverview, BatchStats } from '../reports/batchStats';
import { html, type SafeHtml } from './html';
import { bureauTime, OUTCOME_LABELS, SLA_LABELS, TYPE_LABELS } from './labels';
import { layout } from './pages/layout';
import type { Session } from './sessions';

export interface DashboardLinks {
  /** Temporal UI page of a workflow. */
  workflow(workflowId: string): string;
  /** Temporal UI list of a batch's workflows (search attribute BatchId). */
  batchWorkflows(batchId: string): string;
}

const batchHref = (batchId: string) => `/dashboard?batch=${encodeURIComponent(batchId)}`;
const filesHref = (batchId: string, file: string) => `/dashboard/batches/${encodeURIComponent(batchId)}/${file}`;
const pct = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** No script and no inline style (the CSP forbids both): bars are <meter> and <progress> elements. */
function progress(done: number, total: number): SafeHtml {
  return html`<progress max="${Math.max(total, 1)}" value="${done}">${done}/${total}</progress> ${done}/${total}`;
}

function batchList(overviews: readonly BatchOverview[], selected: string | null): SafeHtml {
  return html`<table class="batches">
    <thead>
      <tr>
        <th>批次</th>
        <th>工作簿</th>
        <th>提交时间（北京时间）</th>
        <th>状态</th>
        <th>进度</th>
        <th>无效行</th>
      </tr>
    </thead>
    <tbody>
      ${overviews.map(
        (b) =>
          html`<tr data-batch="${b.batchId}" ${b.batchId === selected ? html` class="selected"` : ''}>
            <td><a href="${batchHref(b.batchId)}">${b.batchId}</a></td>
            <td>${b.fileName}</td>
            <td>${bureauTime(b.submittedAt)}</td>
            <td>${b.status === 'done' ? '已完成' : b.status === 'running' ? '运行中' : '失败'}</td>
            <td>${progress(b.done, b.cases)}</td>
            <td>${b.invalidRows}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function batchDetail(s: BatchStats, links: DashboardLinks): SafeHtml {
  const maxPerHour = Math.max(1, ...s.throughput.map((t) => t.decided));
  return html`<section class="card" id="batch-detail" data-batch="${s.batchId}">
    <h2>批次 ${s.batchId}</h2>
    <p>
      <a href="${links.workflow(`batch-${s.batchId}`)}" rel="noopener">Temporal 中的批次工作流</a> ·
      <a href="${links.batchWorkflows(s.batchId)}" rel="noopener">本批次全部工作流</a> ·
      <a href="${filesHref(s.batchId, 'report.xlsx')}">结果工作簿（xlsx）</a> ·
      <a href="${filesHref(s.batchId, 'summary.pdf')}">批次汇总（PDF）</a> ·
      <a href="/?batch=${encodeURIComponent(s.batchId)}">本批次审核箱</a>
    </p>
    <h3>按业务与结果</h3>
    <table class="by-type">
      <thead>
        <tr>
          <th>业务</th>
          <th>进度</th>
          <th>${OUTCOME_LABELS.approve}</th>
          <th>${OUTCOME_LABELS.reject}</th>
          <th>${OUTCOME_LABELS.review}</th>
          <th>失败</th>
          <th>办理中</th>
        </tr>
      </thead>
      <tbody>
        ${s.byType.map(
          (t) =>
            html`<tr data-type="${t.type}">
              <td>${TYPE_LABELS[t.type] ?? t.type}</td>
              <td>${progress(t.done, t.total)}</td>
              <td data-outcome="approve">${t.approve}</td>
              <td data-outcome="reject">${t.reject}</td>
              <td data-outcome="review">${t.review}</td>
              <td>${t.failed}</td>
              <td>${t.running}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h3>按规则的例外率</h3>
    ${
      s.exceptionRates.length === 0
        ? html`<p class="muted">没有未通过的规则</p>`
        : html`<table class="exception-rates">
            <thead>
              <tr>
                <th>规则</th>
                <th>件数</th>
                <th>比例</th>
              </tr>
            </thead>
            <tbody>
              ${s.exceptionRates.map(
                (r) =>
                  html`<tr data-rule="${r.rule}">
                    <td><span class="rule">${r.rule}</span> ${ruleById(r.rule)?.title ?? ''}</td>
                    <td>${r.cases}</td>
                    <td><meter min="0" max="1" value="${r.rate.toFixed(4)}">${pct(r.rate)}</meter> ${pct(r.rate)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h3>待审核案件时限</h3>
    <p class="sla">
      待审核 <strong data-sla="open">${s.sla.open}</strong> 件：
      ${(['on-time', 'due-soon', 'overdue'] as const).map(
        (k) =>
          html`<a class="badge sla-${k}" href="/?batch=${encodeURIComponent(s.batchId)}&amp;sla=${k}" data-sla="${k}"
            >${SLA_LABELS[k]} ${s.sla[k]}</a
          > `,
      )}
    </p>
    <h3>处理量（每小时，北京时间）</h3>
    ${
      s.throughput.length === 0
        ? html`<p class="muted">尚无决定</p>`
        : html`<table class="throughput">
            <tbody>
              ${s.throughput.map(
                (t) =>
                  html`<tr>
                    <td>${t.hour}</td>
                    <td><meter min="0" max="${maxPerHour}" value="${t.decided}">${t.decided}</meter> ${t.decided}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  </section>`;
}

/** What working-day counts do while the calendar lacks a year: said where managers look. */
function calendarWarning(years: readonly number[]): SafeHtml {
  const named = years.map((y) => `${y} 年`).join('、');
  return html`<section class="card warning" id="calendar-warning" role="alert" data-missing-years="${years.join(',')}">
    <h2>工作日历缺少 ${named}</h2>
    <p>
      审核时限暂按周一至周五计算（节假日、调休未计入，可能偏早）；转移接续的办结时限无法确定，相关案件转人工审核。请管理员导入国务院办公厅公布的
      ${named}节假日安排：<code>npx tsx client.ts calendar import FILE --as USER</code>。
    </p>
  </section>`;
}

/** The whole page: the chosen batch in detail, the latest batches, and the schedules section if given. */
export function renderDashboard(args: {
  session: Session;
  overviews: readonly BatchOverview[];
  selected: BatchStats | null;
  links: DashboardLinks;
  schedules?: SafeHtml;
  /** The selected batch's cases held up by retries (console/dashboardStuck.ts). */
  stuck?: SafeHtml;
  /** Years the bureau calendar lacks that deadlines need now (this year; next year in December). */
  missingCalendarYears?: readonly number[];
  /** The monthly management section (console/dashboardMonthly.ts), for the roles that see it. */
  monthly?: SafeHtml;
}): SafeHtml {
  return layout({
    title: '批次看板',
    session: args.session,
    body: html`${args.missingCalendarYears?.length ? calendarWarning(args.missingCalendarYears) : ''}
      ${args.selected ? batchDetail(args.selected, args.links) : ''}
      ${args.selected && args.stuck ? html`<section class="card">${args.stuck}</section>` : ''}
      <section class="card">
        <h2>最近的批次</h2>
        ${args.overviews.length === 0 ? html`<p class="muted">还没有批次</p>` : batchList(args.overviews, args.selected?.batchId ?? null)}
      </section>
      ${args.monthly ?? ''} ${args.schedules ?? ''}`,
  });
}
