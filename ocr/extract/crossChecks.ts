/**
 * Cross-checks between fields (RECEIPTS.md): 大写 ↔ 小写, Σ items = total, total = fund + account +
 * cash. Two independent readings that agree confirm each other, and the fields they touch gain
 * confidence; a disagreement means at least one of them is misread, and every field it implicates
 * loses confidence, unless another check vouches for that field.
 */
import { parseChineseAmount } from '../../rules/chineseAmount';
import { sumFen, toFen, type Fen } from '../../rules/money';
import type { ReceiptField } from '../schema';
import type { FieldReading } from './fields';
import type { ItemsReading } from './items';

export interface RawReading {
  code: FieldReading<string>;
  number: FieldReading<string>;
  checkCode: FieldReading<string>;
  issueDate: FieldReading<string>;
  payerName: FieldReading<string>;
  payerId: FieldReading<string>;
  hospitalName: FieldReading<string>;
  total: FieldReading<string>;
  totalInWords: FieldReading<string>;
  items: ItemsReading;
  fundPaid: FieldReading<string>;
  accountPaid: FieldReading<string>;
  cashPaid: FieldReading<string>;
}

/** Confidence of fields confirmed by an independent reading that agrees. */
const CONFIRMED = 0.99;
/** Ceiling for fields implicated by a failed check. */
const DOUBTED = 0.5;

type Verdict = 'agree' | 'disagree' | 'unchecked';

/** The confidences after the cross-checks, per field. */
export function crossCheckedConfidence(raw: RawReading): Record<ReceiptField, number> {
  const confidence = Object.fromEntries(
    Object.entries(raw).map(([field, read]) => [field, read.value === null ? 0 : read.confidence]),
  ) as Record<ReceiptField, number>;
  const total = raw.total.value === null ? null : toFen(raw.total.value);
  const words = wordsCheck(raw, total);
  const items = itemsCheck(raw, total);
  const split = splitCheck(raw, total);
  const totalConfirmed = words === 'agree' || items === 'agree' || split === 'agree';

  const confirm = (field: ReceiptField) => (confidence[field] = Math.max(confidence[field], CONFIRMED));
  const doubt = (field: ReceiptField) => (confidence[field] = Math.min(confidence[field], DOUBTED));

  if (totalConfirmed) confirm('total');
  else if (words === 'disagree' || items === 'disagree' || split === 'disagree') doubt('total');

  if (words === 'agree') confirm('totalInWords');
  if (words === 'disagree') doubt('totalInWords');
  // A total read but no 大写 to check it against: an unreadable 大写 is itself a warning sign.
  if (words === 'unchecked' && !totalConfirmed) confidence.total = Math.min(confidence.total, 0.85);

  // Items: the sum confirms the amounts, not the category names, which keep their own confidence.
  if (items === 'agree') confidence.items = Math.max(confidence.items, Math.min(CONFIRMED, raw.items.namesConfidence));
  if (items === 'disagree') doubt('items');

  for (const part of ['fundPaid', 'accountPaid', 'cashPaid'] as const) {
    if (split === 'agree') confirm(part);
    if (split === 'disagree') doubt(part);
  }
  return confidence;
}

function wordsCheck(raw: RawReading, total: Fen | null): Verdict {
  if (total === null || raw.totalInWords.value === null) return 'unchecked';
  return parseChineseAmount(raw.totalInWords.value) === total ? 'agree' : 'disagree';
}

function itemsCheck(raw: RawReading, total: Fen | null): Verdict {
  if (total === null || raw.items.value === null) return 'unchecked';
  return sumFen(raw.items.value.map((item) => toFen(item.amount))) === total ? 'agree' : 'disagree';
}

function splitCheck(raw: RawReading, total: Fen | null): Verdict {
  const parts = [raw.fundPaid.value, raw.accountPaid.value, raw.cashPaid.value];
  if (total === null || parts.some((part) => part === null)) return 'unchecked';
  return sumFen(parts.map((part) => toFen(part!))) === total ? 'agree' : 'disagree';
}
