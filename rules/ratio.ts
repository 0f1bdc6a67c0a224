/**
 * Exact decimal ratios and rates ("0.93", "0.085") as integer numerator over a power of ten, and
 * the one rounding the rulebook allows: round_half_up to the fen, halves away from zero.
 */
import type { Fen } from './money';

/** An exact decimal: value = units / 10^scale. The scale is kept so that "0.90" prints as "0.90". */
export interface Ratio {
  readonly units: bigint;
  readonly scale: number;
}

/** A decimal string such as "0.085" or "1" (no exponent, no sign). */
export const DECIMAL_PATTERN = /^(0|[1-9]\d*)(\.\d+)?$/;

/** Parses a decimal string exactly; null when it is not a plain non-negative decimal. */
export function parseRatio(text: string): Ratio | null {
  if (!DECIMAL_PATTERN.test(text)) return null;
  const [whole = '', fraction = ''] = text.split('.');
  return { units: BigInt(whole + fraction), scale: fraction.length };
}

/** Like parseRatio for strings a schema has already validated. */
export function toRatio(text: string): Ratio {
  const ratio = parseRatio(text);
  if (ratio === null) throw new Error(`not a decimal ratio: ${JSON.stringify(text)}`);
  return ratio;
}

/** Formats with at least two decimals ("0.90", "0.085"), the form the decision details use. */
export function formatRatio(ratio: Ratio): string {
  const shown = ratio.scale < 2 ? rescale(ratio, 2) : ratio;
  const negative = shown.units < 0n;
  const digits = (negative ? -shown.units : shown.units).toString().padStart(shown.scale + 1, '0');
  const whole = digits.slice(0, digits.length - shown.scale);
  const fraction = digits.slice(digits.length - shown.scale);
  return `${negative ? '-' : ''}${whole}${shown.scale > 0 ? '.' + fraction : ''}`;
}

/** a − b, exact, at the finer of the two scales. */
export function subtractRatio(a: Ratio, b: Ratio): Ratio {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale).units - rescale(b, scale).units, scale };
}

/** round_half_up(numerator / denominator) for a positive denominator: halves go away from zero. */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new Error('denominator must be positive');
  const magnitude = numerator < 0n ? -numerator : numerator;
  const rounded = (2n * magnitude + denominator) / (2n * denominator);
  return numerator < 0n ? -rounded : rounded;
}

/** round_half_up(fen × factors...) to the fen, with a single rounding at the end. */
export function applyRatios(fen: Fen, ...ratios: Ratio[]): Fen {
  let numerator = fen;
  let denominator = 1n;
  for (const ratio of ratios) {
    numerator *= ratio.units;
    denominator *= 10n ** BigInt(ratio.scale);
  }
  return divideRoundHalfUp(numerator, denominator);
}

function rescale(ratio: Ratio, scale: number): Ratio {
  return { units: ratio.units * 10n ** BigInt(scale - ratio.scale), scale };
}
