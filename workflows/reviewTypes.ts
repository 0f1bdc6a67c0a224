import type { ActProof } from '../security/humanActs';
import type { CaseResult } from './types';

/** Roles that may decide exceptions; managers and auditors look but do not decide. */
export const REVIEWER_ROLES = ['clerk', 'supervisor'] as const;
/** Only a supervisor takes the second look (双人复核). */
export const SECOND_LOOK_ROLES = ['supervisor'] as const;

/** The person acting, as the store knows them now: proven by the act's signed assertion, never by the payload. */
export interface ProvenPerson {
  username: string;
  displayName: string;
  role: string;
}

/** Every Update that changes a case carries the proof of who sent it. */
interface ProvenAct {
  proof: ActProof;
}

export type ClaimInput = ProvenAct;

export type HumanDecisionKind = 'approve' | 'reject' | 'return';

export interface ReviewDecisionInput extends ProvenAct {
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

export interface CorrectionInput extends ProvenAct {
  corrections: FieldCorrection[];
  reason: string;
}

/** A supervisor's second look at a proposal: approve it (then it is entered) or send it back. */
export interface SecondLookInput extends ProvenAct {
  verdict: 'approve' | 'send-back';
  comment: string;
}

/** A decision that needs a second person, waiting for a supervisor (待复核). */
export interface Proposal {
  by: string;
  decision: 'approve' | 'reject';
  comment: string;
  amount: string | null;
  amountReason: string | null;
  /** Why a second person must look, in Chinese (RB-13, override, amount, core-system data corrected). */
  needs: string[];
  at: string;
}

export interface ReviewState {
  status: 'awaiting' | 'claimed' | 'proposed' | 'decided' | 'returned';
  claimedBy: string | null;
  reminderAt: string | null;
  deadlineAt: string | null;
  reminded: boolean;
  escalated: boolean;
  /** What the rules say now (after any correction). */
  ruleResult: CaseResult;
  /** The outcome the rules would give without the review rules: deciding otherwise overrides them. */
  provisionalOutcome: 'approve' | 'reject';
  /** A correction changed data the core system reported: whatever is decided needs a second person. */
  factsCorrected: boolean;
  proposal: Proposal | null;
  decision: {
    by: string;
    decision: HumanDecisionKind;
    comment: string;
    amount: string | null;
    at: string;
    approvedBy: string | null;
  } | null;
}

/** Documents a claimant handed in for a case returned for documents (退回补正), staged by the console or CLI. */
export interface SupplyInput extends ProvenAct {
  note: string;
  /** Each file handed in, with its sha256: the trail's evidence. */
  files: { name: string; sha256: string }[];
  /** Where they were staged with the receipts the case keeps (零星报销), readable by the OCR workers. */
  attachmentsDir?: string;
  /** The case's receipts from now on, in order. */
  receipts?: string[];
}
