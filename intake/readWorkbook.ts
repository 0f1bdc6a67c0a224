/**
 * Reads an intake workbook (INTAKE.md) into valid application rows and per-row errors. A row with
 * any error is left out; the rest of the batch goes ahead.
 */
import ExcelJS from 'exceljs';
import type { z } from 'zod';
import { IntakeError, type IntakeIssue } from './errors';
import { maskIdNumbersIn } from '../rules/idNumber';
import { detailRowSchema, lumpSumRowSchema, reimbursementRowSchema, transferRowSchema, type DetailLine, type IntakeRow } from './schemas';
import { COLUMNS, SHEET, SHEET_ORDER, headerOf, type SheetName } from './sheets';
import { looksLikeIntakeTable, readTable, type Table, type TableRow } from './table';
import { inspectWorkbook, readWorkbookBytes, requireBusinessSheets, workbookLabel } from './workbookFile';

interface SheetStats {
  /** Non-empty data rows. */
  rows: number;
  valid: number;
  invalid: number;
}

interface IntakeStats {
  sheets: Record<SheetName, SheetStats>;
  /** Application rows on 趸缴, 转移接续 and 零星报销. */
  cases: number;
  validCases: number;
  invalidCases: number;
  errors: number;
}

export interface IntakeResult {
  rows: IntakeRow[];
  errors: IntakeIssue[];
  stats: IntakeStats;
}

const CASE_SHEETS = [
  { sheet: SHEET.lumpSum, type: 'lump-sum', schema: lumpSumRowSchema },
  { sheet: SHEET.transfer, type: 'transfer', schema: transferRowSchema },
  { sheet: SHEET.reimbursement, type: 'reimbursement', schema: reimbursementRowSchema },
] as const;

/** Reads an intake workbook from a path or its bytes; throws IntakeError when it is not a readable workbook. */
export async function readIntakeWorkbook(source: string | Buffer): Promise<IntakeResult> {
  const workbook = await loadWorkbook(source);
  const worksheets = findSheets(workbook);
  const errors: IntakeIssue[] = [];
  const stats = emptyStats();

  const tables = new Map<SheetName, Table>();
  for (const [sheet, worksheet] of worksheets) {
    const table = readTable(worksheet, sheet, COLUMNS[sheet]);
    if (table.headerRowNumber === null && worksheet.actualRowCount > 0) {
      errors.push({
        sheet,
        rowNumber: 1,
        field: '案件编号',
        message: `工作表「${sheet}」找不到表头行：前 20 行中没有「案件编号」列`,
      });
    }
    tables.set(sheet, table);
  }

  const details = readDetails(tables.get(SHEET.details), errors);
  const firstSeen = new Map<string, { sheet: SheetName; rowNumber: number }>();
  const reimbursementIds = new Set<string>();
  const rows: IntakeRow[] = [];

  for (const { sheet, type, schema } of CASE_SHEETS) {
    for (const tableRow of tables.get(sheet)?.rows ?? []) {
      const rowErrors = columnErrors(sheet, tables.get(sheet)!, tableRow);
      const caseId = rawCaseId(tableRow);
      if (caseId !== undefined) {
        const first = firstSeen.get(caseId);
        if (first) {
          rowErrors.push(issue(sheet, tableRow, '案件编号', `案件编号 ${caseId} 重复：与「${first.sheet}」第 ${first.rowNumber} 行相同`));
        } else {
          firstSeen.set(caseId, { sheet, rowNumber: tableRow.rowNumber });
        }
        if (sheet === SHEET.reimbursement) reimbursementIds.add(caseId);
      }

      const input: Record<string, unknown> = { type, sheet, rowNumber: tableRow.rowNumber };
      const failedFields = collectCells(sheet, tableRow, input, rowErrors);
      if (sheet === SHEET.reimbursement && caseId !== undefined) {
        input.details = details.valid.get(caseId) ?? [];
        const badLines = details.invalidRowsByCase.get(caseId);
        if (badLines) {
          rowErrors.push(issue(sheet, tableRow, SHEET.details, `费用明细第 ${badLines.join('、')} 行有错误，本案件暂不受理`));
          failedFields.add('details');
        }
      }
      const parsed = schema.safeParse(input);
      if (!parsed.success) rowErrors.push(...zodIssues(sheet, tableRow, parsed.error, failedFields));
      else if (rowErrors.length === 0) rows.push(parsed.data);
      count(stats.sheets[sheet], rowErrors.length === 0);
      errors.push(...rowErrors);
    }
  }

  for (const orphan of details.rowsByCase) {
    const [caseId, detailRows] = orphan;
    if (reimbursementIds.has(caseId)) continue;
    for (const detailRow of detailRows) {
      errors.push(issue(SHEET.details, detailRow, '案件编号', `费用明细的案件编号 ${caseId} 在「${SHEET.reimbursement}」表中不存在`));
      details.validRowNumbers.delete(detailRow.rowNumber);
    }
  }
  const detailRowCount = tables.get(SHEET.details)?.rows.length ?? 0;
  stats.sheets[SHEET.details] = {
    rows: detailRowCount,
    valid: details.validRowNumbers.size,
    invalid: detailRowCount - details.validRowNumbers.size,
  };

  errors.sort((a, b) => SHEET_ORDER.indexOf(a.sheet) - SHEET_ORDER.indexOf(b.sheet) || a.rowNumber - b.rowNumber);
  const caseStats = CASE_SHEETS.map(({ sheet }) => stats.sheets[sheet]);
  stats.cases = caseStats.reduce((sum, s) => sum + s.rows, 0);
  stats.validCases = rows.length;
  stats.invalidCases = stats.cases - rows.length;
  stats.errors = errors.length;
  // Whatever column a 身份证号 was typed into (姓名, 票据, 案件编号…), an error message never carries it whole.
  return { rows, errors: errors.map((e) => ({ ...e, message: maskIdNumbersIn(e.message) })), stats };
}

async function loadWorkbook(source: string | Buffer): Promise<ExcelJS.Workbook> {
  const label = workbookLabel(source);
  const bytes = await readWorkbookBytes(source);
  // Not an .xlsx (an old .xls, an encrypted file, a CSV), cut short, or too large: refused before exceljs.
  inspectWorkbook(bytes, label);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch (error) {
    throw new IntakeError(`${label}已损坏或不是有效的 .xlsx 工作簿：${(error as Error).message}`);
  }
  return workbook;
}

function findSheets(workbook: ExcelJS.Workbook): Map<SheetName, ExcelJS.Worksheet> {
  const lookalikes = workbook.worksheets.filter((w) => !SHEET_ORDER.includes(w.name.trim() as SheetName) && looksLikeIntakeTable(w));
  const names = lookalikes.map((w) => `「${w.name}」`).join('、');
  const rename = `的表头像申请表，但工作表名称不是 ${SHEET_ORDER.join('、')} 之一`;
  requireBusinessSheets(
    workbook.worksheets.map((w) => w.name),
    lookalikes.length > 0 ? `；其中工作表${names}${rename}，请改名后重新提交` : '',
  );
  // Its rows would otherwise be skipped without a word: the whole workbook goes back instead.
  if (lookalikes.length > 0)
    throw new IntakeError(`工作表${names}${rename}：其中的行不会被受理。请把它改名为正确的业务工作表，或删除后重新提交`);
  const found = new Map<SheetName, ExcelJS.Worksheet>();
  for (const worksheet of workbook.worksheets) {
    const name = worksheet.name.trim() as SheetName;
    if (SHEET_ORDER.includes(name)) found.set(name, worksheet);
  }
  return found;
}

interface DetailsByCase {
  valid: Map<string, DetailLine[]>;
  /** All detail rows carrying a case ID, valid or not, to find orphans. */
  rowsByCase: Map<string, TableRow[]>;
  invalidRowsByCase: Map<string, number[]>;
  validRowNumbers: Set<number>;
}

function readDetails(table: Table | undefined, errors: IntakeIssue[]): DetailsByCase {
  const result: DetailsByCase = { valid: new Map(), rowsByCase: new Map(), invalidRowsByCase: new Map(), validRowNumbers: new Set() };
  if (!table) return result;
  for (const tableRow of table.rows) {
    const rowErrors = columnErrors(SHEET.details, table, tableRow);
    const input: Record<string, unknown> = { sheet: SHEET.details, rowNumber: tableRow.rowNumber };
    const failedFields = collectCells(SHEET.details, tableRow, input, rowErrors);
    const parsed = detailRowSchema.safeParse(input);
    if (!parsed.success) rowErrors.push(...zodIssues(SHEET.details, tableRow, parsed.error, failedFields));
    const caseId = rawCaseId(tableRow);
    if (caseId !== undefined) push(result.rowsByCase, caseId, tableRow);
    if (rowErrors.length > 0 || !parsed.success) {
      errors.push(...rowErrors);
      if (caseId !== undefined) push(result.invalidRowsByCase, caseId, tableRow.rowNumber);
      continue;
    }
    const { rowNumber, name, class: detailClass, amount, date } = parsed.data;
    push(result.valid, parsed.data.caseId, { rowNumber, name, class: detailClass, amount, date });
    result.validRowNumbers.add(rowNumber);
  }
  return result;
}

/** One error per missing or repeated column, on every row: none of the sheet's rows is silently lost. */
function columnErrors(sheet: SheetName, table: Table, row: TableRow): IntakeIssue[] {
  return table.columnProblems.map((problem) => issue(sheet, row, problem.header, problem.message));
}

/** Copies cell texts into `input`; cells that could not be read become errors. Returns those fields. */
function collectCells(sheet: SheetName, row: TableRow, input: Record<string, unknown>, rowErrors: IntakeIssue[]): Set<string> {
  const failed = new Set<string>();
  for (const [field, cell] of Object.entries(row.cells)) {
    if (cell.ok) {
      input[field] = cell.text;
    } else {
      failed.add(field);
      rowErrors.push(issue(sheet, row, headerOf(sheet, field), cell.message));
    }
  }
  // A missing column is already reported once per row; the schema need not add "为空" for it.
  for (const spec of COLUMNS[sheet]) if (!(spec.field in row.cells)) failed.add(spec.field);
  return failed;
}

function zodIssues(sheet: SheetName, row: TableRow, error: z.ZodError, skip: Set<string>): IntakeIssue[] {
  return error.issues
    .filter((zodIssue) => !skip.has(String(zodIssue.path[0])))
    .map((zodIssue) => issue(sheet, row, headerOf(sheet, String(zodIssue.path[0] ?? '')), zodIssue.message));
}

/** The 案件编号 as typed (trimmed, upper case), for duplicates and joins, even when otherwise invalid. */
function rawCaseId(row: TableRow): string | undefined {
  const cell = row.cells.caseId;
  return cell?.ok && cell.text !== undefined ? cell.text.toUpperCase() : undefined;
}

function issue(sheet: SheetName, row: TableRow, field: string, message: string): IntakeIssue {
  const caseId = rawCaseId(row);
  return { sheet, rowNumber: row.rowNumber, ...(caseId !== undefined ? { caseId } : {}), field, message };
}

function emptyStats(): IntakeStats {
  const sheets = Object.fromEntries(SHEET_ORDER.map((sheet) => [sheet, { rows: 0, valid: 0, invalid: 0 }])) as Record<
    SheetName,
    SheetStats
  >;
  return { sheets, cases: 0, validCases: 0, invalidCases: 0, errors: 0 };
}

function count(sheetStats: SheetStats, valid: boolean): void {
  sheetStats.rows++;
  if (valid) sheetStats.valid++;
  else sheetStats.invalid++;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
