/**
 * decide(caseFile) → decision: the pure, deterministic rulebook of POLICY.md. No I/O, no clock,
 * no randomness; the same case file and parameters give the same decision byte for byte.
 */
import type {
  CaseFile,
  Decision,
  LumpSumCase,
  LumpSumDecision,
  ReimbursementCase,
  ReimbursementDecision,
  TransferCase,
  TransferDecision,
} from './schemas';
import { defaultParameters, type Parameters } from './params';
import { formatInputProblem, isInputProblem, type InputProblem } from './inputProblem';
import { parseCaseFile } from './parseCaseFile';
import { decideLumpSum, selectLumpSumParameters } from './lumpSum';
import { decideTransfer, selectTransferParameters } from './transfer';
import { decideReimbursement, selectReimbursementParameters } from './reimbursement';

/**
 * Decides a validated case file. Throws only when the case file bypassed parseCaseFile and no
 * parameter version covers its effective date.
 */
export function decide(caseFile: LumpSumCase, params?: Parameters): LumpSumDecision;
export function decide(caseFile: TransferCase, params?: Parameters): TransferDecision;
export function decide(caseFile: ReimbursementCase, params?: Parameters): ReimbursementDecision;
export function decide(caseFile: CaseFile, params?: Parameters): Decision;
export function decide(caseFile: CaseFile, params: Parameters = defaultParameters): Decision {
  switch (caseFile.type) {
    case 'lump-sum':
      return decideLumpSum(caseFile, inForce(selectLumpSumParameters(caseFile, params)), params);
    case 'transfer':
      return decideTransfer(caseFile, inForce(selectTransferParameters(caseFile, params)));
    case 'reimbursement':
      return decideReimbursement(caseFile, inForce(selectReimbursementParameters(caseFile, params)));
  }
}

export type DecideInputResult = { ok: true; decision: Decision } | { ok: false; error: string };

/** Parses untrusted input and decides it, or returns the input error `<field path>: <problem>`. */
export function decideInput(input: unknown, params: Parameters = defaultParameters): DecideInputResult {
  const parsed = parseCaseFile(input, params);
  return parsed.ok ? { ok: true, decision: decide(parsed.caseFile, params) } : parsed;
}

function inForce<T extends object>(selection: T | InputProblem): T {
  if (isInputProblem(selection)) throw new Error(`case file not validated: ${formatInputProblem(selection)}`);
  return selection;
}
