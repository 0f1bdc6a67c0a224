/**
 * From rows of text to a receipt reading: every field by its label, then the cross-checks set the
 * confidences. Text that carries none of a receipt's landmarks is not a receipt.
 */
import type { Row } from '../layout/rows';
import type { ReceiptReading } from '../schema';
import { crossCheckedConfidence, type RawReading } from './crossChecks';
import { inferFromArithmetic, TRUSTED } from './infer';
import {
  readCheckCode,
  readCode,
  readHospitalName,
  readIssueDate,
  readNumber,
  readPayerId,
  readPayerName,
  readPayment,
  readTotal,
  readTotalInWords,
} from './fields';
import { readItems } from './items';
import { label } from './labels';

/** Landmarks every 医疗收费票据 prints; a page with fewer than two of them is something else. */
const LANDMARKS = [
  new RegExp(label('code')),
  new RegExp(`${label('number')}[:.]?\\d`),
  new RegExp(`${label('total')}|${label('totalInWords')}`),
  /收费|票据/,
  new RegExp(label('payerName')),
  new RegExp(label('checkCode')),
];

/** True when the rows look like a medical receipt at all. */
export function looksLikeReceipt(rows: readonly Row[]): boolean {
  const text = rows.map((row) => row.text).join('\n');
  return LANDMARKS.filter((landmark) => landmark.test(text)).length >= 2;
}

/** Below it, as a total with no 大写 to check it is. */
const UNCHECKED_ITEMS_CEILING = 0.85;

/** Reads every field; the reading's values and cross-checked confidences. */
export function extractReceipt(rows: readonly Row[], source: ReceiptReading['source']): ReceiptReading {
  const raw: RawReading = {
    code: readCode(rows),
    number: readNumber(rows),
    checkCode: readCheckCode(rows),
    issueDate: readIssueDate(rows),
    payerName: readPayerName(rows),
    payerId: readPayerId(rows),
    hospitalName: readHospitalName(rows),
    total: readTotal(rows),
    totalInWords: readTotalInWords(rows),
    items: readItems(rows),
    fundPaid: readPayment(rows, 'fundPaid'),
    accountPaid: readPayment(rows, 'accountPaid'),
    cashPaid: readPayment(rows, 'cashPaid'),
  };
  const { raw: filled, confidence, inferred } = inferFromArithmetic(raw, crossCheckedConfidence(raw));
  // With no total to add up to but one the items themselves gave, nothing shows that no row was lost
  // (a line the detector missed leaves a list that reads perfectly): the list is not trusted alone.
  const totalVouched = filled.total.value !== null && (!inferred.includes('total') || confidence.total >= TRUSTED);
  if (!totalVouched) confidence.items = Math.min(confidence.items, UNCHECKED_ITEMS_CEILING);
  for (const field of Object.keys(confidence) as (keyof typeof confidence)[]) confidence[field] = round(confidence[field]);
  return {
    code: filled.code.value,
    number: filled.number.value,
    checkCode: filled.checkCode.value,
    issueDate: filled.issueDate.value,
    payerName: filled.payerName.value,
    payerId: filled.payerId.value,
    hospitalName: filled.hospitalName.value,
    total: filled.total.value,
    totalInWords: filled.totalInWords.value,
    items: filled.items.value,
    fundPaid: filled.fundPaid.value,
    accountPaid: filled.accountPaid.value,
    cashPaid: filled.cashPaid.value,
    confidence,
    source,
    ...(inferred.length > 0 ? { inferred } : {}),
  };
}

function round(confidence: number): number {
  return Math.round(confidence * 1000) / 1000;
}
