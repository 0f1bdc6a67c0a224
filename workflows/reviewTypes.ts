import type { CaseResult } from './types';

/** Roles that may decide exceptions; managers and auditors look but do not decide. */
export const REVIEWER_ROLES = ['clerk', 'supervisor'] as const;
export type ReviewerRole = (typeof REVIEWER_ROLES)[number];

/** The person acting, as the console (or CLI) authenticated them. */
export interface Reviewer {
  username: string;
  role: string;
}

export type HumanDecisionKind = 'approve' | 'reject' | 'return';

export interface ReviewDecisionInput {
  reviewer: Reviewer;
  decision: HumanDecisionKind;
  comment: string;
  /** A corrected amount (money string), only with `approve`, and only with `amountReason`. */
  amount?: string;
  amountReason?: string;
}

export interface FieldCorrection {
  /** Path into the case file, e.g. `receipts[0].total`. */
  path: string;
  value: unknown;
}

export interface CorrectionInput {
  reviewer: Reviewer;
  corrections: FieldCorrection[];
  reason: string;
}

export interface ReviewState {
  status: 'awaiting' | 'claimed' | 'decided' | 'returned';
  claimedBy: string | null;
  reminderAt: string | null;
  deadlineAt: string | null;
  reminded: boolean;
  escalated: boolean;
  /** What the rules say now (after any correction). */
  ruleResult: CaseResult;
  /** The outcome the rules would give without the review rules: deciding otherwise overrides them. */
  provisionalOutcome: 'approve' | 'reject';
  decision: { by: string; decision: HumanDecisionKind; comment: string; amount: string | null; at: string } | null;
}
