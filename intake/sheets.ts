/**
 * The shape of an intake workbook (INTAKE.md): sheet names, and for each sheet the columns by
 * their Chinese header, the row field they fill and how their cells are read.
 */
import type { CaseType } from '../rules/caseTypes';

export const SHEET = {
  lumpSum: '趸缴',
  transfer: '转移接续',
  reimbursement: '零星报销',
  details: '费用明细',
} as const;

export type SheetName = (typeof SHEET)[keyof typeof SHEET];
export type CaseSheetName = typeof SHEET.lumpSum | typeof SHEET.transfer | typeof SHEET.reimbursement;

/** Sheets in the order rows and errors are reported. */
export const SHEET_ORDER: readonly SheetName[] = [SHEET.lumpSum, SHEET.transfer, SHEET.reimbursement, SHEET.details];

export const SHEET_OF_TYPE: Record<CaseType, CaseSheetName> = {
  'lump-sum': SHEET.lumpSum,
  transfer: SHEET.transfer,
  reimbursement: SHEET.reimbursement,
};

/** The business of a sheet's rows, by sheet name; a 费用明细 row belongs to a 零星报销 case. */
export function typeOfSheet(sheet: string): CaseType | undefined {
  if (sheet === SHEET.details) return 'reimbursement';
  return (Object.keys(SHEET_OF_TYPE) as CaseType[]).find((type) => SHEET_OF_TYPE[type] === sheet);
}

/**
 * How a cell is turned into text before validation:
 * - `text`: strings, rich text, hyperlinks; a number is taken as its digits (e.g. a 区划 code typed as a number);
 * - `exactText`: strings only — a number cell is an error because Excel keeps only 15 significant digits;
 * - `date`: an Excel date, or `YYYY-MM-DD` text;
 * - `money`: a number or text with at most two decimals, read from its decimal form.
 */
export type CellKind = 'text' | 'exactText' | 'date' | 'money';

export interface ColumnSpec {
  /** The field of the sheet row it fills. */
  readonly field: string;
  /** The header as exported by the front desk. */
  readonly header: string;
  readonly kind: CellKind;
  /** Explains the column in the template's 说明 sheet and header note. */
  readonly help: string;
}

const CASE_ID: ColumnSpec = {
  field: 'caseId',
  header: '案件编号',
  kind: 'exactText',
  help: '业务前缀-年份-序号，如 LS-2025-0001（趸缴 LS、转移接续 TR、零星报销 RB）；整个工作簿内不得重复。',
};
const APPLICATION_DATE: ColumnSpec = {
  field: 'applicationDate',
  header: '申请日期',
  kind: 'date',
  help: 'Excel 日期，或文本 YYYY-MM-DD。',
};
const NAME: ColumnSpec = { field: 'name', header: '姓名', kind: 'text', help: '参保人姓名，与身份证一致。' };
const ID_NUMBER: ColumnSpec = {
  field: 'idNumber',
  header: '身份证号',
  kind: 'exactText',
  help: '18 位公民身份号码，必须是文本（数字格式会丢失精度）；末位 X 大写。',
};

const PERSON_COLUMNS = [CASE_ID, APPLICATION_DATE, NAME, ID_NUMBER] as const;

export const COLUMNS: Record<SheetName, readonly ColumnSpec[]> = {
  [SHEET.lumpSum]: PERSON_COLUMNS,
  [SHEET.transfer]: [
    ...PERSON_COLUMNS,
    { field: 'fromRegion', header: '转出地区划', kind: 'text', help: '转出地 6 位行政区划代码，如 360700（赣州市）。' },
  ],
  [SHEET.reimbursement]: [
    ...PERSON_COLUMNS,
    { field: 'visitKind', header: '就诊类型', kind: 'text', help: '住院 或 门诊。' },
    { field: 'hospitalCode', header: '医疗机构编码', kind: 'text', help: 'H 加 8 位数字，如 H44040017。' },
    { field: 'admissionDate', header: '入院日期', kind: 'date', help: '门诊填就诊日期。Excel 日期或 YYYY-MM-DD。' },
    { field: 'dischargeDate', header: '出院日期', kind: 'date', help: '门诊填就诊日期；不得早于入院日期。' },
    { field: 'remote', header: '异地就医', kind: 'text', help: '本地、已备案、转诊 或 未备案。' },
    { field: 'reason', header: '报销原因', kind: 'text', help: '未能直接结算的原因，如 remote-unsettled。' },
    {
      field: 'attachments',
      header: '票据',
      kind: 'text',
      help: '票据附件文件名，多个用英文分号 ; 分隔，如 r1.png; r2.pdf；只写文件名或附件目录下的相对路径。',
    },
  ],
  [SHEET.details]: [
    { ...CASE_ID, help: '所属零星报销案件的案件编号（RB- 开头）。' },
    { field: 'name', header: '项目名称', kind: 'text', help: '药品或诊疗项目名称。' },
    { field: 'class', header: '类别', kind: 'text', help: '甲、乙 或 丙（甲类/乙类/丙类）。' },
    { field: 'amount', header: '金额', kind: 'money', help: '元，最多两位小数，如 1234.50。' },
    { field: 'date', header: '日期', kind: 'date', help: '费用发生日期。Excel 日期或 YYYY-MM-DD。' },
  ],
};

/** The header of a field on a sheet; `details` is the 费用明细 sheet itself. */
export function headerOf(sheet: SheetName, field: string): string {
  if (field === 'details') return SHEET.details;
  return COLUMNS[sheet].find((c) => c.field === field)?.header ?? field;
}
