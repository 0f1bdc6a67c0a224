/**
 * Fields the receipt's arithmetic already gives (RECEIPTS.md): total = fund + account + cash,
 * Σ items = total, 大写 = 小写. When one value is unread and the values that determine it were read
 * with confidence, it is filled in and named in `inferred`. An inferred value stays below the level
 * at which RB-11 trusts a field alone, unless two independent identities give it exactly the same;
 * a value that was read is never replaced.
 */
import { fenToChineseWords, parseChineseAmount } from '../../rules/chineseAmount';
import { formatFen, sumFen, toFen, type Fen } from '../../rules/money';
import type { ReceiptField } from '../schema';
import type { RawReading } from './crossChecks';

/** RB-11's level: a field below it goes to review. Sources of an inference must reach it. */
export const TRUSTED = 0.9;
/** Confidence of a value inferred from one identity: filled in, but a clerk looks at it. */
export const INFERRED = 0.85;
/** Confidence of a value two independent identities agree on exactly. */
const INFERRED_TWICE = 0.95;

const PARTS = ['fundPaid', 'accountPaid', 'cashPaid'] as const;

export interface Inference {
  raw: RawReading;
  confidence: Record<ReceiptField, number>;
  /** The fields filled in from the arithmetic, in the order they were inferred. */
  inferred: ReceiptField[];
}

/** Fills in what the arithmetic determines; returns new readings and confidences. */
export function inferFromArithmetic(read: RawReading, readConfidence: Record<ReceiptField, number>): Inference {
  const raw: RawReading = { ...read };
  const confidence = { ...readConfidence };
  const inferred: ReceiptField[] = [];
  const trusted = (field: ReceiptField) => raw[field].value !== null && confidence[field] >= TRUSTED;
  const fill = (field: 'total' | 'totalInWords' | (typeof PARTS)[number], value: string, certainty: number) => {
    raw[field] = { value, confidence: certainty };
    confidence[field] = certainty;
    inferred.push(field);
  };

  if (raw.total.value === null) {
    const candidates: Fen[] = [];
    if (trusted('totalInWords')) {
      const fen = parseChineseAmount(raw.totalInWords.value!);
      if (fen !== null) candidates.push(fen);
    }
    if (trusted('items')) candidates.push(sumFen(raw.items.value!.map((item) => toFen(item.amount))));
    if (PARTS.every(trusted)) candidates.push(sumFen(PARTS.map((part) => toFen(raw[part].value!))));
    // Sources that disagree mean one of them is misread: nothing is inferred from a contradiction.
    if (candidates.length > 0 && candidates.every((fen) => fen === candidates[0])) {
      fill('total', formatFen(candidates[0]!), candidates.length >= 2 ? INFERRED_TWICE : INFERRED);
    }
  }

  if (raw.totalInWords.value === null && trusted('total')) {
    // The words are written from the total; only 大写 = 小写 ties them, so they are never trusted alone.
    fill('totalInWords', fenToChineseWords(toFen(raw.total.value!)), INFERRED);
  }

  const unread = PARTS.filter((part) => raw[part].value === null);
  if (unread.length === 1 && trusted('total') && PARTS.filter((part) => part !== unread[0]).every(trusted)) {
    const others = sumFen(PARTS.filter((part) => part !== unread[0]).map((part) => toFen(raw[part].value!)));
    const rest = toFen(raw.total.value!) - others;
    if (rest >= 0n) fill(unread[0]!, formatFen(rest), INFERRED);
  }
  return { raw, confidence, inferred };
}
