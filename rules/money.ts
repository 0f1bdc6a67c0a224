/**
 * Money as integer fen (分). Amounts travel as strings with exactly two decimals ("1234.50") and are
 * parsed digit by digit, so no amount ever passes through binary floating point.
 */

/** An amount in fen. bigint so that products with rates never lose precision. */
export type Fen = bigint;

/** A money string: optional minus, digits without superfluous leading zeros, exactly two decimals. */
export const MONEY_PATTERN = /^-?(0|[1-9]\d*)\.\d{2}$/;

/** A money string that is not negative, the form every amount in a case file takes. */
export const NON_NEGATIVE_MONEY_PATTERN = /^(0|[1-9]\d*)\.\d{2}$/;

/** Parses "1234.50" into 123450n fen; null when the string is not money with exactly two decimals. */
export function parseMoney(text: string): Fen | null {
  if (!MONEY_PATTERN.test(text)) return null;
  const negative = text.startsWith('-');
  const digits = (negative ? text.slice(1) : text).replace('.', '');
  const fen = BigInt(digits);
  // "-0.00" is zero, not a negative amount.
  return negative ? -fen : fen;
}

/** Like parseMoney for strings a schema has already validated; throws if that promise was broken. */
export function toFen(text: string): Fen {
  const fen = parseMoney(text);
  if (fen === null) throw new Error(`not a money string: ${JSON.stringify(text)}`);
  return fen;
}

/** Formats fen as "x.yy" (with a leading minus for negative amounts). */
export function formatFen(fen: Fen): string {
  const negative = fen < 0n;
  const digits = (negative ? -fen : fen).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** Sum of amounts in fen. */
export function sumFen(amounts: Iterable<Fen>): Fen {
  let total = 0n;
  for (const amount of amounts) total += amount;
  return total;
}

/** The larger of two amounts. */
export function maxFen(a: Fen, b: Fen): Fen {
  return a > b ? a : b;
}

/** The smaller of two amounts. */
export function minFen(a: Fen, b: Fen): Fen {
  return a < b ? a : b;
}
