import { describe, expect, it } from 'vitest';
import { beijingDate, beijingHour, beijingIso, beijingMinute, beijingTime, beijingYear } from './beijing';

describe('Beijing time', () => {
  it('shows a UTC instant late in the day as the next Beijing date', () => {
    const lateUtc = '2026-12-31T16:30:05.123Z';
    expect(beijingTime(lateUtc)).toBe('2027-01-01 00:30:05');
    expect(beijingMinute(lateUtc)).toBe('2027-01-01 00:30');
    expect(beijingDate(lateUtc)).toBe('2027-01-01');
    expect(beijingYear(lateUtc)).toBe(2027);
    expect(beijingHour(lateUtc)).toBe('2027-01-01 00:00');
    expect(beijingIso(lateUtc)).toBe('2027-01-01T00:30:05.123+08:00');
    // The +08:00 form names the same instant.
    expect(Date.parse(beijingIso(lateUtc))).toBe(Date.parse(lateUtc));
  });

  it('one second earlier in UTC is still the same Beijing day', () => {
    expect(beijingDate('2026-12-01T15:59:59Z')).toBe('2026-12-01');
    expect(beijingDate('2026-12-01T16:00:00Z')).toBe('2026-12-02');
  });

  it('takes Dates, epoch milliseconds and ISO text with any offset; whatever the server zone', () => {
    expect(beijingTime(new Date(Date.UTC(2026, 11, 1, 18, 0, 0)))).toBe('2026-12-02 02:00:00');
    expect(beijingTime(Date.UTC(2026, 11, 1, 18, 0, 0))).toBe('2026-12-02 02:00:00');
    expect(beijingTime('2026-12-01T20:00:00-05:00')).toBe('2026-12-02 09:00:00');
  });

  it('shows a dash for no time and the text itself for something that is not one', () => {
    expect(beijingTime(null)).toBe('—');
    expect(beijingTime(undefined)).toBe('—');
    expect(beijingTime('soon')).toBe('soon');
    expect(() => beijingIso('soon')).toThrow(RangeError);
  });
});
