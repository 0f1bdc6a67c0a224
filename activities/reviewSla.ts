import { addWorkingDays, defaultCalendar, type BureauCalendar } from '../rules/calendar';
import type { ReviewSla } from './contracts';

/** A clerk has this many bureau working days to decide an exception (reminder on the morning it is due). */
const REVIEW_SLA_WORKING_DAYS = 5;

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

function addDaysIso(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Working days by the bureau calendar; past its last year, Monday to Friday. */
function addWorkingDaysBeyond(calendar: BureauCalendar, date: string, count: number): string {
  const inCalendar = addWorkingDays(calendar, date, count);
  if (inCalendar) return inCalendar;
  let current = date;
  for (let remaining = count; remaining > 0; ) {
    current = addDaysIso(current, 1);
    const weekday = new Date(`${current}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) remaining--;
  }
  return current;
}

/** The SLA of a review opened at `enteredAt`: due at 17:30 Beijing time on the fifth working day after. */
export function reviewSla(enteredAt: string, calendar: BureauCalendar = defaultCalendar): ReviewSla {
  const beijingDate = new Date(Date.parse(enteredAt) + CHINA_OFFSET_MS).toISOString().slice(0, 10);
  const due = addWorkingDaysBeyond(calendar, beijingDate, REVIEW_SLA_WORKING_DAYS);
  return {
    reminderAt: new Date(`${due}T09:00:00+08:00`).toISOString(),
    deadlineAt: new Date(`${due}T17:30:00+08:00`).toISOString(),
  };
}
