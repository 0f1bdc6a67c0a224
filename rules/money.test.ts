import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatFen, parseMoney } from './money';
import { applyRatios, divideRoundHalfUp, formatRatio, parseRatio, subtractRatio, toRatio } from './ratio';

describe('money strings ↔ fen', () => {
  it('parses exactly two decimals into integer fen', () => {
    expect(parseMoney('1234.50')).toBe(123450n);
    expect(parseMoney('0.01')).toBe(1n);
    expect(parseMoney('-0.05')).toBe(-5n);
    expect(parseMoney('90071992547409.93')).toBe(9007199254740993n); // beyond 2^53: no float on the way
  });

  it.each(['1234.5', '1234', '1234.500', '01.00', '+1.00', '1,234.50', ' 1.00', '1e3', '', '.50'])('rejects %j', (text) => {
    expect(parseMoney(text)).toBeNull();
  });

  it('formats fen back', () => {
    expect(formatFen(123450n)).toBe('1234.50');
    expect(formatFen(5n)).toBe('0.05');
    expect(formatFen(0n)).toBe('0.00');
    expect(formatFen(-105n)).toBe('-1.05');
  });

  it('round-trips any amount (property)', () => {
    fc.assert(fc.property(fc.bigInt(-(10n ** 18n), 10n ** 18n), (fen) => parseMoney(formatFen(fen)) === fen));
    fc.assert(
      fc.property(fc.bigInt(0n, 10n ** 18n), (fen) => {
        const text = formatFen(fen);
        return formatFen(parseMoney(text)!) === text;
      }),
    );
  });
});

describe('round_half_up with exact ratios', () => {
  it('rounds exactly half a fen away from zero', () => {
    expect(applyRatios(5n, toRatio('0.10'))).toBe(1n); // 0.5 fen → 1 fen
    expect(applyRatios(-5n, toRatio('0.10'))).toBe(-1n);
    expect(applyRatios(15n, toRatio('0.10'))).toBe(2n); // 1.5 → 2
    expect(applyRatios(25n, toRatio('0.10'))).toBe(3n); // 2.5 → 3 (banker's rounding would give 2)
    expect(applyRatios(781300n, toRatio('0.085'))).toBe(66411n); // 664.105 → 664.11
    expect(applyRatios(4n, toRatio('0.10'))).toBe(0n); // 0.4 fen → 0
  });

  it('never goes through binary floating point', () => {
    // 0.1 + 0.2 style errors would turn 1.005 × 100 into 100.49999…
    expect(applyRatios(1005n, toRatio('0.5'))).toBe(503n);
    expect(applyRatios(3291154n, toRatio('0.9'))).toBe(2962039n);
  });

  it('is the nearest fen, ties away from zero (property)', () => {
    fc.assert(
      fc.property(fc.bigInt(-(10n ** 12n), 10n ** 12n), fc.bigInt(0n, 10n ** 6n), fc.integer({ min: 0, max: 6 }), (fen, units, scale) => {
        const denominator = 10n ** BigInt(scale);
        const numerator = fen * units;
        const rounded = applyRatios(fen, { units, scale });
        const distance2 = 2n * (numerator - rounded * denominator);
        const absDistance2 = distance2 < 0n ? -distance2 : distance2;
        if (absDistance2 > denominator) return false;
        if (absDistance2 === denominator) {
          const absRounded = rounded < 0n ? -rounded : rounded;
          const absExact = numerator < 0n ? -numerator : numerator;
          return absRounded * denominator > absExact;
        }
        return true;
      }),
    );
  });

  it('divides only by a positive denominator', () => {
    expect(() => divideRoundHalfUp(1n, 0n)).toThrow();
  });

  it('keeps the scale of decimal strings', () => {
    expect(formatRatio(toRatio('0.90'))).toBe('0.90');
    expect(formatRatio(toRatio('0.085'))).toBe('0.085');
    expect(formatRatio(toRatio('1'))).toBe('1.00');
    expect(formatRatio(subtractRatio(toRatio('0.90'), toRatio('0.20')))).toBe('0.70');
    expect(formatRatio(subtractRatio(toRatio('0.085'), toRatio('0.1')))).toBe('-0.015');
    expect(parseRatio('0.9.1')).toBeNull();
    expect(parseRatio('-0.1')).toBeNull();
  });
});
