/**
 * The versioned parameter sets of POLICY.md (params/*.json) and the bureau calendar, validated
 * when loaded. The engine imports them as data; nothing is read from disk at decision time.
 */
import { z } from 'zod';
import lumpSumData from './params/lump-sum.json' with { type: 'json' };
import transferData from './params/transfer.json' with { type: 'json' };
import reimbursementData from './params/reimbursement.json' with { type: 'json' };
import calendarData from './data/calendar.json' with { type: 'json' };
import { CountSchema, DateSchema, DecimalSchema, MoneySchema, MonthSchema } from './formats';
import { loadCalendar, type BureauCalendar } from './calendar';
import type { CaseType } from './caseTypes';
import { yearOf } from './dates';

/** A list of versions in strictly ascending order of their effective dates. */
function versions<T extends z.ZodObject<{ effectiveFrom: typeof DateSchema }>>(version: T) {
  return z
    .array(version)
    .min(1)
    .refine((list) => list.every((item, i) => i === 0 || list[i - 1]!.effectiveFrom < item.effectiveFrom), {
      error: 'versions must be in strictly ascending order of effectiveFrom',
    });
}

const byLevel = <T extends z.ZodType>(value: T) => z.object({ 1: value, 2: value, 3: value });
const byScheme = <T extends z.ZodType>(value: T) => z.object({ employee: value, resident: value });

export const LumpSumParamsSchema = z.object({
  business: z.literal('lump-sum'),
  source: z.string().optional(),
  versions: versions(
    z.object({
      effectiveFrom: DateSchema,
      requiredMonths: z.object({ men: CountSchema, women: CountSchema }),
      requiredLocalMonths: CountSchema,
    }),
  ),
  contributionBases: z
    .array(z.object({ year: z.int().min(1900).max(9999), base: MoneySchema, rate: DecimalSchema }))
    .min(1)
    .refine((list) => list.every((item, i) => i === 0 || list[i - 1]!.year < item.year), {
      error: 'contribution bases must be in strictly ascending order of year',
    }),
  retirementDelay: z
    .array(
      z.object({
        originalAge: z.literal([60, 55, 50]),
        cohortStart: MonthSchema,
        birthMonthsPerStep: z.int().min(1),
        maxDelayMonths: CountSchema,
      }),
    )
    .refine((list) => [60, 55, 50].every((age) => list.filter((row) => row.originalAge === age).length === 1), {
      error: 'one row per original retirement age 60, 55 and 50',
    }),
});
export type LumpSumParams = z.infer<typeof LumpSumParamsSchema>;
export type LumpSumVersion = LumpSumParams['versions'][number];
export type ContributionBase = LumpSumParams['contributionBases'][number];

export const TransferParamsSchema = z.object({
  business: z.literal('transfer'),
  source: z.string().optional(),
  versions: versions(
    z.object({
      effectiveFrom: DateSchema,
      waitingMonths: CountSchema,
      continuityGapMonths: CountSchema,
      crossSchemeContinuityMonths: CountSchema,
      dueWorkingDays: CountSchema,
    }),
  ),
});
type TransferParams = z.infer<typeof TransferParamsSchema>;
export type TransferVersion = TransferParams['versions'][number];

export const ReimbursementParamsSchema = z.object({
  business: z.literal('reimbursement'),
  source: z.string().optional(),
  versions: versions(
    z.object({
      effectiveFrom: DateSchema,
      deductible: byLevel(MoneySchema),
      inpatientRatio: z.object({ employeeInService: byLevel(DecimalSchema), employeeRetired: DecimalSchema, resident: DecimalSchema }),
      outpatientRatio: byScheme(DecimalSchema),
      cap: z.object({ inpatient: byScheme(MoneySchema), outpatient: byScheme(MoneySchema) }),
      bFirstPay: DecimalSchema,
      remoteAdjustment: z.object({ local: DecimalSchema, filed: DecimalSchema, referral: DecimalSchema, unfiled: DecimalSchema }),
      limits: z.object({
        largePayable: MoneySchema,
        minConfidence: DecimalSchema,
        claimDeadlineMonths: CountSchema,
        receiptGraceDays: CountSchema,
      }),
    }),
  ),
});
type ReimbursementParams = z.infer<typeof ReimbursementParamsSchema>;
export type ReimbursementVersion = ReimbursementParams['versions'][number];

/** Everything a decision depends on besides the case file. */
export interface Parameters {
  readonly lumpSum: LumpSumParams;
  readonly transfer: TransferParams;
  readonly reimbursement: ReimbursementParams;
  readonly calendar: BureauCalendar;
}

/** Which parameter set of `Parameters` a business decides by. */
export const PARAMETERS_OF_TYPE = { 'lump-sum': 'lumpSum', transfer: 'transfer', reimbursement: 'reimbursement' } as const satisfies Record<
  CaseType,
  keyof Parameters
>;

/** Validates raw parameter data (as read from the JSON files); throws a ZodError naming the bad entry. */
export function loadParameters(raw: { lumpSum: unknown; transfer: unknown; reimbursement: unknown; calendar: unknown }): Parameters {
  return {
    lumpSum: LumpSumParamsSchema.parse(raw.lumpSum),
    transfer: TransferParamsSchema.parse(raw.transfer),
    reimbursement: ReimbursementParamsSchema.parse(raw.reimbursement),
    calendar: loadCalendar(raw.calendar),
  };
}

/** The parameter sets shipped in rules/params and rules/data. */
export const defaultParameters: Parameters = loadParameters({
  lumpSum: lumpSumData,
  transfer: transferData,
  reimbursement: reimbursementData,
  calendar: calendarData,
});

/** The version in force on a date: the latest one effective on or before it; null before the first. */
export function versionInForce<T extends { effectiveFrom: string }>(list: readonly T[], date: string): T | null {
  let inForce: T | null = null;
  for (const version of list) if (version.effectiveFrom <= date) inForce = version;
  return inForce;
}

/**
 * The contribution base and rate for an application date: the row of its year, or, for a year
 * not yet published, the latest earlier row (parameters stay in force until replaced, as every
 * other version does). Null before the first year.
 */
export function contributionBaseFor(bases: readonly ContributionBase[], applicationDate: string): ContributionBase | null {
  let inForce: ContributionBase | null = null;
  for (const row of bases) if (row.year <= yearOf(applicationDate)) inForce = row;
  return inForce;
}

/** `<business>@<version date>`, e.g. lump-sum@2020-01-01. */
export function policyVersionOf(business: string, version: { effectiveFrom: string }): string {
  return `${business}@${version.effectiveFrom}`;
}
