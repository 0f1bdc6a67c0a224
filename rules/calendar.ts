/**
 * The bureau's working calendar and working-day arithmetic (POLICY.md §2): Saturdays and Sundays
 * are rest days unless listed as working days (调休上班); listed holidays are rest days.
 * The calendar knows only the years it was given (the shipped file, then the years imported into
 * the store): the days of any other year are unknown, never guessed.
 */
import { z } from 'zod';
import calendarData from './data/calendar.json' with { type: 'json' };
import { isRealDate, weekday, addDays, yearOf } from './dates';

const calendarDate = z.string().refine(isRealDate, { message: 'expected a real date YYYY-MM-DD' });
const calendarYear = z.int().min(1900).max(9999);

const CalendarSchema = z.object({
  description: z.string().optional(),
  /** The years the lists are complete for; default: every year from the first to the last listed date. */
  years: z.array(calendarYear).optional(),
  holidays: z.array(calendarDate).min(1),
  workingDays: z.array(calendarDate),
});

/** A validated calendar with fast lookups and the years it covers. */
export interface BureauCalendar {
  readonly holidays: ReadonlySet<string>;
  readonly workingDays: ReadonlySet<string>;
  /** The years covered, ascending. */
  readonly years: readonly number[];
  readonly firstYear: number;
  readonly lastYear: number;
}

/** The calendar as plain JSON, as a decision records it and `loadCalendar` reads it back. */
export interface CalendarRecord {
  years: number[];
  holidays: string[];
  workingDays: string[];
}

/** Validates calendar data; without `years`, those from the first to the last listed date. */
export function loadCalendar(data: unknown): BureauCalendar {
  const parsed = CalendarSchema.parse(data);
  const listed = [...parsed.holidays, ...parsed.workingDays].map(yearOf);
  const first = Math.min(...listed);
  const last = Math.max(...listed);
  const years = parsed.years ?? Array.from({ length: last - first + 1 }, (_, i) => first + i);
  return calendarOf(years, parsed.holidays, parsed.workingDays);
}

/** A calendar from the days of the given years (each year's lists complete). */
export function calendarOf(years: Iterable<number>, holidays: Iterable<string>, workingDays: Iterable<string>): BureauCalendar {
  const sortedYears = [...new Set(years)].sort((a, b) => a - b);
  return {
    holidays: new Set(holidays),
    workingDays: new Set(workingDays),
    years: sortedYears,
    firstYear: sortedYears[0] ?? 0,
    lastYear: sortedYears.at(-1) ?? 0,
  };
}

/** The calendar as sorted plain JSON: what a decision used, to decide it again identically. */
export function calendarRecord(calendar: BureauCalendar): CalendarRecord {
  return { years: [...calendar.years], holidays: [...calendar.holidays].sort(), workingDays: [...calendar.workingDays].sort() };
}

/** The calendar shipped with the rules: the seed the store's imported years extend. */
export const defaultCalendar: BureauCalendar = loadCalendar(calendarData);

/** True when the calendar knows the holidays of that date's year. */
export function calendarCovers(calendar: BureauCalendar, date: string): boolean {
  return calendar.years.includes(yearOf(date));
}

/** True when the bureau works on that day (by weekday alone for a year the calendar lacks). */
export function isWorkingDay(calendar: BureauCalendar, date: string): boolean {
  if (calendar.holidays.has(date)) return false;
  if (calendar.workingDays.has(date)) return true;
  const day = weekday(date);
  return day !== 0 && day !== 6;
}

/**
 * The date `count` working days after `date`; the day itself does not count. When the count runs
 * into a year the calendar lacks, that year instead: its holidays are unknown.
 */
export function workingDaysAfter(calendar: BureauCalendar, date: string, count: number): { date: string } | { missingYear: number } {
  let current = date;
  let remaining = count;
  while (remaining > 0) {
    current = addDays(current, 1);
    if (!calendarCovers(calendar, current)) return { missingYear: yearOf(current) };
    if (isWorkingDay(calendar, current)) remaining--;
  }
  return { date: current };
}

/** As workingDaysAfter, null when a year is missing. */
export function addWorkingDays(calendar: BureauCalendar, date: string, count: number): string | null {
  const after = workingDaysAfter(calendar, date, count);
  return 'date' in after ? after.date : null;
}

/**
 * The years around `today` the calendar lacks: this year, and in December the next one, which
 * deadlines counted from now soon reach.
 */
export function missingYearsAround(calendar: BureauCalendar, today: string): number[] {
  const year = yearOf(today);
  const wanted = today.slice(5, 7) === '12' ? [year, year + 1] : [year];
  return wanted.filter((y) => !calendar.years.includes(y));
}

/** Monday to Friday only: the fallback where holidays are unknown, for deadlines that must exist. */
export function addWeekdays(date: string, count: number): string {
  let current = date;
  for (let remaining = count; remaining > 0;) {
    current = addDays(current, 1);
    const day = weekday(current);
    if (day !== 0 && day !== 6) remaining--;
  }
  return current;
}
