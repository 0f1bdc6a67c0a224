/**
 * 金额大写: the amount in words printed on receipts (壹仟零伍元整, 玖拾元伍角, 壹亿零伍万元整).
 * Parsing is exact to the fen and rejects anything whose value is not unambiguous; the inverse
 * produces the standard form of 《支付结算办法》 used on the receipts this project generates.
 */
import type { Fen } from './money';

const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const SMALL_UNITS: Readonly<Record<string, number>> = { 拾: 1, 佰: 2, 仟: 3 };
const SECTION_UNITS = ['', '拾', '佰', '仟'] as const;
const YUAN = /[元圆]/g;
const WHOLE = new Set(['整', '正']);
const FRACTION_UNITS: Readonly<Record<string, number>> = { 角: -1, 分: -2 };
/** One 亿 section of four digits is the most the grammar supports: below 10^12 yuan. */
const MAX_FEN = 10n ** 14n - 1n;

/** A non-zero digit at a power of ten: place 0 is 元, −1 角, −2 分; `zeroBefore` records a 零 before it. */
interface Term {
  digit: number;
  place: number;
  zeroBefore: boolean;
}

/**
 * The amount written in 金额大写, in fen; null when the words are malformed (unknown characters,
 * places out of order, a 零 where nothing is missing, 整 after 分, empty sections …).
 * Leading 拾 (拾元整 = 10) and an omitted optional 零 are accepted because the value stays unambiguous.
 */
export function parseChineseAmount(words: string): Fen | null {
  const text = words.trim();
  const yuanMarks = text.match(YUAN) ?? [];
  if (yuanMarks.length > 1) return null;
  const yuanAt = text.search(YUAN);
  const integerWords = yuanAt >= 0 ? text.slice(0, yuanAt) : '';
  const fractionWords = yuanAt >= 0 ? text.slice(yuanAt + 1) : text;
  if (yuanAt >= 0 && integerWords === '') return null;

  const integerTerms = integerWords === '零' ? [] : parseInteger(integerWords);
  const fractionTerms = parseFraction(fractionWords);
  if (integerTerms === null || fractionTerms === null) return null;
  if (yuanAt < 0 && fractionTerms.length === 0) return null;

  const terms = [...integerTerms, ...fractionTerms];
  for (let i = 0; i < terms.length; i++) {
    const term = terms[i]!;
    const previous = terms[i - 1];
    // 零 stands for at least one missing place between two written ones.
    if (term.zeroBefore && (previous === undefined || previous.place - term.place < 2)) return null;
  }
  return terms.reduce((fen, term) => fen + BigInt(term.digit) * 10n ** BigInt(term.place + 2), 0n);
}

/** The standard 金额大写 of an amount in fen (0 ≤ fen < 10^14): 壹仟零伍元整, 玖拾元伍角, 壹佰元零伍分. */
export function fenToChineseWords(fen: Fen | number): string {
  const amount = BigInt(fen);
  if (amount < 0n || amount > MAX_FEN) throw new RangeError(`amount out of range for 金额大写: ${amount} fen`);
  if (amount === 0n) return '零元整';
  const yuan = amount / 100n;
  const jiao = Number((amount / 10n) % 10n);
  const fenDigit = Number(amount % 10n);
  let words = yuan > 0n ? integerWords(yuan) + '元' : '';
  if (jiao === 0 && fenDigit === 0) return words + '整';
  if (jiao > 0) words += DIGITS[jiao] + '角';
  else if (yuan > 0n) words += '零';
  if (fenDigit > 0) words += DIGITS[fenDigit] + '分';
  return words;
}

function parseInteger(words: string): Term[] | null {
  if (words === '') return [];
  const [hundredMillions, belowHundredMillions, ...extraYi] = words.split('亿');
  if (extraYi.length > 0) return null;
  const sections: Array<{ words: string; base: number }> = [];
  let rest = words;
  if (belowHundredMillions !== undefined) {
    sections.push({ words: hundredMillions ?? '', base: 8 });
    rest = belowHundredMillions;
  }
  const [tenThousands, units, ...extraWan] = rest.split('万');
  if (extraWan.length > 0) return null;
  if (units !== undefined) {
    sections.push({ words: tenThousands ?? '', base: 4 });
    rest = units;
  }
  const terms: Term[] = [];
  for (const [index, section] of sections.entries()) {
    // A section followed by 万 or 亿 must say something: 壹亿万 is not a number.
    const parsed = parseSection(section.words, section.base, index === 0);
    if (parsed === null || parsed.length === 0) return null;
    terms.push(...parsed);
  }
  if (rest !== '') {
    const parsed = parseSection(rest, 0, sections.length === 0);
    if (parsed === null || parsed.length === 0) return null;
    terms.push(...parsed);
  }
  return terms;
}

/** Up to four digits with 仟佰拾, each place at most once and in descending order. */
function parseSection(words: string, base: number, isLeading: boolean): Term[] | null {
  const terms: Term[] = [];
  let zeroPending = false;
  let lastPlace = 4;
  let i = 0;
  while (i < words.length) {
    const char = words[i]!;
    if (char === '零') {
      if (zeroPending) return null;
      zeroPending = true;
      i++;
      continue;
    }
    if (char === '拾' && isLeading && i === 0) {
      terms.push({ digit: 1, place: base + 1, zeroBefore: false });
      lastPlace = 1;
      i++;
      continue;
    }
    const digit = DIGITS.indexOf(char);
    if (digit <= 0) return null;
    const unitPlace = SMALL_UNITS[words[i + 1] ?? ''];
    const place = unitPlace ?? 0;
    i += unitPlace === undefined ? 1 : 2;
    // A bare digit is the section's units and so must come last.
    if (unitPlace === undefined && i < words.length) return null;
    if (place >= lastPlace) return null;
    terms.push({ digit, place: base + place, zeroBefore: zeroPending });
    zeroPending = false;
    lastPlace = place;
  }
  return zeroPending ? null : terms;
}

/** What follows 元: [零] [d角] [零] [d分] [整], with 零角/零分 accepted as explicit zeros. */
function parseFraction(words: string): Term[] | null {
  const terms: Term[] = [];
  let zeroPending = false;
  let lastPlace = 0;
  let i = 0;
  while (i < words.length) {
    const char = words[i]!;
    if (WHOLE.has(char)) {
      // 整 closes the amount, and never after 分.
      if (i !== words.length - 1 || lastPlace === -2 || zeroPending) return null;
      i++;
      continue;
    }
    const unitPlace = FRACTION_UNITS[words[i + 1] ?? ''];
    if (char === '零' && unitPlace === undefined) {
      if (zeroPending) return null;
      zeroPending = true;
      i++;
      continue;
    }
    const digit = DIGITS.indexOf(char);
    if (digit < 0 || unitPlace === undefined || unitPlace >= lastPlace) return null;
    if (digit > 0) terms.push({ digit, place: unitPlace, zeroBefore: zeroPending });
    else if (zeroPending) return null;
    zeroPending = false;
    lastPlace = unitPlace;
    i += 2;
  }
  return zeroPending ? null : terms;
}

function integerWords(yuan: bigint): string {
  const sections: Array<[number, string]> = [
    [Number(yuan / 10n ** 8n), '亿'],
    [Number((yuan / 10n ** 4n) % 10n ** 4n), '万'],
    [Number(yuan % 10n ** 4n), ''],
  ];
  let words = '';
  let higherWritten = false;
  let zeroPending = false;
  for (const [value, unit] of sections) {
    if (value === 0) {
      zeroPending ||= higherWritten;
      continue;
    }
    // 壹万零伍佰, 壹亿零伍万: a gap before a section that does not start at 仟 is read as 零.
    if (higherWritten && (zeroPending || value < 1000)) words += '零';
    words += sectionWords(value) + unit;
    higherWritten = true;
    zeroPending = false;
  }
  return words;
}

function sectionWords(value: number): string {
  let words = '';
  let started = false;
  let zeroPending = false;
  for (let place = 3; place >= 0; place--) {
    const digit = Math.floor(value / 10 ** place) % 10;
    if (digit === 0) {
      zeroPending ||= started;
      continue;
    }
    if (zeroPending) words += '零';
    words += DIGITS[digit] + SECTION_UNITS[place]!;
    started = true;
    zeroPending = false;
  }
  return words;
}
