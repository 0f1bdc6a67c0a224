/**
 * The monthly report as a workbook: one sheet per section and the 12-month trend. Amounts are
 * written twice, as integer fen (a number a formula can sum exactly) and as 元 text with two
 * decimals, so that no amount passes through a float.
 */
import ExcelJS from 'exceljs';
import { beijingTime } from '../time/beijing';
import { duration, monthTitle, rangeText, type MonthlyReport } from './monthly';
import { formatFen } from '../rules/money';

/** The sheets, in order. */
export const MONTHLY_SHEETS = ['概览', '按业务与结果', '规则例外率', '经办人工作量', '审核时限', '四眼复核', '近12个月趋势'] as const;

type Cell = string | number | null;

function sheet(wb: ExcelJS.Workbook, name: (typeof MONTHLY_SHEETS)[number], header: string[], rows: Cell[][], widths: number[]) {
  const ws = wb.addWorksheet(name);
  ws.columns = header.map((h, i) => ({ header: h, width: widths[i] ?? 14 }));
  ws.getRow(1).font = { bold: true };
  for (const row of rows) ws.addRow(row);
  return ws;
}

/** A fen amount as a whole number for the sheet; exact up to 2^53 fen (ninety trillion 元). */
const fenCell = (fen: bigint): number => Number(fen);
const rateCell = (share: number | null): Cell => (share === null ? null : Math.round(share * 10000) / 10000);

/** The report as an xlsx file's bytes. */
export async function monthlyWorkbook(r: MonthlyReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '智审 zhishen';
  // Fixed dates: the same report gives the same workbook.
  wb.created = new Date(r.generatedAt);
  wb.modified = new Date(r.generatedAt);

  sheet(
    wb,
    '概览',
    ['项目', '数值'],
    [
      ['月份', r.month],
      ['报告', `${monthTitle(r.month)} 管理月报`],
      ['统计区间', rangeText(r.range)],
      ['受理件数', r.totals.received],
      ['办结件数', r.totals.closed],
      ['通过', r.totals.approve],
      ['不予受理', r.totals.reject],
      ['其他结果', r.totals.other],
      ['核准金额（分）', fenCell(r.totals.approvedFen)],
      ['核准金额（元）', formatFen(r.totals.approvedFen)],
      ['无人工参与办结', r.totals.automated],
      ['自动化率', rateCell(r.totals.automationRate)],
      ['生成时间（北京时间）', beijingTime(r.generatedAt)],
    ],
    [24, 48],
  );

  sheet(
    wb,
    '按业务与结果',
    ['业务', '业务代码', '受理', '办结', '通过', '不予受理', '其他', '无人工参与', '自动化率', '核准金额（分）', '核准金额（元）'],
    [
      ...r.byBusiness.map((b) => [
        b.name,
        b.type,
        b.received,
        b.closed,
        b.approve,
        b.reject,
        b.other,
        b.automated,
        rateCell(b.closed === 0 ? null : b.automated / b.closed),
        fenCell(b.approvedFen),
        formatFen(b.approvedFen),
      ]),
      [
        '合计',
        '',
        r.totals.received,
        r.totals.closed,
        r.totals.approve,
        r.totals.reject,
        r.totals.other,
        r.totals.automated,
        rateCell(r.totals.automationRate),
        fenCell(r.totals.approvedFen),
        formatFen(r.totals.approvedFen),
      ],
    ],
    [14, 14, 8, 8, 8, 10, 8, 12, 10, 16, 16],
  );

  sheet(
    wb,
    '规则例外率',
    ['规则', '名称', '件数', '例外率', '规则决定件数'],
    r.exceptions.rules.map((x) => [x.rule, x.title, x.cases, rateCell(x.rate), r.exceptions.decided]),
    [14, 40, 8, 10, 14],
  );

  sheet(
    wb,
    '经办人工作量',
    ['经办人', '决定次数', '案件数', '计时次数', '中位（秒）', 'P90（秒）', '中位', 'P90'],
    r.clerks.map((c) => [
      c.clerk,
      c.decisions,
      c.cases,
      c.timed,
      c.medianSeconds === null ? null : Math.round(c.medianSeconds),
      c.p90Seconds === null ? null : Math.round(c.p90Seconds),
      duration(c.medianSeconds),
      duration(c.p90Seconds),
    ]),
    [16, 10, 10, 10, 12, 12, 14, 14],
  );

  sheet(
    wb,
    '审核时限',
    ['项目', '数值'],
    [
      ['按时决定', r.sla.kept],
      ['超时决定', r.sla.late],
      ['按时率', rateCell(r.sla.keptRate)],
      ['无时限记录的决定', r.sla.noDeadline],
      ['决定前已升级', r.sla.escalatedBeforeDecision],
      ['时限提醒（次）', r.sla.reminders],
      ['超时升级（次）', r.sla.escalations],
    ],
    [20, 12],
  );

  sheet(
    wb,
    '四眼复核',
    ['项目', '次数'],
    [
      ['提请复核', r.fourEyes.proposed],
      ['复核同意', r.fourEyes.approved],
      ['复核退回', r.fourEyes.sentBack],
    ],
    [16, 10],
  );

  sheet(
    wb,
    '近12个月趋势',
    ['月份', '办结', '无人工参与', '自动化率', '核准金额（分）', '核准金额（元）'],
    r.trend.map((t) => [t.month, t.cases, t.automated, rateCell(t.automationRate), fenCell(t.approvedFen), formatFen(t.approvedFen)]),
    [10, 8, 12, 10, 16, 16],
  );

  for (const ws of wb.worksheets)
    for (const [i, col] of (ws.columns ?? []).entries()) {
      const header = String(ws.getRow(1).getCell(i + 1).value ?? '');
      if (/率$/.test(header)) col.numFmt = '0.0%';
    }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
