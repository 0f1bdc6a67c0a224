/** Reads one month's figures from the store, for reports/monthly.ts to assemble. */
import type { Store } from '../store';
import {
  clerkWorkloads,
  closedCaseCounts,
  receivedCaseCounts,
  reviewSlaFigures,
  ruleExceptions,
  stepCounts,
} from '../store/monthlyFigures';
import { addMonths, beijingMonthRange } from '../time/beijingMonth';
import { monthlyReport, TREND_MONTHS, type MonthlyFigures, type MonthlyReport } from './monthly';

/** The figures of a Beijing month (`2026-11`) and of the trend's months before it. */
async function loadMonthlyFigures(store: Store, month: string): Promise<MonthlyFigures> {
  const range = beijingMonthRange(month);
  const { from, to } = range;
  const trendFrom = beijingMonthRange(addMonths(month, -(TREND_MONTHS - 1))).from;
  return {
    month,
    range,
    closed: await closedCaseCounts(store, trendFrom, to),
    received: await receivedCaseCounts(store, from, to),
    exceptions: await ruleExceptions(store, from, to),
    clerks: await clerkWorkloads(store, from, to),
    sla: await reviewSlaFigures(store, from, to),
    steps: await stepCounts(
      store,
      ['proposed', 'second-look-approved', 'second-look-sent-back', 'review-reminder', 'review-escalated'],
      from,
      to,
    ),
  };
}

/** The monthly report of `month`, generated at `now`. */
export async function loadMonthlyReport(store: Store, month: string, now = new Date()): Promise<MonthlyReport> {
  return monthlyReport(await loadMonthlyFigures(store, month), now);
}
