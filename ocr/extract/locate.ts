/**
 * Where the fields of a reading stand on the page: the line each value was read from, found again
 * by its value (or, for values printed in another form, by its label), for the clerk's outline.
 */
import type { Row } from '../layout/rows';
import type { ReceiptField, ReceiptValues } from '../schema';
import { label, LABEL_SYNONYMS, type LabelledField } from './labels';

export type FieldBox = [x: number, y: number, width: number, height: number];

const LABELS: Partial<Record<ReceiptField, RegExp>> = Object.fromEntries(
  (Object.keys(LABEL_SYNONYMS) as LabelledField[]).map((field) => [field, new RegExp(label(field))]),
);

function boxOf(rows: readonly Row[]): FieldBox {
  const left = Math.min(...rows.map((r) => r.left));
  const top = Math.min(...rows.map((r) => r.top));
  const right = Math.max(...rows.map((r) => r.right));
  const bottom = Math.max(...rows.map((r) => r.bottom));
  return [Math.round(left), Math.round(top), Math.round(right - left), Math.round(bottom - top)];
}

/** The forms a value may be printed in, as they appear in a row's normalised text. */
function printedForms(field: ReceiptField, value: string): string[] {
  if (field === 'issueDate') {
    const [y, m, d] = value.split('-');
    return [value, `${y}年${Number(m)}月${Number(d)}日`, `${y}年${m}月${d}日`];
  }
  if (field === 'payerId') return [value.slice(-4)];
  return [value];
}

/** A box per field that has a value and a line it can be found on. */
export function locateFields(rows: readonly Row[], values: ReceiptValues): Partial<Record<ReceiptField, FieldBox>> {
  const boxes: Partial<Record<ReceiptField, FieldBox>> = {};
  for (const [field, value] of Object.entries(values) as [ReceiptField, unknown][]) {
    if (value === null || value === undefined) continue;
    if (field === 'items') {
      const amounts = (value as { amount: string }[]).map((item) => item.amount);
      const itemRows = rows.filter((row) => amounts.some((amount) => row.text.includes(amount)));
      if (itemRows.length > 0) boxes.items = boxOf(itemRows);
      continue;
    }
    const forms = printedForms(field, String(value));
    const label = LABELS[field];
    const candidates = rows.filter((row) => forms.some((form) => row.text.includes(form)));
    // A value may stand on several lines (a total is printed twice): the one with its label is it.
    const row = candidates.find((r) => label?.test(r.text)) ?? candidates[0] ?? (label ? rows.find((r) => label.test(r.text)) : undefined);
    if (row) boxes[field] = boxOf([row]);
  }
  return boxes;
}
