import type { Decision } from '../rules/schemas';
import type { EntryRequest } from './lookBeforeSubmit';

/**
 * What to type into the entry screen for a decision (POLICY.md output): the outcome, amount and
 * failed rules, and for a transfer the months and dates it computed. The 身份证号 (and, for a
 * claim, the hospital) come from the application, since a decision does not repeat them.
 */
export function entryRequestFromDecision(decision: Decision, applicant: { idNumber: string; hospitalCode?: string }): EntryRequest {
  const common = { caseId: decision.caseId, idNumber: applicant.idNumber, outcome: decision.outcome, reasons: decision.reasons };
  switch (decision.type) {
    case 'lump-sum':
      return { type: 'lump-sum', ...common, amount: decision.amount };
    case 'transfer': {
      const { benefitStartMonth, waitingMonths, mergedMonths, dueDate } = decision.details;
      // No due date while the calendar lacks its year (TR-07): the field stays empty, never a guess.
      return { type: 'transfer', ...common, benefitStartMonth, waitingMonths, mergedMonths, ...(dueDate === null ? {} : { dueDate }) };
    }
    case 'reimbursement':
      return { type: 'reimbursement', ...common, amount: decision.amount, hospitalCode: applicant.hospitalCode };
  }
}
