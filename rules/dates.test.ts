import { describe, expect, it } from 'vitest';
import { addDays, addMonthsClamped, addMonthsToMonth, isRealDate, monthsStrictlyBetween, weekday } from './dates';
import { addWorkingDays, defaultCalendar, isWorkingDay, loadCalendar } from './calendar';

describe('dates', () => {
  it('knows real dates', () => {
    expect(isRealDate('2024-02-29')).toBe(true);
    expect(isRealDate('2023-02-29')).toBe(false);
    expect(isRealDate('2024-02-30')).toBe(false);
    expect(isRealDate('1900-02-29')).toBe(false);
    expect(isRealDate('2000-02-29')).toBe(true);
    expect(isRealDate('2024-04-31')).toBe(false);
    expect(isRealDate('2024-13-01')).toBe(false);
    expect(isRealDate('2024-1-01')).toBe(false);
  });

  it('counts months strictly between (POLICY.md conventions)', () => {
    expect(monthsStrictlyBetween('2024-03', '2024-07')).toBe(3);
    expect(monthsStrictlyBetween('2024-03', '2024-04')).toBe(0);
    expect(monthsStrictlyBetween('2024-03', '2024-03')).toBe(-1);
    expect(monthsStrictlyBetween('2023-12', '2024-01')).toBe(0);
    expect(monthsStrictlyBetween('2026-06', '2026-04')).toBe(-3);
  });

  it('adds months to months across years', () => {
    expect(addMonthsToMonth('2024-11', 2)).toBe('2025-01');
    expect(addMonthsToMonth('1964-07', 720)).toBe('2024-07');
    expect(addMonthsToMonth('2025-01', -1)).toBe('2024-12');
  });

  it('adds months keeping the day, or the end of month where it does not exist', () => {
    expect(addMonthsClamped('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonthsClamped('2023-02-28', 12)).toBe('2024-02-28');
    expect(addMonthsClamped('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonthsClamped('2024-03-31', 1)).toBe('2024-04-30');
    expect(addMonthsClamped('2024-10-09', 12)).toBe('2025-10-09');
  });

  it('adds days and knows weekdays', () => {
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(weekday('2024-11-18')).toBe(1);
    expect(weekday('2026-10-03')).toBe(6);
  });
});

describe('bureau calendar', () => {
  it('covers 2024–2026', () => {
    expect([defaultCalendar.firstYear, defaultCalendar.lastYear]).toEqual([2024, 2026]);
  });

  it('rests on weekends and holidays, works on listed make-up days', () => {
    expect(isWorkingDay(defaultCalendar, '2024-11-18')).toBe(true); // Monday
    expect(isWorkingDay(defaultCalendar, '2024-11-23')).toBe(false); // Saturday
    expect(isWorkingDay(defaultCalendar, '2024-10-01')).toBe(false); // 国庆, a Tuesday
    expect(isWorkingDay(defaultCalendar, '2024-02-04')).toBe(true); // Sunday made a working day
  });

  it('counts working days after the received day', () => {
    expect(addWorkingDays(defaultCalendar, '2024-11-18', 5)).toBe('2024-11-25');
    expect(addWorkingDays(defaultCalendar, '2024-02-02', 5)).toBe('2024-02-08'); // Sun 02-04 works
    expect(addWorkingDays(defaultCalendar, '2024-02-08', 5)).toBe('2024-02-21'); // 春节 02-10…17, Sun 02-18 works
    expect(addWorkingDays(defaultCalendar, '2026-10-03', 5)).toBe('2026-10-13'); // received on a holiday
    expect(addWorkingDays(defaultCalendar, '2024-12-26', 5)).toBe('2025-01-03'); // over 元旦
    expect(addWorkingDays(defaultCalendar, '2026-12-24', 5)).toBe('2026-12-31');
    expect(addWorkingDays(defaultCalendar, '2026-12-28', 5)).toBeNull(); // 2027 holidays unknown
  });

  it('validates calendar data when loaded', () => {
    expect(() => loadCalendar({ holidays: ['2024-02-30'], workingDays: [] })).toThrow();
    expect(() => loadCalendar({ holidays: [], workingDays: [] })).toThrow();
  });
});
