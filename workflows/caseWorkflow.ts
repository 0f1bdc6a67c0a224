import { ActivityFailure, ApplicationFailure, allHandlersFinished, patched, condition, getExternalWorkflowHandle, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { noticeActivities } from '../notices/activities';
import type { auditActivities } from '../audit/activities';
import type { DecidedCase, DefaultQueueActivities, LegacyBotActivities, OcrActivities } from '../activities/contracts';
import { CaseOutcomeKey } from '../temporal/searchAttributes';
import { caseSettledSignal, caseStateQuery, documentsSuppliedSignal } from './messages';
import { awaitReview } from './review';
import { botOptions, caseStepOptions, ocrOptions, recordOptions } from './retryPolicies';
import type { CaseInput, CaseResult, RetrySettings } from './types';

/** The case's activities, retried as its batch asked (workflows/retryPolicies.ts says why each is set so). */
function caseActivities(retry: RetrySettings | undefined) {
  return {
    steps: proxyActivities<DefaultQueueActivities>(caseStepOptions(retry)),
    ocr: proxyActivities<OcrActivities>(ocrOptions(retry)),
    records: proxyActivities<ReturnType<typeof noticeActivities> & ReturnType<typeof auditActivities>>(recordOptions(retry)),
    bots: proxyActivities<LegacyBotActivities>(botOptions(retry)),
  };
}

/**
 * One case, start to finish: accept the row, read its facts, decide by the rulebook; what the rules
 * send to review waits for a clerk (a case returned for documents goes round again); the bots enter
 * the final result into the core system (a refusal there goes back to a clerk); close.
 */
export async function caseWorkflow(input: CaseInput): Promise<CaseResult> {
  const { steps, records, bots } = caseActivities(input.retry);
  let step = 'accept';
  let result: CaseResult | null = null;
  let documentsSupplied = false;
  setHandler(caseStateQuery, () => ({ step, result }));
  setHandler(documentsSuppliedSignal, () => {
    documentsSupplied = true;
  });

  await steps.acceptCase(input);

  // The batch is told once, when the bots are done with the case: closed, or waiting for a clerk.
  let told = false;
  const settle = async (r: CaseResult) => {
    if (told) return;
    told = true;
    await tellBatch(r);
  };

  let round = 1;
  let pending = await gatherAndDecide({ ...input, round }, (s) => (step = s));
  result = pending.result;
  upsertSearchAttributes([{ key: CaseOutcomeKey, value: result.outcome }]);

  for (;;) {
    if (pending.result.outcome === 'review') {
      step = 'review';
      const inReview = pending.result;
      const review = await awaitReview(input, pending.result, pending.caseFile, pending.provisionalOutcome, round, () => settle(inReview));
      result = review.result;
      if (review.kind === 'returned') {
        step = 'awaiting-documents';
        documentsSupplied = false;
        await condition(() => documentsSupplied);
        round += 1;
        pending = await gatherAndDecide({ ...input, round }, (s) => (step = s));
        result = pending.result;
        continue;
      }
    } else {
      result = pending.result;
    }
    upsertSearchAttributes([{ key: CaseOutcomeKey, value: result.outcome }]);

    step = 'enter';
    const entry = await bots.enterResult({ ...input, round, result });
    if (entry.ok) break;
    // The core system refused the entry (e.g. someone entered the case otherwise): a clerk sorts it out.
    round += 1;
    const exception = await steps.raiseException({ ...input, round, code: entry.code, message: entry.message });
    pending = { result: { ...exception, amount: result.amount, details: result.details, policyVersion: result.policyVersion }, caseFile: pending.caseFile, provisionalOutcome: pending.provisionalOutcome };
  }

  step = 'close';
  await steps.closeCase({ ...input, result });
  // Cases that started before notices and archiving existed replay without them.
  if (patched('notice-and-archive-v1')) {
    step = 'notice';
    await records.issueNotice({ caseId: input.caseRow.caseId });
    // The history up to here: what an auditor replays once Temporal's retention has removed it.
    await records.archiveHistory({ caseId: input.caseRow.caseId });
  }
  await settle(result);
  // Updates still being answered (e.g. the one that decided) finish before the case closes.
  await condition(allHandlersFinished);
  step = 'closed';
  return result;
}

async function gatherAndDecide(input: CaseInput, at: (step: string) => void): Promise<DecidedCase> {
  const { steps, ocr, bots } = caseActivities(input.retry);
  at('read-facts');
  const reading = await bots.readFacts(input);
  if (!reading.ok) {
    at('exception');
    return { result: await steps.raiseException({ ...input, code: reading.code, message: reading.message }), caseFile: null, provisionalOutcome: 'approve' };
  }
  if (input.caseRow.type !== 'reimbursement') {
    at('decide');
    return steps.decideCase({ ...input, facts: reading.facts });
  }
  at('read-receipts');
  const files = (input.caseRow.row as { attachments?: string[] }).attachments ?? [];
  let receipts;
  try {
    if (!input.attachmentsDir) throw ApplicationFailure.nonRetryable('本批次未提交票据附件目录（batch run --attachments DIR）', 'AttachmentUnreadable');
    receipts = await ocr.readReceipts({ caseId: input.caseRow.caseId, attachmentsDir: input.attachmentsDir, files });
  } catch (err) {
    // A missing, unreadable or non-receipt file will not read better on a retry: a clerk looks at it.
    const cause = err instanceof ActivityFailure ? err.cause : err;
    if (!(cause instanceof ApplicationFailure)) throw err;
    at('exception');
    const result = await steps.raiseException({ ...input, code: 'RECEIPT-UNREADABLE', message: `票据无法识别：${cause.message}` });
    return { result, caseFile: null, provisionalOutcome: 'approve' };
  }
  at('decide');
  return steps.decideCase({ ...input, facts: reading.facts, receipts });
}

/** The batch waits for the bots, not for clerks: it is told when a case is closed or handed to a clerk. */
async function tellBatch(result: CaseResult): Promise<void> {
  const parent = workflowInfo().parent;
  if (!parent) return;
  try {
    await getExternalWorkflowHandle(parent.workflowId).signal(caseSettledSignal, { caseId: result.caseId, result });
  } catch {
    // The batch is gone (finished or terminated): nobody is waiting for this case any more.
  }
}
