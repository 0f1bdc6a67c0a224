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
import { isCaseType, type CaseType } from './caseTypes';
import { yearOf } from './dates';
import { CitationSchemaOf, PublicationSchema, type Citation, type Publication, type RuleCitation } from './citation';

/** A list of versions in strictly ascending order of their effective dates. */
function versions<T extends z.ZodObject<{ effectiveFrom: typeof DateSchema }>>(version: T) {
  return z
    .array(version)
    .min(1)
    .refine((list) => list.every((item, i) => i === 0 || list[i - 1]!.effectiveFrom < item.effectiveFrom), {
      error: 'versions must be in strictly ascending order of effectiveFrom',
    });
}

/** A ratio or rate: an exact decimal from 0 to 1. */
const RatioSchema = DecimalSchema.refine((text) => Number(text) <= 1, { error: 'must be between 0 and 1' });
/** A count with an upper bound, so that a typo (3600 months) is caught before anyone decides by it. */
const countUpTo = (max: number) => CountSchema.max(max, { error: `must be at most ${max}` });

/**
 * What every version carries besides its values: the 文号 and 条款 it applies (citation), and
 * for a version published through the store, who proposed and who approved it. Neither decides
 * anything, so the rule-set digest leaves both out (audit/ruleSetVersion.ts).
 */
const cited = (business: CaseType) => ({ citation: CitationSchemaOf(business), approval: PublicationSchema.optional() });

const byLevel = <T extends z.ZodType>(value: T) => z.object({ 1: value, 2: value, 3: value });
const byScheme = <T extends z.ZodType>(value: T) => z.object({ employee: value, resident: value });

/** One version of 趸缴's parameters (a proposal file's `version` for lump-sum). */
export const LumpSumVersionSchema = z.object({
  effectiveFrom: DateSchema,
  ...cited('lump-sum'),
  requiredMonths: z.object({ men: countUpTo(600), women: countUpTo(600) }),
  requiredLocalMonths: countUpTo(600),
});

/** One version of 关系转移接续's parameters. */
export const TransferVersionSchema = z.object({
  effectiveFrom: DateSchema,
  ...cited('transfer'),
  waitingMonths: countUpTo(60),
  continuityGapMonths: countUpTo(60),
  crossSchemeContinuityMonths: countUpTo(600),
  dueWorkingDays: countUpTo(60).min(1, { error: 'must be at least 1' }),
});

/** One version of 零星报销's parameters. */
export const ReimbursementVersionSchema = z.object({
  effectiveFrom: DateSchema,
  ...cited('reimbursement'),
  deductible: byLevel(MoneySchema),
  inpatientRatio: z.object({ employeeInService: byLevel(RatioSchema), employeeRetired: RatioSchema, resident: RatioSchema }),
  outpatientRatio: byScheme(RatioSchema),
  cap: z.object({ inpatient: byScheme(MoneySchema), outpatient: byScheme(MoneySchema) }),
  bFirstPay: RatioSchema,
  remoteAdjustment: z.object({ local: RatioSchema, filed: RatioSchema, referral: RatioSchema, unfiled: RatioSchema }),
  limits: z.object({
    largePayable: MoneySchema,
    minConfidence: RatioSchema,
    claimDeadlineMonths: countUpTo(120).min(1, { error: 'must be at least 1' }),
    receiptGraceDays: countUpTo(366),
  }),
});

export const LumpSumParamsSchema = z.object({
  business: z.literal('lump-sum'),
  source: z.string().optional(),
  versions: versions(LumpSumVersionSchema),
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
  versions: versions(TransferVersionSchema),
});
type TransferParams = z.infer<typeof TransferParamsSchema>;
export type TransferVersion = TransferParams['versions'][number];

export const ReimbursementParamsSchema = z.object({
  business: z.literal('reimbursement'),
  source: z.string().optional(),
  versions: versions(ReimbursementVersionSchema),
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

/** A version published through the store, as stored (validated again when merged). */
export interface PublishedVersion {
  business: CaseType;
  version: unknown;
}

/**
 * The seed (the shipped files) with the versions published through the store merged over it: a
 * published version takes its place by effective date, replacing a seed version of the same date.
 * The result is validated as the files are, so a merge that breaks the order throws.
 */
export function withPublishedVersions(seed: Parameters, published: readonly PublishedVersion[]): Parameters {
  const merged = (business: CaseType) => {
    const key = PARAMETERS_OF_TYPE[business];
    const own = published.filter((p) => p.business === business).map((p) => p.version as { effectiveFrom: string });
    const dates = new Set(own.map((v) => v.effectiveFrom));
    const list = [...(seed[key].versions as ReadonlyArray<{ effectiveFrom: string }>).filter((v) => !dates.has(v.effectiveFrom)), ...own];
    return { ...seed[key], versions: list.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom)) };
  };
  if (published.length === 0) return seed;
  return {
    lumpSum: LumpSumParamsSchema.parse(merged('lump-sum')),
    transfer: TransferParamsSchema.parse(merged('transfer')),
    reimbursement: ReimbursementParamsSchema.parse(merged('reimbursement')),
    calendar: seed.calendar,
  };
}

/**
 * The 文号 and article a rule applies under the parameter version a decision names
 * (`business@effectiveFrom`); undefined when that version or its article is not among `params`.
 */
export function ruleCitationOf(params: Parameters, policyVersion: string | null, ruleId: string): RuleCitation | undefined {
  const version = citedVersionOf(params, policyVersion);
  const article = version?.citation.articles[ruleId];
  return version && article !== undefined ? { documentNumber: version.citation.documentNumber, article } : undefined;
}

/** The version a policyVersion (`business@effectiveFrom`, maybe followed by `+sha256:…`) names, with its citation and publication. */
export function citedVersionOf(
  params: Parameters,
  policyVersion: string | null,
): { effectiveFrom: string; citation: Citation; approval?: Publication } | undefined {
  const m = policyVersion === null ? null : /^([a-z-]+)@(\d{4}-\d{2}-\d{2})/.exec(policyVersion);
  if (!m || !isCaseType(m[1])) return undefined;
  const list = params[PARAMETERS_OF_TYPE[m[1]]].versions as ReadonlyArray<{
    effectiveFrom: string;
    citation: Citation;
    approval?: Publication;
  }>;
  return list.find((v) => v.effectiveFrom === m[2]);
}
