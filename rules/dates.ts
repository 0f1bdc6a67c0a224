/**
 * Calendar arithmetic on ISO strings ("2024-03-15", "2024-03"). Pure: no clock, no time zone;
 * the few Date objects used are UTC and never leave this file.
 */

export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** True when a YYYY-MM-DD string names a day that exists (no 2024-02-30, no 2023-02-29). */
export function isRealDate(date: string): boolean {
  if (!DATE_PATTERN.test(date)) return false;
  const [year, month, day] = splitDate(date);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Number of days in a month of the Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The YYYY-MM month of a date. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** The calendar year of a date or month. */
export function yearOf(dateOrMonth: string): number {
  return Number(dateOrMonth.slice(0, 4));
}

/** A month as a count of months since year 0, so that months subtract like integers. */
export function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

/** Inverse of monthIndex. */
function monthFromIndex(index: number): string {
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/** A month plus a number of months. */
export function addMonthsToMonth(month: string, months: number): string {
  return monthFromIndex(monthIndex(month) + months);
}

/** Months strictly between two months: 2024-03 and 2024-07 → 3; adjacent → 0; reversed order → negative. */
export function monthsStrictlyBetween(earlier: string, later: string): number {
  return monthIndex(later) - monthIndex(earlier) - 1;
}

/**
 * The same day `months` later; where that day does not exist, the last day of the month
 * (2024-02-29 + 12 months → 2025-02-28, 2024-01-31 + 1 month → 2024-02-29).
 */
export function addMonthsClamped(date: string, months: number): string {
  const [, , day] = splitDate(date);
  const target = addMonthsToMonth(monthOf(date), months);
  const lastDay = daysInMonth(yearOf(target), Number(target.slice(5, 7)));
  return `${target}-${String(Math.min(day, lastDay)).padStart(2, '0')}`;
}

/** A date plus a number of days (negative allowed). */
export function addDays(date: string, days: number): string {
  const [year, month, day] = splitDate(date);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  const [year, month, day] = splitDate(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

function splitDate(date: string): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}
