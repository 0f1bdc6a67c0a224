/**
 * The zod building blocks of every case file: money, dates, months. Their messages are the
 * `<problem>` half of the input errors a clerk reads, so they say what was expected.
 */
import { z } from 'zod';
import { NON_NEGATIVE_MONEY_PATTERN, MONEY_PATTERN } from './money';
import { DATE_PATTERN, MONTH_PATTERN, isRealDate } from './dates';
import { DECIMAL_PATTERN } from './ratio';

/** A non-negative amount with exactly two decimals: every amount in a case file. */
export const MoneySchema = z
  .string({ error: 'expected money like "123.45"' })
  .regex(NON_NEGATIVE_MONEY_PATTERN, { error: (issue) => `expected money like "123.45", got ${JSON.stringify(issue.input)}` });

/** A possibly negative amount with exactly two decimals (computed values only). */
export const SignedMoneySchema = z
  .string({ error: 'expected money like "123.45"' })
  .regex(MONEY_PATTERN, { error: 'expected money like "123.45"' });

/** A YYYY-MM-DD date that exists in the calendar. */
export const DateSchema = z
  .string({ error: 'expected a date YYYY-MM-DD' })
  .regex(DATE_PATTERN, { error: (issue) => `expected a date YYYY-MM-DD, got ${JSON.stringify(issue.input)}` })
  .refine(isRealDate, { error: (issue) => `${String(issue.input)} is not a real date` });

/** A YYYY-MM month. */
export const MonthSchema = z
  .string({ error: 'expected a month YYYY-MM' })
  .regex(MONTH_PATTERN, { error: (issue) => `expected a month YYYY-MM, got ${JSON.stringify(issue.input)}` });

/** A count of months or similar: a whole number, not negative. */
export const CountSchema = z.int({ error: 'expected a whole number' }).min(0, { error: 'must not be negative' });

/** An exact decimal such as "0.93" or "0.085", kept as a string so it is never a binary float. */
export const DecimalSchema = z
  .string({ error: 'expected a decimal like "0.93"' })
  .regex(DECIMAL_PATTERN, { error: 'expected a decimal like "0.93"' });
