import { allHandlersFinished, condition, getExternalWorkflowHandle, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { DecidedCase, DefaultQueueActivities, LegacyBotActivities } from '../activities/contracts';
import { CaseOutcomeKey } from '../temporal/searchAttributes';
import { caseSettledSignal, caseStateQuery, documentsSuppliedSignal } from './messages';
import { awaitReview } from './review';
import { TASK_QUEUES, type CaseInput, type CaseResult } from './types';

const steps = proxyActivities<DefaultQueueActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

// Bots work a slow legacy system: a longer timeout, and retries that outlast a restart of it.
const bots = proxyActivities<LegacyBotActivities>({
  taskQueue: TASK_QUEUES.legacyBots,
  startToCloseTimeout: '3 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 20 },
});

/**
 * One case, start to finish: accept the row, read its facts, decide by the rulebook; what the rules
 * send to review waits for a clerk (returned cases wait for documents, then go round again); close.
 */
export async function caseWorkflow(input: CaseInput): Promise<CaseResult> {
  let step = 'accept';
  let result: CaseResult | null = null;
  let documentsSupplied = false;
  setHandler(caseStateQuery, () => ({ step, result }));
  setHandler(documentsSuppliedSignal, () => {
    documentsSupplied = true;
  });

  await steps.acceptCase(input);

  for (let round = 1; ; round++) {
    const decided = await gatherAndDecide({ ...input, round }, (s) => (step = s));
    result = decided.result;
    upsertSearchAttributes([{ key: CaseOutcomeKey, value: result.outcome }]);
    if (round === 1) await tellBatch(result);
    if (result.outcome !== 'review') break;

    step = 'review';
    const review = await awaitReview(input, decided.result, decided.caseFile, decided.provisionalOutcome, round);
    result = review.result;
    if (review.kind === 'decided') {
      upsertSearchAttributes([{ key: CaseOutcomeKey, value: result.outcome }]);
      break;
    }
    step = 'awaiting-documents';
    documentsSupplied = false;
    await condition(() => documentsSupplied);
  }

  step = 'close';
  await steps.closeCase({ ...input, result });
  // Updates still being answered (e.g. the one that decided) finish before the case closes.
  await condition(allHandlersFinished);
  step = 'closed';
  return result;
}

async function gatherAndDecide(input: CaseInput, at: (step: string) => void): Promise<DecidedCase> {
  at('read-facts');
  const reading = await bots.readFacts(input);
  if (!reading.ok) {
    at('exception');
    return { result: await steps.raiseException({ ...input, code: reading.code, message: reading.message }), caseFile: null, provisionalOutcome: 'approve' };
  }
  if (input.caseRow.type === 'reimbursement') {
    // Receipts are read by OCR on the `ocr` queue; until that reader is in place a clerk reads them.
    at('exception');
    const result = await steps.raiseException({
      ...input,
      code: 'RECEIPTS-UNREAD',
      message: '票据尚未经识别（OCR 未接入），请人工核对票据后决定',
    });
    return { result, caseFile: null, provisionalOutcome: 'approve' };
  }
  at('decide');
  return steps.decideCase({ ...input, facts: reading.facts });
}

/** The batch waits for the bots' result, not for clerks: it is told as soon as the rules have spoken. */
async function tellBatch(result: CaseResult): Promise<void> {
  const parent = workflowInfo().parent;
  if (!parent) return;
  try {
    await getExternalWorkflowHandle(parent.workflowId).signal(caseSettledSignal, { caseId: result.caseId, result });
  } catch {
    // The batch is gone (finished or terminated): nobody is waiting for this case any more.
  }
}
