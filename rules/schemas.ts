/**
 * Case files (POLICY.md, one per business, discriminated on `type`) and decisions. Schemas come
 * first; the types are inferred from them.
 */
import { z } from 'zod';
import { CASE_TYPES } from './caseTypes';
import { CountSchema, DateSchema, MoneySchema, MonthSchema, SignedMoneySchema } from './formats';

export const CaseTypeSchema = z.enum(CASE_TYPES);

const SexSchema = z.enum(['M', 'F']);
const SchemeSchema = z.enum(['employee', 'resident']);

const nonEmptyText = z.string({ error: 'expected text' }).min(1, { error: 'must not be empty' });

const PersonSchema = z.object({
  // Any string: a malformed 身份证号 is a finding of CM-01 (review), not an input error.
  idNumber: z.string({ error: 'expected text' }),
  name: nonEmptyText,
  sex: SexSchema,
  birthDate: DateSchema,
});
export type Person = z.infer<typeof PersonSchema>;

const caseHeader = {
  caseId: nonEmptyText,
  applicationDate: DateSchema,
};

// ── 趸缴 ────────────────────────────────────────────────────────────────────────────────────
const RetirementSchema = z.object({
  date: DateSchema,
  kind: z.enum(['normal', 'illness', 'special-occupation']),
});

const ContributionsSchema = z.object({
  localActualMonths: CountSchema,
  transferredMonths: CountSchema,
  transferStatus: z.enum(['none', 'completed', 'pending']),
  deemedMonths: CountSchema,
  deemedCertified: z.boolean(),
  overlapMonths: CountSchema,
  arrearsMonths: CountSchema,
});

const LumpSumCaseSchema = z.object({
  type: z.literal('lump-sum'),
  ...caseHeader,
  person: PersonSchema,
  scheme: SchemeSchema,
  originalRetirementAge: z.literal([60, 55, 50]),
  retirement: RetirementSchema.nullable(),
  contributions: ContributionsSchema,
});
export type LumpSumCase = z.infer<typeof LumpSumCaseSchema>;

// ── 关系转移接续 ────────────────────────────────────────────────────────────────────────────
const TransferCaseSchema = z.object({
  type: z.literal('transfer'),
  ...caseHeader,
  receivedDate: DateSchema,
  person: PersonSchema,
  retired: z.boolean(),
  from: z.object({
    region: nonEmptyText,
    scheme: SchemeSchema,
    status: z.enum(['suspended', 'active', 'terminated']),
    // The outgoing record always has an end month: gapMonths is measured from it.
    coverage: z.object({ from: MonthSchema, to: MonthSchema }),
    actualMonths: CountSchema,
    accountBalance: MoneySchema,
  }),
  to: z.object({
    scheme: SchemeSchema,
    status: z.enum(['active', 'none']),
    coverageStart: MonthSchema,
  }),
  accountFundsReceived: MoneySchema.nullable(),
  continuousMonthsBefore: CountSchema,
});
export type TransferCase = z.infer<typeof TransferCaseSchema>;

// ── 零星报销 ────────────────────────────────────────────────────────────────────────────────
/** Fields whose OCR confidence RB-11 looks at. */
export const CONFIDENCE_FIELDS = ['code', 'number', 'checkCode', 'issueDate', 'payerName', 'total', 'items'] as const;

const ReceiptSchema = z.object({
  // Free text: formats are checked by RB-12 (review) because OCR may misread them.
  code: z.string({ error: 'expected text' }),
  number: z.string({ error: 'expected text' }),
  checkCode: z.string({ error: 'expected text' }),
  issueDate: DateSchema,
  payerName: z.string({ error: 'expected text' }),
  payerId: z.string({ error: 'expected text' }),
  hospitalName: z.string({ error: 'expected text' }),
  total: MoneySchema,
  // Free text: RB-04 parses it and sends anything unreadable to review.
  totalInWords: z.string({ error: 'expected text' }),
  items: z.array(z.object({ category: z.string({ error: 'expected text' }), amount: MoneySchema })),
  fundPaid: MoneySchema,
  accountPaid: MoneySchema,
  cashPaid: MoneySchema,
  confidence: z
    .record(
      z.string(),
      z
        .number({ error: 'expected a number from 0 to 1' })
        .min(0, { error: 'expected a number from 0 to 1' })
        .max(1, { error: 'expected a number from 0 to 1' }),
    )
    .optional(),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

const DetailLineSchema = z.object({
  name: z.string({ error: 'expected text' }),
  class: z.enum(['A', 'B', 'C']),
  amount: MoneySchema,
  date: DateSchema,
});
export type DetailLine = z.infer<typeof DetailLineSchema>;

const CoveragePeriodSchema = z.object({ from: MonthSchema, to: MonthSchema.nullable() });

const ReimbursementCaseSchema = z.object({
  type: z.literal('reimbursement'),
  ...caseHeader,
  person: PersonSchema.extend({ scheme: SchemeSchema, retired: z.boolean() }),
  coverage: z.array(CoveragePeriodSchema),
  waitingUntil: DateSchema.nullable(),
  visit: z.object({
    kind: z.enum(['inpatient', 'outpatient']),
    hospital: z.object({
      code: nonEmptyText,
      name: nonEmptyText,
      level: z.literal([1, 2, 3]),
      designated: z.boolean(),
    }),
    remote: z.enum(['local', 'filed', 'referral', 'unfiled']),
    admissionDate: DateSchema,
    dischargeDate: DateSchema,
    reason: z.string({ error: 'expected text' }),
  }),
  receipts: z.array(ReceiptSchema).min(1, { error: 'at least one receipt is required' }),
  details: z.array(DetailLineSchema),
  yearToDate: z.object({ fundPaid: MoneySchema }),
  claimedInvoices: z.array(z.object({ code: z.string({ error: 'expected text' }), number: z.string({ error: 'expected text' }) })),
});
export type ReimbursementCase = z.infer<typeof ReimbursementCaseSchema>;

export const CaseFileSchema = z.discriminatedUnion('type', [LumpSumCaseSchema, TransferCaseSchema, ReimbursementCaseSchema]);
export type CaseFile = z.infer<typeof CaseFileSchema>;

// ── Decisions ─────────────────────────────────────────────────────────────────────────────
const OutcomeSchema = z.enum(['approve', 'reject', 'review']);
export type Outcome = z.infer<typeof OutcomeSchema>;
const SeveritySchema = z.enum(['reject', 'review', 'info']);
export type Severity = z.infer<typeof SeveritySchema>;
const CheckResultSchema = z.enum(['pass', 'fail', 'skip']);

const CheckSchema = z.object({
  rule: z.string(),
  result: CheckResultSchema,
  severity: SeveritySchema,
  message: z.string(),
  basis: z.string().optional(),
});
export type Check = z.infer<typeof CheckSchema>;

const LumpSumDetailsSchema = z.object({
  statutoryMonth: MonthSchema,
  cumulativeMonths: z.int(),
  requiredMonths: z.int(),
  shortfallMonths: z.int(),
  base: MoneySchema,
  rate: z.string(),
});
export type LumpSumDetails = z.infer<typeof LumpSumDetailsSchema>;

const TransferDetailsSchema = z.object({
  gapMonths: z.int(),
  waitingMonths: z.int(),
  benefitStartMonth: MonthSchema,
  mergedMonths: z.int(),
  /** Null when the working days run into a year the bureau calendar lacks (TR-07). */
  dueDate: DateSchema.nullable(),
});
export type TransferDetails = z.infer<typeof TransferDetailsSchema>;

const ReimbursementDetailsSchema = z.object({
  eligible: SignedMoneySchema,
  selfPayFirst: SignedMoneySchema,
  selfPayFull: SignedMoneySchema,
  deductible: MoneySchema,
  ratio: z.string(),
  capRemaining: MoneySchema,
  payable: SignedMoneySchema,
});
export type ReimbursementDetails = z.infer<typeof ReimbursementDetailsSchema>;

const decisionHeader = {
  caseId: z.string(),
  outcome: OutcomeSchema,
  amount: MoneySchema.nullable(),
  reasons: z.array(z.string()),
  checks: z.array(CheckSchema),
  policyVersion: z.string(),
};

export const DecisionSchema = z.discriminatedUnion('type', [
  z.object({ ...decisionHeader, type: z.literal('lump-sum'), details: LumpSumDetailsSchema }),
  z.object({ ...decisionHeader, type: z.literal('transfer'), details: TransferDetailsSchema }),
  z.object({ ...decisionHeader, type: z.literal('reimbursement'), details: ReimbursementDetailsSchema }),
]);
export type Decision = z.infer<typeof DecisionSchema>;
export type LumpSumDecision = Extract<Decision, { type: 'lump-sum' }>;
export type TransferDecision = Extract<Decision, { type: 'transfer' }>;
export type ReimbursementDecision = Extract<Decision, { type: 'reimbursement' }>;
