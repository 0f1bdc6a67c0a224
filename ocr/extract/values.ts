/**
 * Parsers for the forms of receipt values (RECEIPTS.md): digits with the usual OCR confusions
 * repaired, money in fen, dates in either style, 金额大写 with look-alike characters mapped back.
 * Each returns null when the text is not that form.
 */
import { isRealDate } from '../../rules/dates';
import { parseChineseAmount } from '../../rules/chineseAmount';
import { formatFen, parseMoney } from '../../rules/money';

/** Letters recognisers print for digits in a field that can only hold digits. */
const DIGIT_LOOKALIKES: Readonly<Record<string, string>> = {
  O: '0',
  o: '0',
  D: '0',
  Q: '0',
  I: '1',
  l: '1',
  i: '1',
  '|': '1',
  Z: '2',
  S: '5',
  B: '8',
  g: '9',
};

/** The digits of a digits-only field, look-alike letters repaired; null if anything else remains. */
export function digitsOnly(text: string): string | null {
  const repaired = Array.from(text, (c) => DIGIT_LOOKALIKES[c] ?? c).join('');
  return /^\d+$/.test(repaired) ? repaired : null;
}

/** A money amount as printed (¥1,234.50 / 1234.50) in the case-file form "1234.50"; null otherwise. */
export function moneyValue(text: string): string | null {
  const bare = text.replace(/^[¥Y]/, '').replaceAll(',', '');
  const m = /^(\d+)\.(\d{2})$/.exec(bare);
  if (!m) return null;
  const fen = parseMoney(`${BigInt(m[1]!)}.${m[2]}`);
  return fen === null ? null : formatFen(fen);
}

/** 2024-03-15, 2024年03月15日, 2024/3/15, 2024.03.15 → "2024-03-15" when it is a real date. */
export function dateValue(text: string): string | null {
  const m = /^(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})日?$/.exec(text);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  return isRealDate(iso) ? iso : null;
}

/** Characters recognisers put in place of 大写 numerals and units that look alike. */
const CHINESE_NUMERAL_LOOKALIKES: Readonly<Record<string, string>> = {
  参: '叁',
  叄: '叁',
  弎: '叁',
  什: '仟',
  千: '仟',
  阡: '仟',
  百: '佰',
  陌: '佰',
  十: '拾',
  恰: '拾',
  捨: '拾',
  给: '拾',
  武: '贰',
  贡: '贰',
  式: '贰',
  貮: '贰',
  戴: '贰',
  壶: '壹',
  壷: '壹',
  一: '壹',
  五: '伍',
  六: '陆',
  陸: '陆',
  染: '柒',
  柴: '柒',
  七: '柒',
  八: '捌',
  别: '捌',
  九: '玖',
  政: '玖',
  坎: '玖',
  四: '肆',
  律: '肆',
  二: '贰',
  三: '叁',
  园: '圆',
  无: '元',
  亓: '元',
  〇: '零',
  令: '零',
  雾: '零',
};

/** 金额大写 with look-alikes repaired, as printed; null when it does not parse as an amount. */
export function chineseAmountValue(text: string): string | null {
  const repaired = Array.from(text, (c) => CHINESE_NUMERAL_LOOKALIKES[c] ?? c).join('');
  return parseChineseAmount(repaired) === null ? null : repaired;
}

/** True when `text` is 6 lower-case hexadecimal characters (校验码). */
export function isCheckCode(text: string): boolean {
  return /^[0-9a-f]{6}$/.test(text);
}
