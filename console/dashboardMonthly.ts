/**
 * The dashboard's monthly section (managers and auditors): the month's figures of reports/monthly.ts,
 * a selector of this and last month (`/dashboard?month=YYYY-MM`), and the downloads
 * `/dashboard/monthly.xlsx?month=…` and `/dashboard/monthly.pdf?month=…`.
 */
import { loadMonthlyReport } from '../reports/monthlyLoad';
import { duration, monthTitle, percent, rangeText, TREND_MONTHS, yuan, type MonthlyReport } from '../reports/monthly';
import { monthlyPdf } from '../reports/monthlyPdf';
import { monthlyWorkbook } from '../reports/monthlyWorkbook';
import type { Role } from '../store';
import { addMonths, beijingMonth, isBeijingMonth } from '../time/beijingMonth';
import type { AuthedContext } from './context';
import { html, type SafeHtml } from './html';
import { HttpError } from './http';

/** Who sees the monthly figures: of the dashboard's readers, managers and auditors (not supervisors). */
const MONTHLY_ROLES: readonly Role[] = ['manager', 'auditor'];

/** Whether the signed-in person sees the monthly section. */
const seesMonthly = (ctx: AuthedContext): boolean => MONTHLY_ROLES.includes(ctx.session.user.role);

/** The month asked for (`?month=`), this Beijing month by default; a malformed one is refused. */
function monthOf(ctx: AuthedContext): string {
  const asked = ctx.url.searchParams.get('month');
  if (asked === null || asked === '') return beijingMonth(ctx.deps.now());
  if (!isBeijingMonth(asked)) throw new HttpError(400, `月份 ${asked} 无效，应为 YYYY-MM（月份 01 至 12）`);
  return asked;
}

const fileHref = (month: string, kind: 'xlsx' | 'pdf') => `/dashboard/monthly.${kind}?month=${encodeURIComponent(month)}`;

function render(r: MonthlyReport, current: string): SafeHtml {
  const choices = [current, addMonths(current, -1)];
  const maxTrend = Math.max(1, ...r.trend.map((t) => t.cases));
  return html`<section class="card" id="monthly" data-month="${r.month}">
    <h2>管理月报 ${monthTitle(r.month)}</h2>
    <form method="get" action="/dashboard">
      <label
        >月份
        <select name="month">
          ${[...new Set([...choices, r.month])].map(
            (m) => html`<option value="${m}" ${m === r.month ? html`selected` : ''}>${monthTitle(m)}</option>`,
          )}
        </select></label
      >
      <button type="submit">查看</button>
    </form>
    <p>
      统计区间：${rangeText(r.range)} · <a href="${fileHref(r.month, 'xlsx')}">月报工作簿（xlsx）</a> ·
      <a href="${fileHref(r.month, 'pdf')}">月报（PDF）</a>
    </p>
    <p class="monthly-totals">
      受理 <strong data-figure="received">${r.totals.received}</strong> 件，办结
      <strong data-figure="closed">${r.totals.closed}</strong> 件；核准金额
      <strong data-figure="approved">${yuan(r.totals.approvedFen)}</strong> 元；自动化率
      <strong data-figure="automation">${percent(r.totals.automationRate)}</strong>
    </p>
    <table class="monthly-by-type">
      <thead>
        <tr>
          <th>业务</th>
          <th>受理</th>
          <th>办结</th>
          <th>通过</th>
          <th>不予受理</th>
          <th>其他</th>
          <th>无人工参与</th>
          <th>核准金额（元）</th>
        </tr>
      </thead>
      <tbody>
        ${r.byBusiness.map(
          (b) =>
            html`<tr data-type="${b.type}">
              <td>${b.name}</td>
              <td>${b.received}</td>
              <td>${b.closed}</td>
              <td>${b.approve}</td>
              <td>${b.reject}</td>
              <td>${b.other}</td>
              <td>${b.automated}</td>
              <td>${yuan(b.approvedFen)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h3>按规则的例外率（规则决定 ${r.exceptions.decided} 件）</h3>
    ${
      r.exceptions.rules.length === 0
        ? html`<p class="muted">没有未通过的规则</p>`
        : html`<table class="monthly-rules">
            <tbody>
              ${r.exceptions.rules.map(
                (x) =>
                  html`<tr data-rule="${x.rule}">
                    <td><span class="rule">${x.rule}</span> ${x.title}</td>
                    <td>${x.cases}</td>
                    <td><meter min="0" max="1" value="${x.rate.toFixed(4)}">${percent(x.rate)}</meter> ${percent(x.rate)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h3>经办人工作量（认领至决定）</h3>
    ${
      r.clerks.length === 0
        ? html`<p class="muted">本月没有人工决定</p>`
        : html`<table class="monthly-clerks">
            <thead>
              <tr>
                <th>经办人</th>
                <th>决定次数</th>
                <th>案件</th>
                <th>中位</th>
                <th>P90</th>
              </tr>
            </thead>
            <tbody>
              ${r.clerks.map(
                (c) =>
                  html`<tr data-clerk="${c.clerk}">
                    <td>${c.clerk}</td>
                    <td>${c.decisions}</td>
                    <td>${c.cases}</td>
                    <td>${duration(c.medianSeconds)}</td>
                    <td>${duration(c.p90Seconds)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <p class="monthly-sla">
      审核时限：按时 <strong data-figure="sla-kept">${r.sla.kept}</strong>，超时
      <strong data-figure="sla-late">${r.sla.late}</strong>（${percent(r.sla.keptRate)}）；提醒 ${r.sla.reminders} 次，升级
      ${r.sla.escalations} 次。四眼复核：提请 <strong data-figure="proposed">${r.fourEyes.proposed}</strong>，同意
      <strong data-figure="second-look-approved">${r.fourEyes.approved}</strong>，退回
      <strong data-figure="second-look-sent-back">${r.fourEyes.sentBack}</strong>
    </p>
    <h3>近 ${TREND_MONTHS} 个月</h3>
    <table class="monthly-trend">
      <thead>
        <tr>
          <th>月份</th>
          <th>办结</th>
          <th>自动化率</th>
          <th>核准金额</th>
        </tr>
      </thead>
      <tbody>
        ${r.trend.map(
          (t) =>
            html`<tr data-month="${t.month}">
              <td>${t.month}</td>
              <td><meter min="0" max="${maxTrend}" value="${t.cases}">${t.cases}</meter> ${t.cases}</td>
              <td>${percent(t.automationRate)}</td>
              <td>${yuan(t.approvedFen)} 元</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

/** The section for the dashboard page, or undefined for a role that does not see it. */
export async function monthlySection(ctx: AuthedContext): Promise<SafeHtml | undefined> {
  if (!seesMonthly(ctx)) {
    if (ctx.url.searchParams.has('month')) throw new HttpError(403, '管理月报仅对经理和审计员开放');
    return undefined;
  }
  const month = monthOf(ctx);
  return render(await loadMonthlyReport(ctx.deps.store, month, ctx.deps.now()), beijingMonth(ctx.deps.now()));
}

/** GET /dashboard/monthly.xlsx and /dashboard/monthly.pdf; false for any other path. */
export async function handleMonthlyFile(ctx: AuthedContext): Promise<boolean> {
  const m = /^\/dashboard\/monthly\.(xlsx|pdf)$/.exec(ctx.url.pathname);
  if (!m) return false;
  if (!seesMonthly(ctx)) throw new HttpError(403, '管理月报仅对经理和审计员开放');
  const month = monthOf(ctx);
  const report = await loadMonthlyReport(ctx.deps.store, month, ctx.deps.now());
  const kind = m[1] as 'xlsx' | 'pdf';
  const body =
    kind === 'xlsx'
      ? await monthlyWorkbook(report)
      : await monthlyPdf(report).catch((err: unknown) => {
          if (err instanceof Error && err.name === 'FontkitMissingError') throw new HttpError(503, `无法生成 PDF：${err.message}`);
          throw err;
        });
  ctx.res.writeHead(200, {
    'Content-Type': kind === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'Content-Length': body.byteLength,
    'Content-Disposition': `attachment; filename="monthly-${month}.${kind}"`,
  });
  ctx.res.end(body);
  return true;
}
