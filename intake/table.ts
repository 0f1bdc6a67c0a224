/**
 * Reads one worksheet as a table: finds the header row by its Chinese names, maps columns to
 * fields whatever their order, and returns each non-empty data row's cells as text.
 */
import type ExcelJS from 'exceljs';
import { readCell, type CellText } from './cells';
import { COLUMNS, type ColumnSpec } from './sheets';

/** Header rows are looked for among the first rows only: above them may sit a title or export date. */
const HEADER_SEARCH_ROWS = 20;
const ANCHOR_HEADER = '案件编号';

const HEADER_SYNONYMS: Record<string, string> = {
  身份证号码: '身份证号',
  公民身份号码: '身份证号',
};

export interface TableRow {
  rowNumber: number;
  cells: Record<string, CellText>;
}

export interface Table {
  /** Null when no row among the first ones holds 案件编号. */
  headerRowNumber: number | null;
  /** Column problems that make every row of the sheet unreadable: missing or repeated headers. */
  columnProblems: { header: string; message: string }[];
  rows: TableRow[];
}

/** Reads `worksheet` with the columns `specs`; columns not in `specs` are ignored. */
export function readTable(worksheet: ExcelJS.Worksheet, sheetName: string, specs: readonly ColumnSpec[]): Table {
  const headerRowNumber = findHeaderRow(worksheet);
  if (headerRowNumber === null) return { headerRowNumber, columnProblems: [], rows: [] };

  const positions = headerPositions(worksheet.getRow(headerRowNumber));
  const columns = new Map<string, number>();
  const columnProblems: Table['columnProblems'] = [];
  for (const spec of specs) {
    const found = positions.get(spec.header) ?? [];
    if (found.length === 0) {
      const near = nearMiss(spec.header, positions, specs);
      const hint = near === undefined ? '' : `（表头中有「${near}」，是否应改为「${spec.header}」？）`;
      columnProblems.push({ header: spec.header, message: `工作表「${sheetName}」缺少必需的列「${spec.header}」${hint}` });
    } else if (found.length > 1) {
      const letters = found.map((col) => worksheet.getColumn(col).letter).join('、');
      columnProblems.push({
        header: spec.header,
        message: `工作表「${sheetName}」的列「${spec.header}」出现了 ${found.length} 次（第 ${letters} 列），无法确定使用哪一列`,
      });
    } else {
      columns.set(spec.field, found[0]!);
    }
  }

  const rows: TableRow[] = [];
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber <= headerRowNumber) return;
    const cells: Record<string, CellText> = {};
    for (const spec of specs) {
      const col = columns.get(spec.field);
      if (col !== undefined) cells[spec.field] = readCell(valueOf(row.getCell(col)), spec.kind, spec.header);
    }
    // A row with content only in ignored columns (a remark, a running total) is not an application.
    const hasContent = Object.values(cells).some((cell) => !cell.ok || cell.text !== undefined);
    // With a column missing the remaining cells still tell whether the row is real.
    if (hasContent || (columns.size === 0 && row.hasValues)) rows.push({ rowNumber, cells });
  });
  return { headerRowNumber, columnProblems, rows };
}

/** A header present that contains the missing one or is contained in it (票据文件, 身份证), and is no other column's. */
function nearMiss(header: string, positions: Map<string, number[]>, specs: readonly ColumnSpec[]): string | undefined {
  const taken = new Set(specs.map((s) => s.header));
  return [...positions.keys()].find((h) => !taken.has(h) && h.length > 1 && (h.includes(header) || header.includes(h)));
}

/** Intake headers other than the anchor: a row with the anchor and one of these is an application table. */
const OTHER_HEADERS = new Set(
  Object.values(COLUMNS)
    .flatMap((specs) => specs.map((s) => s.header))
    .filter((h) => h !== ANCHOR_HEADER),
);

/**
 * True when a sheet has, among its first rows, a header row of an intake table (案件编号 and another
 * intake column): used to catch a business sheet under a wrong name, whose rows would otherwise be
 * skipped without a word. An explanation sheet listing the columns one per row does not match.
 */
export function looksLikeIntakeTable(worksheet: ExcelJS.Worksheet): boolean {
  const last = Math.min(worksheet.rowCount, HEADER_SEARCH_ROWS);
  for (let r = 1; r <= last; r++) {
    const headers = headerPositions(worksheet.getRow(r));
    if (headers.has(ANCHOR_HEADER) && [...headers.keys()].some((h) => OTHER_HEADERS.has(h))) return true;
  }
  return false;
}

/**
 * The cell's value; for a cell of a shared formula (a column filled by dragging), with the formula
 * it computes rather than only the address of the cell it was dragged from.
 */
function valueOf(cell: ExcelJS.Cell): ExcelJS.CellValue {
  const value = cell.value;
  if (value !== null && typeof value === 'object' && 'sharedFormula' in value) {
    return { formula: cell.formula ?? value.sharedFormula, result: value.result } as ExcelJS.CellFormulaValue;
  }
  return value;
}

function findHeaderRow(worksheet: ExcelJS.Worksheet): number | null {
  const last = Math.min(worksheet.rowCount, HEADER_SEARCH_ROWS);
  for (let r = 1; r <= last; r++) {
    if (headerPositions(worksheet.getRow(r)).has(ANCHOR_HEADER)) return r;
  }
  return null;
}

/** Normalised header → the column numbers carrying it. */
function headerPositions(row: ExcelJS.Row): Map<string, number[]> {
  const positions = new Map<string, number[]>();
  row.eachCell({ includeEmpty: false }, (cell, col) => {
    const read = readCell(cell.value, 'text', '表头');
    if (!read.ok || read.text === undefined) return;
    const header = normaliseHeader(read.text);
    positions.set(header, [...(positions.get(header) ?? []), col]);
  });
  return positions;
}

/** Tolerates what exports and hand edits add: spaces, a required-mark `*`, a hint in brackets. */
function normaliseHeader(text: string): string {
  const bare = text
    .replace(/\s+/gu, '')
    .replace(/[*＊]+$/u, '')
    .replace(/^[*＊]+/u, '')
    .replace(/[（(][^（）()]*[）)]$/u, '');
  return HEADER_SYNONYMS[bare] ?? bare;
}
