/**
 * 参数草案影响模拟: the form (a draft pasted or uploaded, a range, a business) and the result
 * (summary table, chart, per-rule table, affected cases with 身份证号 masked, workbook link).
 */
import { html, type SafeHtml } from '../html';
import { BUSINESS_NAMES, CASE_TYPES } from '../../rules';
import { beijingTime } from '../../time/beijing';
import type { SimulationResult } from '../../policy/simulate';
import { OUTCOME_NAMES, signed, summaryRows, yuan } from '../../policy/summary';
import type { Session } from '../sessions';
import { csrfField, layout } from './layout';

/** What the form was filled with, to show again after a refusal. */
export interface PolicyFormValues {
  draft: string;
  from: string;
  to: string;
  type: string;
}

const EMPTY: PolicyFormValues = { draft: '', from: '', to: '', type: '' };
/** Affected cases the page lists; the workbook has them all. */
const LISTED = 200;

function form(session: Session, values: PolicyFormValues): SafeHtml {
  return html`<form method="post" action="/policy/simulate" enctype="multipart/form-data" id="simulate" class="card stacked">
    ${csrfField(session)}
    <label
      >参数草案（与 rules/params/*.json 同一格式的一个业务参数文件，粘贴 JSON）
      <textarea name="draft" rows="14" cols="90" spellcheck="false">${values.draft}</textarea>
    </label>
    <label>或上传草案文件 <input type="file" name="draftFile" accept=".json,application/json" /></label>
    <label>最近决定日期 自 <input type="date" name="from" value="${values.from}" /></label>
    <label>至 <input type="date" name="to" value="${values.to}" /></label>
    <label
      >业务
      <select name="type">
        <option value="" ${values.type === '' ? html`selected` : ''}>全部</option>
        ${CASE_TYPES.map((t) => html`<option value="${t}" ${values.type === t ? html`selected` : ''}>${BUSINESS_NAMES[t]}</option>`)}
      </select>
    </label>
    <button type="submit">模拟</button>
  </form>`;
}

/** GET /policy/simulate, or the form again with what was wrong. */
export function policyFormPage(session: Session, values: PolicyFormValues = EMPTY, error?: string): SafeHtml {
  return layout({
    title: '参数草案影响模拟',
    session,
    error,
    body: html`<p>按草案重新决定已决定的案件（以每件案件最近一次决定的记录输入为准），与现行参数的结果比较。模拟不改变任何案件。</p>
      ${form(session, values)}`,
  });
}

/** The result of POST /policy/simulate. */
export function policyResultPage(
  session: Session,
  run: { result: SimulationResult; at: Date; chartPng: Buffer; downloads: { workbook: string; chart: string } },
  values: PolicyFormValues,
): SafeHtml {
  const { result } = run;
  return layout({
    title: '参数草案影响模拟',
    session,
    body: html`<p>
        <a id="download" href="${run.downloads.workbook}" download>下载模拟结果工作簿（.xlsx）</a> ·
        <a href="${run.downloads.chart}" download>下载图表（.png）</a>
      </p>
      <table class="summary" id="summary">
        <tbody>
          ${summaryRows(result, run.at).map(
            ([label, value]) =>
              html`<tr>
                <th scope="row">${label}</th>
                <td>${value}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <figure>
        <img
          id="chart"
          alt="各规则导致的结论改变与核准金额变化"
          src="data:image/png;base64,${run.chartPng.toString('base64')}"
          width="900"
        />
      </figure>
      <h2>按规则</h2>
      <table id="rules">
        <thead>
          <tr>
            <th>业务</th>
            <th>规则</th>
            <th>结论改变</th>
            <th>规则结果变化</th>
            <th>转人工审核：现行</th>
            <th>草案</th>
            <th>变化</th>
          </tr>
        </thead>
        <tbody>
          ${result.rules.map(
            (r) =>
              html`<tr>
                <td>${BUSINESS_NAMES[r.business]}</td>
                <td>${r.rule}</td>
                <td>${r.flips}</td>
                <td>${r.changed}</td>
                <td>${r.reviewBefore}</td>
                <td>${r.reviewAfter}</td>
                <td>${signed(r.reviewAfter - r.reviewBefore)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <h2>受影响案件（${result.affectedTotal} 件${result.affectedTotal > LISTED ? html`，列出前 ${LISTED} 件，其余见工作簿` : ''}）</h2>
      <table id="affected">
        <thead>
          <tr>
            <th>案件编号</th>
            <th>业务</th>
            <th>最近决定（北京时间）</th>
            <th>身份证号</th>
            <th>现行</th>
            <th>草案</th>
            <th>核准金额变化（元）</th>
            <th>规则</th>
          </tr>
        </thead>
        <tbody>
          ${result.affected.slice(0, LISTED).map(
            (c) =>
              html`<tr>
                <td>${c.caseId}</td>
                <td>${BUSINESS_NAMES[c.type]}</td>
                <td>${beijingTime(c.decidedAt)}</td>
                <td>${c.idNumberMasked}</td>
                <td>${OUTCOME_NAMES[c.before.outcome]} ${c.before.amountFen === null ? '—' : yuan(c.before.amountFen)}</td>
                <td>${OUTCOME_NAMES[c.after.outcome]} ${c.after.amountFen === null ? '—' : yuan(c.after.amountFen)}</td>
                <td>${yuan(c.approvedDeltaFen, true)}</td>
                <td>${c.rulesChanged.join(',')}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <h2>再次模拟</h2>
      ${form(session, values)}`,
  });
}
