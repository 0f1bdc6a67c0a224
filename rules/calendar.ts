/**
 * The bureau's working calendar (data/calendar.json) and working-day arithmetic (POLICY.md §2):
 * Saturdays and Sundays are rest days unless listed as working days; listed holidays are rest days.
 */
import { z } from 'zod';
import calendarData from './data/calendar.json' with { type: 'json' };
import { isRealDate, weekday, addDays, yearOf } from './dates';

const calendarDate = z.string().refine(isRealDate, { message: 'expected a real date YYYY-MM-DD' });

const CalendarSchema = z.object({
  description: z.string().optional(),
  holidays: z.array(calendarDate).min(1),
  workingDays: z.array(calendarDate),
});

/** A validated calendar with fast lookups and the years it covers. */
export interface BureauCalendar {
  readonly holidays: ReadonlySet<string>;
  readonly workingDays: ReadonlySet<string>;
  readonly firstYear: number;
  readonly lastYear: number;
}

/** Validates calendar data; the years covered are those from the first to the last listed date. */
export function loadCalendar(data: unknown): BureauCalendar {
  const parsed = CalendarSchema.parse(data);
  const years = [...parsed.holidays, ...parsed.workingDays].map(yearOf);
  return {
    holidays: new Set(parsed.holidays),
    workingDays: new Set(parsed.workingDays),
    firstYear: Math.min(...years),
    lastYear: Math.max(...years),
  };
}

/** The calendar shipped with the rules. */
export const defaultCalendar: BureauCalendar = loadCalendar(calendarData);

/** True when the calendar knows the holidays of that date's year. */
export function calendarCovers(calendar: BureauCalendar, date: string): boolean {
  const year = yearOf(date);
  return year >= calendar.firstYear && year <= calendar.lastYear;
}

/** True when the bureau works on that day. */
export function isWorkingDay(calendar: BureauCalendar, date: string): boolean {
  if (calendar.holidays.has(date)) return false;
  if (calendar.workingDays.has(date)) return true;
  const day = weekday(date);
  return day !== 0 && day !== 6;
}

/**
 * The date `count` working days after `date`; the day itself does not count. Null when the count
 * runs past the years the calendar covers, where holidays are unknown.
 */
export function addWorkingDays(calendar: BureauCalendar, date: string, count: number): string | null {
  let current = date;
  let remaining = count;
  while (remaining > 0) {
    current = addDays(current, 1);
    if (!calendarCovers(calendar, current)) return null;
    if (isWorkingDay(calendar, current)) remaining--;
  }
  return current;
}
