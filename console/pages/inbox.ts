import { ruleById } from '../../rules/catalogue';
import type { InboxEntry, InboxFilter } from '../../store';
import { html, type SafeHtml } from '../html';
import { bureauTime, label, SLA_LABELS, TYPE_LABELS } from '../labels';
import type { Session } from '../sessions';
import { layout } from './layout';

const ruleOption = (id: string): string => {
  const rule = ruleById(id);
  return rule ? `${id} ${rule.title}` : id;
};

const option = (value: string, text: string, selected: string | undefined) =>
  html`<option value="${value}" ${value === selected ? html` selected` : ''}>${text}</option>`;

const slaBadge = (entry: InboxEntry) =>
  entry.sla
    ? html`<span class="badge sla-${entry.sla}" title="提醒 ${bureauTime(entry.slaReminder)}，期限 ${bureauTime(entry.slaDeadline)}"
          >${label(SLA_LABELS, entry.sla)}</span
        >
        <small>${entry.slaDeadline ? bureauTime(entry.slaDeadline).slice(0, 16) : ''}</small
        >${entry.escalated ? html` <span class="badge escalated">已升级</span>` : ''}`
    : html`<span class="badge">—</span>`;

/** The exception inbox: filters, then the cases waiting, the most urgent first. */
export function inboxPage(
  session: Session,
  args: { entries: InboxEntry[]; filter: InboxFilter & { mine?: boolean }; ruleOptions: string[]; batchOptions: string[] },
): SafeHtml {
  const { entries, filter } = args;
  return layout({
    title: '审核箱',
    session,
    body: html`<form class="filters" method="get" action="/">
        <label
          >业务
          <select name="type">
            ${option('', '全部', filter.type ?? '')}${Object.entries(TYPE_LABELS).map(([v, t]) => option(v, t, filter.type))}
          </select></label
        >
        <label
          >未通过规则
          <select name="rule">
            ${option('', '全部', filter.rule ?? '')}${args.ruleOptions.map((r) => option(r, ruleOption(r), filter.rule))}
          </select></label
        >
        <label
          >批次
          <select name="batch">
            ${option('', '全部', filter.batchId ?? '')}${args.batchOptions.map((b) => option(b, b, filter.batchId))}
          </select></label
        >
        <label
          >时限
          <select name="sla">
            ${option('', '全部', filter.sla ?? '')}${Object.entries(SLA_LABELS).map(([v, t]) => option(v, t, filter.sla))}
          </select></label
        >
        <label class="check"><input type="checkbox" name="mine" value="1" ${filter.mine ? html` checked` : ''} /> 只看我认领的</label>
        <label class="check"
          ><input type="checkbox" name="proposed" value="1" ${filter.proposed ? html` checked` : ''} /> 只看待复核（双人复核）</label
        >
        <button type="submit">筛选</button> <a href="/">清除</a>
      </form>
      <p class="count">共 <strong id="inbox-count">${entries.length}</strong> 件待审核</p>
      <table class="inbox">
        <thead>
          <tr>
            <th>案件编号</th>
            <th>业务</th>
            <th>原因</th>
            <th>金额（元）</th>
            <th>批次</th>
            <th>认领人</th>
            <th>时限</th>
          </tr>
        </thead>
        <tbody>
          ${entries.map(
            (e) =>
              html`<tr data-case="${e.caseId}">
                <td><a href="/cases/${encodeURIComponent(e.caseId)}">${e.caseId}</a></td>
                <td>${label(TYPE_LABELS, e.type)}</td>
                <td>${e.reasons.map((r) => html`<span class="rule" title="${ruleById(r)?.title ?? ''}">${r}</span> `)}</td>
                <td class="money">${e.amount ?? '—'}</td>
                <td><small>${e.batchId ?? '—'}</small></td>
                <td>
                  ${e.claimedBy ?? html`<span class="muted">未认领</span>`}${e.proposal ? html` <span class="badge proposed" title="${e.proposal.needs.join('；')}">待复核</span>` : ''}
                </td>
                <td>${slaBadge(e)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${entries.length === 0 ? html`<p class="muted">没有符合条件的待审核案件。</p>` : ''}`,
  });
}
