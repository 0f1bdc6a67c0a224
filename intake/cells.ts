/**
 * Turns an exceljs cell value into the text a field schema validates, or a Chinese message when
 * the cell's kind cannot carry the column's value without loss.
 *
 * Formula cells: the result Excel saved is used, exactly as if it had been typed (a clerk who sums
 * a 金额 with =120+35.5 saw 155.5 and means it), with three exceptions a bureau cannot accept:
 * - in 案件编号 and 身份证号 (`exactText` columns), a formula is refused: these are keys that must be
 *   exactly what was entered, and a saved result can be stale (manual calculation, a file written
 *   by a program that does not calculate, a lookup into a sheet since edited). Only a formula that
 *   is a text constant, ="440402…" (a common way to keep an ID as text), is read, from the formula
 *   itself rather than from its saved result;
 * - a volatile function (TODAY, NOW, RAND, OFFSET, INDIRECT…) gives another value at every opening:
 *   what was saved is not what the applicant declared;
 * - a reference to another workbook ([1]Sheet1!A1) was saved from a file intake cannot see.
 * A formula with no saved result or with an error result is an error too, because recomputing
 * Excel formulas here would be a guess.
 */
import { maskIdNumber } from '../rules/idNumber';
import type ExcelJS from 'exceljs';
import type { CellKind } from './sheets';

export type CellText = { ok: true; text: string | undefined } | { ok: false; message: string };

/** Reads one cell for a column of the given kind; `header` names the column in messages. */
export function readCell(value: ExcelJS.CellValue, kind: CellKind, header: string): CellText {
  if (value === null || value === undefined) return { ok: true, text: undefined };
  if (typeof value === 'string') return fromString(value);
  if (typeof value === 'number') return fromNumber(value, kind, header);
  if (typeof value === 'boolean') return fail(`${header}是逻辑值 ${value ? 'TRUE' : 'FALSE'}，不是有效内容`);
  if (value instanceof Date) return fromDate(value, kind, header);
  if ('richText' in value) return fromString(value.richText.map((run) => run.text).join(''));
  if ('hyperlink' in value) return readCell(value.text as ExcelJS.CellValue, kind, header);
  if ('error' in value) return fail(`${header}是错误值 ${value.error}`);
  if ('formula' in value || 'sharedFormula' in value) return fromFormula(value, kind, header);
  return fail(`${header}的单元格内容无法识别`);
}

function fromString(raw: string): CellText {
  const text = raw.trim();
  return { ok: true, text: text === '' ? undefined : text };
}

function fromNumber(n: number, kind: CellKind, header: string): CellText {
  switch (kind) {
    case 'text':
      return { ok: true, text: decimalText(n) ?? String(n) };
    case 'exactText':
      // Excel keeps 15 significant digits: an 18-digit 身份证号 typed as a number has already lost its tail.
      return Math.abs(n) >= 1e15
        ? fail(
            `${header}是数字格式（Excel 显示为 ${maskIdNumber(decimalText(n) ?? String(n))}），超过 15 位的数字已丢失精度；请把该列设为文本格式后重新录入`,
          )
        : fail(`${header}「${decimalText(n) ?? n}」是数字格式，应为文本`);
    case 'date':
      return fail(`${header}是数字 ${decimalText(n) ?? n}，不是日期：请设为日期格式，或填写 YYYY-MM-DD 文本`);
    case 'money': {
      const text = decimalText(n);
      return text === null ? fail(`${header}「${n}」不是有效金额`) : { ok: true, text };
    }
  }
}

/**
 * The decimal written for a number, without exponent: JavaScript's shortest round-trip form, which is
 * the text Excel stored for any value typed with up to 15 significant digits (0.1 stays "0.1"). A sum
 * that binary floating point made inexact (0.30000000000000004) keeps all its digits, so it fails the
 * two-decimal check instead of being silently rounded.
 */
function decimalText(n: number): string | null {
  if (!Number.isFinite(n)) return null;
  const text = String(n);
  return /e/i.test(text) ? null : text;
}

function fromDate(date: Date, kind: CellKind, header: string): CellText {
  if (kind !== 'date') return fail(`${header}是日期格式，应为${kind === 'money' ? '金额' : '文本'}`);
  if (Number.isNaN(date.getTime())) return fail(`${header}是无效的日期`);
  // exceljs builds Dates from the serial as UTC midnight; local getters would shift the day east or west of Greenwich.
  const yyyy = String(date.getUTCFullYear()).padStart(4, '0');
  const mm = String(date.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(date.getUTCDate()).padStart(2, '0');
  return { ok: true, text: `${yyyy}-${mm}-${dd}` };
}

function fromFormula(value: ExcelJS.CellFormulaValue | ExcelJS.CellSharedFormulaValue, kind: CellKind, header: string): CellText {
  const formula = ('formula' in value ? value.formula : value.sharedFormula) ?? '';
  if (kind === 'exactText') {
    const constant = /^\s*"((?:[^"]|"")*)"\s*$/.exec(formula);
    if (constant) return fromString(constant[1]!.replace(/""/g, '"'));
    return fail(`${header}是公式 =${formula}，不接受公式：${header}必须直接录入（公式保存的结果可能已过时），请“粘贴为数值”后重新提交`);
  }
  const volatile = VOLATILE.exec(formula);
  if (volatile)
    return fail(`${header}是公式 =${formula}，其中的 ${volatile[1]!.toUpperCase()} 每次打开都会重新计算，值不固定；请直接填写值`);
  if (/\[[^\]]*\]/.test(formula))
    return fail(`${header}的公式 =${formula} 引用了其他工作簿，保存的结果可能已过时；请“粘贴为数值”后重新提交`);
  const result = value.result;
  if (result === undefined || result === null) {
    return fail(`${header}是公式 =${formula}，但文件中没有保存计算结果；请在 Excel 中打开并保存，或改为直接填写值`);
  }
  if (typeof result === 'object' && !(result instanceof Date) && 'error' in result) {
    return fail(`${header}的公式 =${formula} 结果为错误值 ${result.error}`);
  }
  return readCell(result as ExcelJS.CellValue, kind, header);
}

/** Functions whose value changes without any input changing. */
const VOLATILE = /(?<![A-Z0-9_.])(TODAY|NOW|RAND|RANDBETWEEN|RANDARRAY|OFFSET|INDIRECT|CELL|INFO)\s*\(/i;

function fail(message: string): CellText {
  return { ok: false, message };
}
