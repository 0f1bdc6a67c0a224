/**
 * Calendar months in Beijing time (`2026-11`): the bureau's reporting month runs from 00:00 on the
 * first to 00:00 on the first of the next month, Beijing time (UTC+08:00 all year).
 */
import { beijingDate } from './beijing';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** True for a month written `YYYY-MM` with a month 01 to 12. */
export function isBeijingMonth(text: string): boolean {
  return MONTH.test(text);
}

/** The month `delta` months after (negative: before) `month`. */
export function addMonths(month: string, delta: number): string {
  const m = MONTH.exec(month);
  if (!m) throw new RangeError(`not a month (YYYY-MM): ${month}`);
  const index = Number(m[1]) * 12 + (Number(m[2]) - 1) + delta;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The UTC instants (ISO) where a Beijing month starts (inclusive) and ends (exclusive). */
export function beijingMonthRange(month: string): { from: string; to: string } {
  if (!MONTH.test(month)) throw new RangeError(`not a month (YYYY-MM): ${month}`);
  return {
    from: new Date(`${month}-01T00:00:00+08:00`).toISOString(),
    to: new Date(`${addMonths(month, 1)}-01T00:00:00+08:00`).toISOString(),
  };
}

/** The Beijing month an instant falls in: `2026-12` for 2026-11-30T17:30Z. */
export function beijingMonth(instant: Date | string | number): string {
  return beijingDate(instant).slice(0, 7);
}
