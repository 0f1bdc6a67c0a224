import { addWeekdays, defaultCalendar, workingDaysAfter, type BureauCalendar } from '../rules/calendar';
import { beijingDate } from '../time/beijing';
import type { ReviewSla } from '../workflows/activityContracts';

/** A clerk has this many bureau working days to decide an exception (reminder on the morning it is due). */
const REVIEW_SLA_WORKING_DAYS = 5;

/** The SLA, and the year it had to count Monday to Friday for because the calendar lacks it. */
export interface CountedReviewSla extends ReviewSla {
  weekdaysOnlyFor: number | null;
}

/**
 * The SLA of a review opened at `enteredAt`: due at 17:30 Beijing time on the fifth working day
 * after. A deadline must exist even when the bureau calendar lacks a year, so then it counts Monday
 * to Friday and says which year it did that for (the caller warns: holidays may make it early).
 */
export function reviewSla(enteredAt: string, calendar: BureauCalendar = defaultCalendar): CountedReviewSla {
  const opened = beijingDate(enteredAt);
  const counted = workingDaysAfter(calendar, opened, REVIEW_SLA_WORKING_DAYS);
  const due = 'date' in counted ? counted.date : addWeekdays(opened, REVIEW_SLA_WORKING_DAYS);
  return {
    reminderAt: new Date(`${due}T09:00:00+08:00`).toISOString(),
    deadlineAt: new Date(`${due}T17:30:00+08:00`).toISOString(),
    weekdaysOnlyFor: 'date' in counted ? null : counted.missingYear,
  };
}
