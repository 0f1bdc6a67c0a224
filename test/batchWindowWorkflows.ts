/**
 * The workflows of the batch's sliding-window test: the real batch, and in place of the case
 * workflow (which needs the bots, OCR and the store) one that takes as long as its row says, then
 * reports to its batch as a case does — or fails without reporting, as a broken case would.
 */
import { ApplicationFailure, getExternalWorkflowHandle, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { caseSettledSignal, reportBySignalSignal } from '../workflows/messages';
import type { CaseInput, CaseResult } from '../workflows/types';

export { batchWorkflow } from '../workflows/batchWorkflow';

/** What a test row asks of its stand-in case. */
export interface StandInCaseRow {
  seconds: number;
  fails?: boolean;
}

export async function caseWorkflow(input: CaseInput): Promise<CaseResult> {
  const row = input.caseRow.row as StandInCaseRow;
  // As the real case: one whose batch takes its completion signals only when asked to.
  let signalAsked = false;
  setHandler(reportBySignalSignal, () => {
    signalAsked = true;
  });
  await sleep(row.seconds * 1000);
  if (row.fails) throw ApplicationFailure.nonRetryable(`case ${input.caseRow.caseId} fails, as asked`);
  const result: CaseResult = {
    caseId: input.caseRow.caseId,
    type: input.caseRow.type,
    outcome: 'approve',
    amount: null,
    reasons: [],
    messages: [],
    policyVersion: null,
  };
  const parent = workflowInfo().parent;
  if (parent && (!input.settleByCompletion || signalAsked))
    await getExternalWorkflowHandle(parent.workflowId).signal(caseSettledSignal, { caseId: input.caseRow.caseId, result });
  return result;
}
