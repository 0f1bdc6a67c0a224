import { percent } from '../../audit/sampling';
import { sampleFigures } from '../../audit/sampleReport';
import { maskIdNumbersIn } from '../../rules/idNumber';
import { ALL_RULES } from '../../rules/catalogue';
import type { StoredSample } from '../../store/auditSamples';
import { html, type SafeHtml } from '../html';
import { bureauTime, label, TYPE_LABELS } from '../labels';
import type { Session } from '../sessions';
import { csrfField, layout } from './layout';

const intervalText = (s: StoredSample) => {
  const f = sampleFigures(s);
  return f.interval ? `${percent(f.interval.rate)}（${percent(f.interval.low)}–${percent(f.interval.high)}）` : '—';
};

/** GET /audit/samples: the samples drawn, and (for auditors) the form to draw one. */
export function auditSamplesPage(
  session: Session,
  args: { samples: StoredSample[]; canAct: boolean; defaultMonth: string; error?: string },
): SafeHtml {
  return layout({
    title: '抽检',
    session,
    error: args.error,
    body: html`<p><a href="/audit">← 审计查询</a></p>
      ${
        args.canAct
          ? html`<form class="filters" method="post" action="/audit/samples" id="draw-sample">
                ${csrfField(session)}
                <label
                  >业务
                  <select name="business" required>
                    ${Object.entries(TYPE_LABELS).map(([v, t]) => html`<option value="${v}">${t}</option>`)}
                  </select></label
                >
                <label>月份 <input type="month" name="month" value="${args.defaultMonth}" required /></label>
                <label>比例（%） <input name="rate" value="5" size="5" inputmode="decimal" required /></label>
                <label>至少（件） <input name="minSize" value="5" size="4" inputmode="numeric" required /></label>
                <label>随机种子 <input name="seed" size="24" placeholder="留空则随机生成" /></label>
                <button type="submit">抽取样本</button>
              </form>
              <p class="muted">
                总体：该月（北京时间）由规则自动通过、没有任何人工操作的案件，按案件编号排序；种子与候选清单摘要一并记录，任何人可重抽验证。
              </p>`
          : ''
      }
      <table id="samples">
        <thead>
          <tr>
            <th>编号</th>
            <th>业务</th>
            <th>月份</th>
            <th>比例</th>
            <th>候选 / 抽取</th>
            <th>已审</th>
            <th>不同意率（95% 区间）</th>
            <th>抽样人</th>
            <th>时间</th>
          </tr>
        </thead>
        <tbody>
          ${args.samples.map(
            (s) =>
              html`<tr data-sample="${s.sampleId}">
                <td><a href="/audit/samples/${s.sampleId}">第 ${s.sampleId} 号</a></td>
                <td>${label(TYPE_LABELS, s.business)}</td>
                <td>${s.month}</td>
                <td>${(s.rateBp / 100).toFixed(2)}%（至少 ${s.minSize}）</td>
                <td>${s.candidateCount} / ${s.caseIds.length}</td>
                <td>${s.verdicts.length}</td>
                <td>${intervalText(s)}</td>
                <td>${s.drawnBy}</td>
                <td>${bureauTime(s.drawnAt)}</td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  });
}

/** GET /audit/samples/:id: how it was drawn, the figures, and each drawn case with its verdict or the form for one. */
export function auditSamplePage(session: Session, args: { sample: StoredSample; canAct: boolean; error?: string }): SafeHtml {
  const s = args.sample;
  const f = sampleFigures(s);
  return layout({
    title: `抽检第 ${s.sampleId} 号`,
    session,
    error: args.error,
    body: html`<p><a href="/audit/samples">← 抽检</a></p>
      <dl class="kv" id="sample-method">
        <dt>业务 / 月份</dt>
        <dd>${label(TYPE_LABELS, s.business)} · ${s.month}</dd>
        <dt>比例</dt>
        <dd>${(s.rateBp / 100).toFixed(2)}%，至少 ${s.minSize} 件</dd>
        <dt>候选案件</dt>
        <dd>${s.candidateCount} 件；清单摘要 <code class="hash">${s.candidatesDigest}</code></dd>
        <dt>随机种子</dt>
        <dd><code id="sample-seed">${s.seed}</code>（${s.method}）</dd>
        <dt>抽样人</dt>
        <dd>${s.drawnBy}，${bureauTime(s.drawnAt)}</dd>
      </dl>
      <p id="sample-figures">
        已抽 <strong>${f.drawn}</strong> 件，已审 <strong>${f.judged}</strong> 件，不同意 <strong>${f.disagreed}</strong> 件${
          f.interval
            ? html`：不同意率 <strong>${percent(f.interval.rate)}</strong>，95% 置信区间
                <strong>${percent(f.interval.low)}–${percent(f.interval.high)}</strong>（Wilson）`
            : ''
        }
      </p>
      <p>
        报告：<a id="report-xlsx" href="/audit/samples/${s.sampleId}/report.xlsx">Excel</a> ·
        <a id="report-pdf" href="/audit/samples/${s.sampleId}/report.pdf">PDF</a>
      </p>
      <datalist id="rule-ids">${ALL_RULES.map((r) => html`<option value="${r.id}">${r.title}</option>`)}</datalist>
      <table id="sample-cases">
        <thead>
          <tr>
            <th>#</th>
            <th>案件编号</th>
            <th>审计结论</th>
          </tr>
        </thead>
        <tbody>
          ${s.caseIds.map((caseId, i) => {
            const v = s.verdicts.find((x) => x.caseId === caseId);
            return html`<tr data-case="${caseId}">
              <td>${i + 1}</td>
              <td><a href="/audit/cases/${encodeURIComponent(caseId)}">${caseId}</a></td>
              <td>
                ${
                  v
                    ? html`<span class="badge verdict-${v.verdict}">${v.verdict === 'agree' ? '同意' : '不同意'}</span>
                        ${v.rule ? html`规则 <strong>${v.rule}</strong>` : ''} ${maskIdNumbersIn(v.note)}
                        <span class="muted">（${v.decidedBy}，${bureauTime(v.decidedAt)}）</span>`
                    : args.canAct
                      ? html`<form
                          method="post"
                          action="/audit/samples/${s.sampleId}/verdicts"
                          class="inline verdict-form"
                          id="verdict-${caseId}"
                        >
                          ${csrfField(session)}<input type="hidden" name="caseId" value="${caseId}" />
                          <label class="check"><input type="radio" name="verdict" value="agree" required /> 同意</label>
                          <label class="check"><input type="radio" name="verdict" value="disagree" /> 不同意</label>
                          <label>规则 <input name="rule" list="rule-ids" size="8" /></label>
                          <label>说明 <input name="note" size="28" /></label>
                          <button type="submit">记录</button>
                        </form>`
                      : html`<span class="muted">未审</span>`
                }
              </td>
            </tr>`;
          })}
        </tbody>
      </table>`,
  });
}
