/** What intake reports: problems with single rows, and the one error that stops a whole workbook. */
import type { SheetName } from './sheets';

/** A problem with one row; the row is left out of the batch. */
export interface IntakeIssue {
  sheet: SheetName;
  /** Excel row number, as the clerk sees it. */
  rowNumber: number;
  /** The row's 案件编号 as typed, when it has one. */
  caseId?: string;
  /** The Chinese column header (or the sheet name 费用明细 for a case's missing details). */
  field: string;
  /** Chinese, naming the value. */
  message: string;
}

/**
 * The workbook as a whole cannot be read (not an .xlsx, no known sheet). The message is written for
 * the person who submitted the file: print it, not the stack.
 */
export class IntakeError extends Error {
  override readonly name = 'IntakeError';
}
