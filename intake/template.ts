/**
 * The blank intake workbook handed to the front desk (`client.ts template OUT.xlsx`): the four data
 * sheets with their headers, notes on every header, a 说明 sheet, and validations that catch the
 * common mistakes while typing instead of at intake.
 */
import ExcelJS from 'exceljs';
import { COLUMNS, SHEET, SHEET_ORDER, type ColumnSpec, type SheetName } from './sheets';

/** Rows below the header that carry validations and formats. */
export const TEMPLATE_ROWS = 1000;

const LISTS: Record<string, readonly string[]> = {
  visitKind: ['住院', '门诊'],
  remote: ['本地', '已备案', '转诊', '未备案'],
  class: ['甲', '乙', '丙'],
};

const WIDTHS: Record<string, number> = {
  caseId: 16,
  applicationDate: 12,
  name: 10,
  idNumber: 22,
  fromRegion: 12,
  visitKind: 10,
  hospitalCode: 14,
  admissionDate: 12,
  dischargeDate: 12,
  remote: 10,
  reason: 20,
  attachments: 36,
  class: 8,
  amount: 12,
  date: 12,
};

const SHEET_PURPOSE: Record<SheetName, string> = {
  [SHEET.lumpSum]: '趸缴（退休人员补缴医保年限）申请，一行一件。',
  [SHEET.transfer]: '医保关系转移接续（转入）申请，一行一件。',
  [SHEET.reimbursement]: '零星报销申请，一行一件；费用明细另填「费用明细」表。',
  [SHEET.details]: '零星报销的费用明细，一行一个项目，以案件编号关联到「零星报销」表。',
};

/** Writes the blank intake template to `path`. */
export async function writeIntakeTemplate(path: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '智审 zhishen';
  for (const sheet of SHEET_ORDER) addDataSheet(workbook, sheet);
  addNotesSheet(workbook);
  await workbook.xlsx.writeFile(path);
}

function addDataSheet(workbook: ExcelJS.Workbook, sheet: SheetName): void {
  const worksheet = workbook.addWorksheet(sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  const specs = COLUMNS[sheet];
  worksheet.columns = specs.map((spec) => ({
    header: spec.header,
    key: spec.field,
    width: WIDTHS[spec.field] ?? 14,
    // Text format, so that Excel keeps all 18 digits of a 身份证号 and never turns an ID into a number.
    style: spec.field === 'idNumber' || spec.field === 'caseId' ? { numFmt: '@' } : spec.kind === 'date' ? { numFmt: 'yyyy-mm-dd' } : {},
  }));
  const header = worksheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', horizontal: 'center' };
  specs.forEach((spec, i) => {
    const cell = header.getCell(i + 1);
    cell.note = { texts: [{ text: `${spec.header}（必填）：${spec.help}` }] };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    const validation = validationFor(spec);
    if (validation) {
      const letter = worksheet.getColumn(i + 1).letter;
      validationsOf(worksheet).add(`${letter}2:${letter}${TEMPLATE_ROWS + 1}`, validation);
    }
  });
}

/** exceljs 4 has range validations (`dataValidations.add('E2:E1001', …)`) but leaves them out of its typings. */
export function validationsOf(worksheet: ExcelJS.Worksheet): {
  add(range: string, validation: ExcelJS.DataValidation): void;
  model: Record<string, ExcelJS.DataValidation | undefined>;
} {
  return (worksheet as unknown as { dataValidations: ReturnType<typeof validationsOf> }).dataValidations;
}

function validationFor(spec: ColumnSpec): ExcelJS.DataValidation | null {
  const list = LISTS[spec.field];
  const common = {
    allowBlank: true,
    showErrorMessage: true,
    showInputMessage: true,
    errorTitle: `${spec.header}无效`,
    promptTitle: spec.header,
    prompt: spec.help,
  };
  if (list) {
    return { ...common, type: 'list', formulae: [`"${list.join(',')}"`], error: `${spec.header}只能是：${list.join('、')}` };
  }
  if (spec.kind === 'date') {
    return {
      ...common,
      type: 'date',
      operator: 'between',
      formulae: [new Date(Date.UTC(2000, 0, 1)), new Date(Date.UTC(2099, 11, 31))],
      error: `${spec.header}应为日期（2000-01-01 至 2099-12-31），如 2025-03-05`,
    };
  }
  if (spec.field === 'idNumber') {
    return { ...common, type: 'textLength', operator: 'equal', formulae: [18], error: '身份证号应为 18 位文本' };
  }
  if (spec.kind === 'money') {
    return { ...common, type: 'decimal', operator: 'greaterThan', formulae: [0], error: '金额应为大于 0 的数字，最多两位小数' };
  }
  return null;
}

function addNotesSheet(workbook: ExcelJS.Workbook): void {
  const worksheet = workbook.addWorksheet('说明', { views: [{ state: 'frozen', ySplit: 1 }] });
  worksheet.columns = [
    { header: '工作表', key: 'sheet', width: 12 },
    { header: '列', key: 'header', width: 14 },
    { header: '必填', key: 'required', width: 6 },
    { header: '说明', key: 'help', width: 80 },
  ];
  worksheet.getRow(1).font = { bold: true };
  for (const sheet of SHEET_ORDER) {
    worksheet.addRow({ sheet, header: '', required: '', help: SHEET_PURPOSE[sheet] }).font = { italic: true };
    for (const spec of COLUMNS[sheet]) worksheet.addRow({ sheet, header: spec.header, required: '是', help: spec.help });
  }
  worksheet.addRow({});
  for (const line of [
    '列的顺序可以调整，多余的列会被忽略；表头名称必须与上表一致。',
    '日期可以是 Excel 日期，也可以是 YYYY-MM-DD 文本；身份证号、案件编号必须是文本。',
    '同一个案件编号在整个工作簿中只能出现一次（费用明细除外）。',
    '有错误的行不会受理，会在结果报告中逐行列出错误；其他行照常处理。',
  ]) {
    worksheet.addRow({ help: line });
  }
  worksheet.getColumn('help').alignment = { wrapText: true, vertical: 'top' };
}
