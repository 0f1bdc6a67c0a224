import { z } from 'zod';
import { BusinessFault } from './errors';
import { EntryListPage, type EntryRow } from './pages/EntryListPage';
import type { EntryConfirmation } from './pages/EntryFormPage';
import type { BotSession } from './session';

const money = z.string().regex(/^(0|[1-9]\d*)\.\d{2}$/, 'expected money "123.45"');
const common = {
  caseId: z.string().min(1),
  idNumber: z.string().regex(/^\d{17}[\dX]$/, 'expected an 18-character 身份证号'),
  outcome: z.enum(['approve', 'reject', 'review']),
  reasons: z.array(z.string()),
  remark: z.string().optional(),
};

const LumpSumEntryRequestSchema = z.object({ type: z.literal('lump-sum'), ...common, amount: money.nullable() });
const TransferEntryRequestSchema = z.object({
  type: z.literal('transfer'),
  ...common,
  // Transfers carry no amount (POLICY.md); the field is accepted so a decision can be passed as it is.
  amount: z.null().optional(),
  benefitStartMonth: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional(),
  waitingMonths: z.number().int().min(0).optional(),
  mergedMonths: z.number().int().min(0).optional(),
  dueDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});
const ReimbursementEntryRequestSchema = z.object({
  type: z.literal('reimbursement'),
  ...common,
  amount: money.nullable(),
  hospitalCode: z.string().optional(),
});

/** A decided result to enter into the core system. */
export const EntryRequestSchema = z.discriminatedUnion('type', [
  LumpSumEntryRequestSchema,
  TransferEntryRequestSchema,
  ReimbursementEntryRequestSchema,
]);
export type EntryRequest = z.infer<typeof EntryRequestSchema>;
export type LumpSumEntryRequest = z.infer<typeof LumpSumEntryRequestSchema>;
export type TransferEntryRequest = z.infer<typeof TransferEntryRequestSchema>;
export type ReimbursementEntryRequest = z.infer<typeof ReimbursementEntryRequestSchema>;

export interface EntryResult {
  /** 受理号 of the case's entry. */
  entryNumber: string;
  /** True when the entry was found already there (an earlier attempt got through): nothing was submitted. */
  alreadyEntered: boolean;
}

/** An earlier entry of the case that says something else than the decision: a clerk must sort it out. */
function conflicting(existing: EntryRow, request: EntryRequest): BusinessFault | null {
  const amount = request.amount ?? null;
  if (existing.type === request.type && existing.outcome === request.outcome && existing.amount === amount) return null;
  return new BusinessFault(
    'SYS-ENTRY-CONFLICT',
    `案件 ${request.caseId} 已于 ${existing.enteredAt} 由 ${existing.enteredBy} 登记（受理号 ${existing.entryNumber}，结果 ${existing.outcome}，金额 ${existing.amount ?? '无'}），与本次结果 ${request.outcome}、金额 ${amount ?? '无'} 不符`,
  );
}

/** Whether the entry step searches 业务受理查询 before it submits. */
export interface EntryLook {
  /**
   * False only when nothing before this attempt can have sent the entry (the first attempt of the
   * case's first entry lease, no entry attempt on its trail): the search is then skipped. A step
   * re-run after a re-login within the attempt always searches.
   */
  look: boolean;
}

/**
 * Look-before-submit: searches 业务受理查询 for the case ID and submits only when the case has no
 * entry yet, so a retry after a crash, a 500 or a lost confirmation never enters a case twice. The
 * whole step is re-run after a re-login (BotSession.run), the search included. The 受理号 comes from
 * the confirmation screen the system shows after 确定, never from reloading the list.
 */
export function enterWithLookBeforeSubmit(
  session: BotSession,
  request: EntryRequest,
  submit: () => Promise<EntryConfirmation>,
  { look }: EntryLook = { look: true },
): Promise<EntryResult> {
  const checked = EntryRequestSchema.parse(request);
  let runs = 0;
  return session.run(async () => {
    runs += 1;
    if (look || runs > 1) {
      const [first] = await new EntryListPage(session).findEntriesOfCase(checked.caseId);
      if (first) {
        const conflict = conflicting(first, checked);
        if (conflict) throw conflict;
        return { entryNumber: first.entryNumber, alreadyEntered: true };
      }
    }
    const saved = await submit();
    return { entryNumber: saved.entryNumber, alreadyEntered: false };
  });
}
