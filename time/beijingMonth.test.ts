import { describe, expect, it } from 'vitest';
import { addMonths, beijingMonth, beijingMonthRange, isBeijingMonth } from './beijingMonth';

describe('Beijing months', () => {
  it('accepts YYYY-MM with a month 01 to 12 only', () => {
    expect(['2026-11', '2026-01', '2026-12'].map(isBeijingMonth)).toEqual([true, true, true]);
    expect(['2026-13', '2026-00', '2026-1', '26-11', '2026-11-01', ''].map(isBeijingMonth)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('starts and ends a month at midnight Beijing time, 16:00 UTC the day before', () => {
    expect(beijingMonthRange('2026-11')).toEqual({ from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' });
    expect(beijingMonthRange('2026-12')).toEqual({ from: '2026-11-30T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z' });
    expect(() => beijingMonthRange('2026-13')).toThrow(RangeError);
  });

  it('places an instant in the month of its Beijing date', () => {
    expect(beijingMonth('2026-11-30T17:30:00Z')).toBe('2026-12');
    expect(beijingMonth('2026-10-31T16:00:00Z')).toBe('2026-11');
    expect(beijingMonth('2026-10-31T15:59:59.999Z')).toBe('2026-10');
  });

  it('steps months across years both ways', () => {
    expect(addMonths('2026-11', -11)).toBe('2025-12');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-03', -27)).toBe('2023-12');
  });
});
