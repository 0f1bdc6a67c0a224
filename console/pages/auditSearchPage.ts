import { ALL_RULES } from '../../rules/catalogue';
import type { AuditSearch, AuditSearchPage } from '../../store/auditSearch';
import { html, type SafeHtml } from '../html';
import { bureauTime, label, OUTCOME_LABELS, STATUS_LABELS, TYPE_LABELS } from '../labels';
import type { Session } from '../sessions';
import { layout } from './layout';

/** The kinds of human act, in Chinese. */
export const ACT_LABELS: Record<string, string> = {
  override: '改变规则结果',
  'amount-changed': '更改金额',
  corrected: '更正数据',
  'four-eyes': '双人复核',
  returned: '退回补正',
};

const option = (value: string, text: string, selected: string | undefined) =>
  html`<option value="${value}" ${value === (selected ?? '') ? html` selected` : ''}>${text}</option>`;

/** The query string of a search (and a page of it). */
function searchQuery(filter: AuditSearch, page?: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v !== undefined && v !== '') q.set(k, String(v));
  if (page && page > 1) q.set('page', String(page));
  return q.toString();
}

/** GET /audit: the search form, quick searches of last month, results 50 a page. */
export function auditSearchPage(
  session: Session,
  args: { filter: AuditSearch; result: AuditSearchPage | null; lastMonth: { from: string; to: string }; error?: string },
): SafeHtml {
  const { filter, result, lastMonth } = args;
  const quick = (act: string) => `/audit?${searchQuery({ from: lastMonth.from, to: lastMonth.to, act: act as AuditSearch['act'] })}`;
  const pages = result ? Math.max(1, Math.ceil(result.total / result.pageSize)) : 1;
  return layout({
    title: '审计查询',
    session,
    error: args.error,
    body: html`<p class="audit-links">
        <a href="/audit/samples">抽检</a> · 上月（${lastMonth.from} 至 ${lastMonth.to}）：
        ${Object.entries(ACT_LABELS).map(([k, v]) => html`<a class="quick" href="${quick(k)}">${v}</a> `)}
      </p>
      <form class="filters" method="get" action="/audit" id="audit-search">
        <label>案件编号 <input name="caseId" value="${filter.caseId ?? ''}" size="14" /></label>
        <label
          >业务
          <select name="business">
            ${option('', '全部', filter.business)}${Object.entries(TYPE_LABELS).map(([v, t]) => option(v, t, filter.business))}
          </select></label
        >
        <label>起始日期 <input type="date" name="from" value="${filter.from ?? ''}" /></label>
        <label>截止日期 <input type="date" name="to" value="${filter.to ?? ''}" /></label>
        <label
          >结论
          <select name="outcome">
            ${option('', '全部', filter.outcome)}${Object.entries(OUTCOME_LABELS).map(([v, t]) => option(v, t, filter.outcome))}
          </select></label
        >
        <label
          >未通过规则
          <select name="rule">
            ${option('', '全部', filter.rule)}${ALL_RULES.map((r) => option(r.id, `${r.id} ${r.title}`, filter.rule))}
          </select></label
        >
        <label>操作人 <input name="actor" value="${filter.actor ?? ''}" size="12" placeholder="用户名或机器人" /></label>
        <label
          >人工操作
          <select name="act">
            ${option('', '全部', filter.act)}${Object.entries(ACT_LABELS).map(([v, t]) => option(v, t, filter.act))}
          </select></label
        >
        <button type="submit">查询</button>
      </form>
      <p class="muted">日期为北京时间，含首尾两日；按案件轨迹中的事件匹配，每个案件一行，最近活动在前。</p>
      ${
        result
          ? html`<p id="audit-total">
                共 <strong>${result.total}</strong> 件，第 ${result.page} / ${pages} 页
                ${result.total > 0 ? html` · <a id="audit-xlsx" href="/audit/search.xlsx?${searchQuery(filter)}">导出 Excel</a>` : ''}
              </p>
              <table class="audit-results" id="audit-results">
                <thead>
                  <tr>
                    <th>案件编号</th>
                    <th>业务</th>
                    <th>状态</th>
                    <th>结论</th>
                    <th>金额</th>
                    <th>未通过规则</th>
                    <th>人工操作</th>
                    <th>匹配事件</th>
                    <th>最近（北京时间）</th>
                  </tr>
                </thead>
                <tbody>
                  ${result.rows.map(
                    (r) =>
                      html`<tr data-case="${r.caseId}">
                        <td><a href="/audit/cases/${encodeURIComponent(r.caseId)}">${r.caseId}</a></td>
                        <td>${label(TYPE_LABELS, r.business)}</td>
                        <td>${label(STATUS_LABELS, r.status)}</td>
                        <td>${label(OUTCOME_LABELS, r.outcome)}</td>
                        <td class="money">${r.amount ?? '—'}</td>
                        <td>${r.reasons.join('、') || '—'}</td>
                        <td>${r.acts.map((a) => html`<span class="badge act-${a}">${label(ACT_LABELS, a)}</span> `)}</td>
                        <td>${r.matchedEvents}</td>
                        <td>${bureauTime(r.lastAt)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
              <nav class="pager">
                ${result.page > 1 ? html`<a rel="prev" href="/audit?${searchQuery(filter, result.page - 1)}">上一页</a>` : ''}
                ${result.page < pages ? html`<a rel="next" href="/audit?${searchQuery(filter, result.page + 1)}">下一页</a>` : ''}
              </nav>`
          : ''
      }`,
  });
}
