/**
 * The receipt's single-valued fields, found by their labels wherever the layout puts them: colon
 * or not (票据代码：44060122 / 票据代码 44060122), value in the same fragment or the next cell
 * (`|`), 票据号码 or NO, the 大写 and 小写 totals on one row or in neighbouring cells.
 */
import { maskIdNumber } from '../../rules/idNumber';
import type { Row } from '../layout/rows';
import { label, nextLabelPattern, shortLabelWords } from './labels';
import { allMatches, firstMatch, spanConfidence, type Match } from './match';
import { surnameConfidence } from './surnames';
import { chineseAmountValue, dateValue, digitsOnly, isCheckCode, moneyValue } from './values';

/** A field as read: its value (null when unreadable) and the confidence of what was read. */
export interface FieldReading<T> {
  value: T | null;
  confidence: number;
}

const UNREAD: FieldReading<never> = { value: null, confidence: 0 };

/** Confidence ceiling for a value read but not in its field's form (a 7-digit 票据代码). */
const MALFORMED_CEILING = 0.3;

const GAP = '[:;|.]*';
/** What may follow a label before its value: a closing bracket, (元), (章), (小写)… */
const TAIL = '(?:\\((?:元|小写|大写|盖?章|人民币)\\)?|盖?章|\\))?';
const DIGITISH = '[0-9OoDQIlZSBg]';
const MONEY = '¥?\\d[\\d,]*\\.\\d{2}';
/** Labels that end a free-text value (a name, a hospital) when fragments ran together. */
const NEXT_LABELS = nextLabelPattern();

/** Reads a value with `parse`; a value that does not parse is kept only as a low-confidence reading. */
function reading<T>(match: Match | null, parse: (text: string) => T | null): FieldReading<T> {
  if (match === null) return UNREAD;
  const value = parse(match.value);
  return value === null ? UNREAD : { value, confidence: match.confidence };
}

/** Digits a 票据代码 and a 票据号码 have. */
const IDENTIFIER_LENGTH = { code: 8, number: 10 } as const;

/** Whether a 票据代码, 票据号码 or 校验码 has its field's form: all its digits, or six hex digits. */
export function identifierInForm(field: keyof typeof IDENTIFIER_LENGTH | 'checkCode', value: string): boolean {
  return field === 'checkCode' ? isCheckCode(value) : value.length === IDENTIFIER_LENGTH[field] && /^\d+$/.test(value);
}

export function readCode(rows: readonly Row[]): FieldReading<string> {
  const match = firstMatch(rows, new RegExp(`${label('code')}${TAIL}${GAP}(?<v>${DIGITISH}{6,10})`));
  return formCapped(reading(match, digitsOnly), (v) => v.length === IDENTIFIER_LENGTH.code);
}

export function readNumber(rows: readonly Row[]): FieldReading<string> {
  const match = firstMatch(rows, new RegExp(`${label('number')}${TAIL}${GAP}(?<v>${DIGITISH}{8,12})`));
  return formCapped(reading(match, digitsOnly), (v) => v.length === IDENTIFIER_LENGTH.number);
}

/**
 * A 票据代码 or 票据号码 of its full length in which one character is no digit at all (a 7 cut by a
 * seal's ring read as #): what was read, and where the unreadable character is. Its value is not read,
 * but every other digit is, for another engine to fill the gap in.
 */
export function readIdentifierOneShort(
  rows: readonly Row[],
  field: keyof typeof IDENTIFIER_LENGTH,
): { text: string; gapAt: number; confidence: number } | null {
  const length = IDENTIFIER_LENGTH[field];
  const pattern = new RegExp(`${label(field)}${TAIL}${GAP}(?<v>[^|:;\\s\\u4e00-\\u9fa5]{${length}})(?![^|:;\\s\\u4e00-\\u9fa5])`);
  for (const match of allMatches(rows, pattern)) {
    const unread = Array.from(match.value).flatMap((char, i) => (digitsOnly(char) === null ? [i] : []));
    if (unread.length !== 1) continue;
    const gapAt = unread[0]!;
    const row = rows[match.rowIndex]!;
    const known = [...range(match.start, match.start + gapAt), ...range(match.start + gapAt + 1, match.start + length)];
    return { text: match.value, gapAt, confidence: Math.min(...known.map((i) => row.confidence[i] ?? 0)) };
  }
  return null;
}

export function readCheckCode(rows: readonly Row[]): FieldReading<string> {
  const match = firstMatch(rows, new RegExp(`${label('checkCode')}${TAIL}${GAP}(?<v>[0-9A-Za-z]{4,8})`));
  const read = reading(match, (text) => text.toLowerCase().replace(/o/g, '0').replace(/[il]/g, '1'));
  return formCapped(read, isCheckCode);
}

export function readIssueDate(rows: readonly Row[]): FieldReading<string> {
  const match = firstMatch(rows, new RegExp(`${label('issueDate')}${TAIL}${GAP}(?<v>\\d{4}[-年/.]\\d{1,2}[-月/.]\\d{1,2}日?)`));
  return reading(match, dateValue);
}

export function readPayerName(rows: readonly Row[]): FieldReading<string> {
  const matches = allMatches(
    rows,
    new RegExp(`${label('payerName')}(?!统|证件|身份)${TAIL}${GAP}(?<v>[\\u4e00-\\u9fa5][\\u4e00-\\u9fa5·\\-]{1,11})`),
  );
  // A label may stand where the value should (交款人 | 姓名 | 张三: the first cell's "value" is the next
  // label): no person is called 姓名, so it is passed over, and the name is what follows it.
  for (const match of matches) {
    const cell = withYi(match.value).split(NEXT_LABELS)[0] ?? '';
    const skipped = SHORT_LABEL.exec(cell)?.[0].length ?? 0;
    const name = cell.slice(skipped);
    if (name === '') continue;
    if (name.length < 2 || name.length > 5) return UNREAD;
    return { value: name, confidence: payerNameConfidence(rows[match.rowIndex]!, match, match.start + skipped, name) };
  }
  return UNREAD;
}

/** A value that begins with a label word of two characters (姓名, 日期, 合计, 个账…) is a label, not a name. */
const SHORT_LABEL = new RegExp(`^(?:${shortLabelWords().join('|')})`);

/**
 * Recognisers read the one-stroke 一 as a dash; inside or at the end of a Chinese name a dash can
 * only be 一 (付梅一, 第一人民医院). Same length, so offsets and confidences stay aligned.
 */
function withYi(text: string): string {
  return text.replace(/(?<=[\u4e00-\u9fa5])-/g, '一');
}

/**
 * The weakest character of the value matched, the name's first weighed as a surname (surnames.ts):
 * what stands before the name in the match (a label word passed over) and after it counts as it did.
 */
function payerNameConfidence(row: Row, match: Match, start: number, name: string): number {
  let min = 1;
  for (let i = match.start; i < match.start + match.value.length; i++) {
    const confidence = row.confidence[i] ?? 0;
    min = Math.min(min, i === start ? surnameConfidence(name[0]!, confidence, row.rivals[i]) : confidence);
  }
  return min;
}

/** Below it, a digit among a masked ID's stars may be a star's stroke misread. */
const STAR_STROKE_CEILING = 0.5;

/** 交款人's 身份证号 (or 统一社会信用代码), masked as `440402********1234` whether printed full or masked. */
export function readPayerId(rows: readonly Row[]): FieldReading<string> {
  // The hidden middle is printed as * which recognisers also render as quotes, dots, middle dots,
  // carets, ★, or, on a grainy scan, letters and cell breaks (440305|XOOOK|90517). The shortest middle
  // after which the digits end, so that a 校验码 in the next cell is never taken for the last four.
  const match = firstMatch(
    rows,
    new RegExp(`${label('payerId')}${TAIL}[:;|]*(?<v>\\d{6}[0-9A-Za-z*"“”'\`^.…·•|★☆]{1,14}?[0-9Xx]{4})(?![0-9Xx])`),
  );
  if (match === null) return UNREAD;
  const text = match.value.toUpperCase();
  const row = rows[match.rowIndex]!;
  // Only the first six and last four characters survive masking: they carry the confidence.
  const shown = [...range(match.start, match.start + 6), ...range(match.start + text.length - 4, match.start + text.length)];
  const confidence = Math.min(...shown.map((i) => row.confidence[i] ?? 0));
  if (/^\d{17}[\dX]$/.test(text)) return { value: maskIdNumber(text), confidence };
  const middle = [...range(match.start + 6, match.start + text.length - 4)];
  // A digit read surely among the stars may be the start of the four shown: where the mask ends is
  // then unknown. One read unsurely where letters stand for stars is a star's stroke (the 9 of 90517 at
  // 0.33); the four after it still say whose ID it is, but no more surely than that guess.
  const digitsAmongStars = middle.filter((i) => /\d/.test(row.text[i]!));
  if (digitsAmongStars.some((i) => (row.confidence[i] ?? 0) >= STAR_STROKE_CEILING)) return UNREAD;
  if (digitsAmongStars.length > 0 && !middle.some((i) => /[A-Za-z]/.test(row.text[i]!))) return UNREAD;
  // Recognisers merge runs of * (CTC collapses repeats), so their count means nothing: the masked
  // form is the same whatever it was, and only the digits shown carry doubt.
  const value = `${text.slice(0, 6)}********${text.slice(-4)}`;
  return { value, confidence: digitsAmongStars.length > 0 ? Math.min(confidence, STAR_STROKE_CEILING) : confidence };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

export function readHospitalName(rows: readonly Row[]): FieldReading<string> {
  const match = firstMatch(rows, new RegExp(`${label('hospitalName')}${TAIL}${GAP}(?<v>[\\u4e00-\\u9fa5][\\u4e00-\\u9fa5()\\-]{3,39})`));
  if (match === null) return UNREAD;
  const name = withYi(match.value).split(NEXT_LABELS)[0] ?? '';
  if (name.length < 4) return UNREAD;
  const confidence = spanConfidence(rows[match.rowIndex]!, match.start, match.start + name.length);
  // Medical institutions name themselves by what they are; anything else is a misread or a guess.
  const plausible = /(医院|卫生院|中心|门诊部|诊所|保健院|卫生室|医务室)$/.test(name);
  return { value: name, confidence: plausible ? confidence : Math.min(confidence, 0.6) };
}

const TOTAL_ROW = new RegExp(`${label('total')}|${label('totalInWords')}`);

/** 合计 (小写): the amount after 小写, or the money on the 合计/大写 row. */
export function readTotal(rows: readonly Row[]): FieldReading<string> {
  const labelled = firstMatch(rows, new RegExp(`${label('total')}${TAIL}${GAP}(?<v>${MONEY})`));
  if (labelled) return reading(labelled, moneyValue);
  const totalRow = rows.findIndex((row) => TOTAL_ROW.test(row.text));
  if (totalRow < 0) return UNREAD;
  const money = allMatches([rows[totalRow]!], new RegExp(`(?<v>${MONEY})`))[0];
  return money ? reading({ ...money, rowIndex: totalRow }, moneyValue) : UNREAD;
}

/** 合计 (大写) as printed, look-alike characters repaired. */
export function readTotalInWords(rows: readonly Row[]): FieldReading<string> {
  const match = firstMatch(rows, new RegExp(`${label('totalInWords')}${TAIL}${GAP}(?<v>[\\u4e00-\\u9fa5]{2,30})`));
  if (match === null) return UNREAD;
  // The words end where the 小写 part or the next cell begins.
  const words = match.value.split(/小写|\(|合计/)[0] ?? '';
  const value = chineseAmountValue(words);
  if (value === null) return UNREAD;
  return { value, confidence: spanConfidence(rows[match.rowIndex]!, match.start, match.start + words.length) };
}

/** One of the three payment parts, by its label. */
export function readPayment(rows: readonly Row[], field: 'fundPaid' | 'accountPaid' | 'cashPaid'): FieldReading<string> {
  const match = firstMatch(rows, new RegExp(`${label(field)}${TAIL}${GAP}(?<v>${MONEY})`));
  return reading(match, moneyValue);
}

/** Keeps a reading that fails its form, but never with a confidence a clerk would trust. */
function formCapped(read: FieldReading<string>, wellFormed: (value: string) => boolean): FieldReading<string> {
  if (read.value === null || wellFormed(read.value)) return read;
  return { value: read.value, confidence: Math.min(read.confidence, MALFORMED_CEILING) };
}
