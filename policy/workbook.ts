/**
 * The simulation workbook: 汇总 (summary, with the chart), 按规则 (flips and review load per rule),
 * 受影响案件 (each affected case before and after; 身份证号 masked), 未复现 (cases the base
 * parameters decide otherwise than recorded, kept apart from the draft's effect).
 */
import ExcelJS from 'exceljs';
import { BUSINESS_NAMES } from '../rules';
import { beijingTime } from '../time/beijing';
import type { CaseSide } from './impact';
import type { SimulationResult } from './simulate';
import { OUTCOME_NAMES, signed, summaryRows, yuan } from './summary';

/** The sheet names, in order. */
export const SHEETS = { summary: '汇总', rules: '按规则', cases: '受影响案件', notReproduced: '未复现' } as const;

const bold = { bold: true } as const;

/** Writes the workbook of a simulation run at `at`, with the chart PNG embedded on the summary sheet. */
export async function simulationWorkbook(result: SimulationResult, chartPng: Buffer, at: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'zhishen';
  wb.created = at;

  const summary = wb.addWorksheet(SHEETS.summary);
  summary.columns = [
    { header: '项目', key: 'label', width: 44 },
    { header: '值', key: 'value', width: 70 },
  ];
  summary.getRow(1).font = bold;
  for (const [label, value] of summaryRows(result, at)) summary.addRow({ label, value });
  const image = wb.addImage({ buffer: chartPng as unknown as ExcelJS.Buffer, extension: 'png' });
  summary.addImage(image, { tl: { col: 0, row: summary.rowCount + 1 }, ext: { width: 900, height: 480 } });

  const rules = wb.addWorksheet(SHEETS.rules);
  rules.columns = [
    { header: '业务', key: 'business', width: 14 },
    { header: '规则', key: 'rule', width: 10 },
    { header: '结论改变（件）', key: 'flips', width: 16 },
    { header: '规则结果变化（件）', key: 'changed', width: 18 },
    { header: '转人工审核：现行', key: 'reviewBefore', width: 18 },
    { header: '转人工审核：草案', key: 'reviewAfter', width: 18 },
    { header: '审核量变化', key: 'reviewDelta', width: 12 },
  ];
  rules.getRow(1).font = bold;
  for (const r of result.rules) {
    rules.addRow({
      business: BUSINESS_NAMES[r.business],
      rule: r.rule,
      flips: r.flips,
      changed: r.changed,
      reviewBefore: r.reviewBefore,
      reviewAfter: r.reviewAfter,
      reviewDelta: signed(r.reviewAfter - r.reviewBefore),
    });
  }

  const cases = wb.addWorksheet(SHEETS.cases);
  cases.columns = [
    { header: '案件编号', key: 'caseId', width: 22 },
    { header: '业务', key: 'business', width: 12 },
    { header: '最近决定时间（北京时间）', key: 'decidedAt', width: 22 },
    { header: '姓名', key: 'name', width: 10 },
    { header: '身份证号（已脱敏）', key: 'id', width: 22 },
    { header: '现行结论', key: 'beforeOutcome', width: 10 },
    { header: '现行金额（元）', key: 'beforeAmount', width: 14 },
    { header: '现行原因', key: 'beforeReasons', width: 18 },
    { header: '草案结论', key: 'afterOutcome', width: 10 },
    { header: '草案金额（元）', key: 'afterAmount', width: 14 },
    { header: '草案原因', key: 'afterReasons', width: 18 },
    { header: '核准金额变化（分）', key: 'deltaFen', width: 18 },
    { header: '结果改变的规则', key: 'rules', width: 18 },
    { header: '现行参数复现原决定', key: 'reproduces', width: 18 },
  ];
  cases.getRow(1).font = bold;
  for (const c of result.affected) {
    cases.addRow({
      caseId: c.caseId,
      business: BUSINESS_NAMES[c.type],
      decidedAt: beijingTime(c.decidedAt),
      name: c.name,
      id: c.idNumberMasked,
      beforeOutcome: OUTCOME_NAMES[c.before.outcome],
      beforeAmount: amountText(c.before),
      beforeReasons: c.before.reasons.join(','),
      afterOutcome: OUTCOME_NAMES[c.after.outcome],
      afterAmount: amountText(c.after),
      afterReasons: c.after.reasons.join(','),
      deltaFen: c.approvedDeltaFen,
      rules: c.rulesChanged.join(','),
      reproduces: c.baseReproducesRecord ? '是' : '否',
    });
  }
  if (result.affectedTotal > result.affected.length)
    cases.addRow({ caseId: `（另有 ${result.affectedTotal - result.affected.length} 件未列出）` });
  cases.views = [{ state: 'frozen', ySplit: 1 }];

  const apart = wb.addWorksheet(SHEETS.notReproduced);
  apart.columns = [
    { header: '案件编号', key: 'caseId', width: 22 },
    { header: '业务', key: 'business', width: 12 },
    { header: '原决定结论', key: 'recordedOutcome', width: 12 },
    { header: '原决定金额（元）', key: 'recordedAmount', width: 16 },
    { header: '原决定原因', key: 'recordedReasons', width: 18 },
    { header: '现行参数结论', key: 'baseOutcome', width: 12 },
    { header: '现行参数金额（元）', key: 'baseAmount', width: 18 },
    { header: '现行参数原因', key: 'baseReasons', width: 18 },
  ];
  apart.getRow(1).font = bold;
  for (const n of result.notReproduced.samples) {
    apart.addRow({
      caseId: n.caseId,
      business: BUSINESS_NAMES[n.type],
      recordedOutcome: OUTCOME_NAMES[n.recorded.outcome] ?? String(n.recorded.outcome),
      recordedAmount: amountText(n.recorded),
      recordedReasons: n.recorded.reasons.join(','),
      baseOutcome: OUTCOME_NAMES[n.base.outcome],
      baseAmount: amountText(n.base),
      baseReasons: n.base.reasons.join(','),
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function amountText(side: CaseSide): string {
  return side.amountFen === null ? '—' : yuan(side.amountFen);
}
