/**
 * The result workbook of a batch (`batch run --report OUT.xlsx`): one row per workbook row on 结果,
 * its outcome, amount and reasons, and counts per business and outcome on 汇总.
 */
import { chmodOwnerOnly } from '../security/ownerOnly';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { IntakeError } from './errors';
import { BUSINESS_NAMES, CASE_TYPES } from '../rules/caseTypes';
import { CaseTypeSchema } from '../rules/schemas';
import { maskIdNumbersIn } from '../rules/idNumber';

const MONEY = /^\d+\.\d{2}$/;

const ResultRowSchema = z.object({
  caseId: z.string().nullable(),
  sheet: z.string(),
  rowNumber: z.number().int().positive(),
  type: CaseTypeSchema,
  /** CONTRACT.md's tokens, plus `error` for a row that never became a case. */
  outcome: z.enum(['approve', 'reject', 'review', 'error']),
  amount: z.string().regex(MONEY).nullable(),
  /** Rule IDs of the failed checks, in POLICY.md order. */
  reasons: z.array(z.string()),
  /** Chinese, e.g. "LS-01 非职工医保参保，不予受理". */
  reasonsText: z.string(),
  messages: z.string(),
  /** Temporal UI URL of the case workflow. */
  link: z.string().nullable(),
});
export type ResultRow = z.infer<typeof ResultRowSchema>;
type Outcome = ResultRow['outcome'];

const RESULT_SHEET = '结果';
const SUMMARY_SHEET = '汇总';

const OUTCOME_TEXT: Record<Outcome, string> = { approve: '通过', reject: '不予受理', review: '转人工', error: '数据错误' };
const OUTCOME_FILL: Record<Outcome, string> = { approve: 'FFE2EFDA', reject: 'FFFCE4D6', review: 'FFFFF2CC', error: 'FFEDEDED' };
const OUTCOMES: readonly Outcome[] = ['approve', 'reject', 'review', 'error'];

const COLUMNS = [
  { header: '案件编号', key: 'caseId', width: 16 },
  { header: '业务', key: 'type', width: 14 },
  { header: '工作表', key: 'sheet', width: 10 },
  { header: '行号', key: 'rowNumber', width: 6 },
  { header: '结果', key: 'outcome', width: 9 },
  { header: '结果说明', key: 'outcomeText', width: 10 },
  { header: '金额', key: 'amount', width: 12 },
  { header: '原因', key: 'reasons', width: 16 },
  { header: '原因说明', key: 'reasonsText', width: 50 },
  { header: '提示', key: 'messages', width: 50 },
  { header: '链接', key: 'link', width: 40 },
] as const;

/** Writes the result report of a batch to `path`. */
export async function writeResultReport(path: string, rows: readonly ResultRow[]): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '智审 zhishen';
  addResultSheet(workbook, rows);
  addSummarySheet(workbook, rows);
  await workbook.xlsx.writeFile(path);
  await chmodOwnerOnly(path);
}

function addResultSheet(workbook: ExcelJS.Workbook, rows: readonly ResultRow[]): void {
  const worksheet = workbook.addWorksheet(RESULT_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  worksheet.columns = COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  worksheet.getRow(1).font = { bold: true };
  // Text, so that Excel neither drops the trailing zero of "12.50" nor sums a float of it.
  worksheet.getColumn('amount').numFmt = '@';
  worksheet.getColumn('amount').alignment = { horizontal: 'right' };
  for (const unmasked of rows) {
    // Managers and auditors download this workbook: an error that quoted a 身份证号 shows it masked.
    const row = {
      ...unmasked,
      sheet: maskIdNumbersIn(unmasked.sheet),
      reasonsText: maskIdNumbersIn(unmasked.reasonsText),
      messages: maskIdNumbersIn(unmasked.messages),
    };
    const excelRow = worksheet.addRow({
      caseId: row.caseId ?? '',
      type: BUSINESS_NAMES[row.type],
      sheet: row.sheet,
      rowNumber: row.rowNumber,
      outcome: row.outcome,
      outcomeText: OUTCOME_TEXT[row.outcome],
      amount: row.amount ?? '',
      reasons: row.reasons.join(', '),
      reasonsText: row.reasonsText,
      messages: row.messages,
      link: row.link ? { text: row.link, hyperlink: row.link } : '',
    });
    excelRow.getCell('outcomeText').fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: OUTCOME_FILL[row.outcome] } };
    if (row.link) excelRow.getCell('link').font = { color: { argb: 'FF0563C1' }, underline: true };
  }
  worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, rows.length + 1), column: COLUMNS.length } };
}

function addSummarySheet(workbook: ExcelJS.Workbook, rows: readonly ResultRow[]): void {
  const worksheet = workbook.addWorksheet(SUMMARY_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  worksheet.columns = [
    { header: '业务', key: 'type', width: 14 },
    ...OUTCOMES.map((o) => ({ header: `${o} ${OUTCOME_TEXT[o]}`, key: o, width: 14 })),
    { header: '合计', key: 'total', width: 8 },
    { header: '金额合计（通过+转人工）', key: 'amount', width: 22 },
  ];
  worksheet.getRow(1).font = { bold: true };
  worksheet.getColumn('amount').alignment = { horizontal: 'right' };
  for (const type of [...CASE_TYPES, null]) {
    const ofType = rows.filter((r) => type === null || r.type === type);
    const counts = Object.fromEntries(OUTCOMES.map((o) => [o, ofType.filter((r) => r.outcome === o).length]));
    // In fen, as integers: a sum of decimal strings must not pass through binary floating point.
    const fen = ofType
      .filter((r) => (r.outcome === 'approve' || r.outcome === 'review') && r.amount !== null)
      .reduce((sum, r) => sum + BigInt(r.amount!.replace('.', '')), 0n);
    const added = worksheet.addRow({
      type: type === null ? '合计' : BUSINESS_NAMES[type],
      ...counts,
      total: ofType.length,
      amount: fenText(fen),
    });
    if (type === null) added.font = { bold: true };
  }
}

function fenText(fen: bigint): string {
  const digits = fen.toString().padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** Reads the 结果 sheet of a result report back into rows (for tests and the demo summary). */
export async function readResultReport(path: string): Promise<ResultRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch (error) {
    throw new IntakeError(`无法读取结果报告 ${path}：${(error as Error).message}`);
  }
  const worksheet = workbook.worksheets.find((w) => w.name.trim() === RESULT_SHEET);
  if (!worksheet) throw new IntakeError(`结果报告 ${path} 中没有「${RESULT_SHEET}」工作表`);
  const columnOf = new Map<string, number>();
  worksheet.getRow(1).eachCell((cell, col) => columnOf.set(String(cell.value).trim(), col));
  const typeOf = new Map(Object.entries(BUSINESS_NAMES).map(([type, text]) => [text, type]));

  const rows: ResultRow[] = [];
  worksheet.eachRow((excelRow, rowNumber) => {
    if (rowNumber === 1) return;
    const text = (header: string): string => {
      const col = columnOf.get(header);
      return col === undefined ? '' : cellText(excelRow.getCell(col).value);
    };
    const linkCol = columnOf.get('链接');
    const linkValue = linkCol === undefined ? null : excelRow.getCell(linkCol).value;
    const link = linkValue && typeof linkValue === 'object' && 'hyperlink' in linkValue ? linkValue.hyperlink : text('链接') || null;
    rows.push(
      ResultRowSchema.parse({
        caseId: text('案件编号') || null,
        sheet: text('工作表'),
        rowNumber: Number(text('行号')),
        type: typeOf.get(text('业务')),
        outcome: text('结果'),
        amount: text('金额') || null,
        reasons: text('原因')
          .split(/[,，\s]+/)
          .filter((r) => r.length > 0),
        reasonsText: text('原因说明'),
        messages: text('提示'),
        link,
      }),
    );
  });
  return rows;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object' && !(value instanceof Date)) {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return String(value.result ?? '');
  }
  return String(value);
}
