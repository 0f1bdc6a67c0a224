import { proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { DefaultQueueActivities, LegacyBotActivities } from '../activities/contracts';
import { CaseOutcomeKey } from '../temporal/searchAttributes';
import { caseStateQuery } from './messages';
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

/** One case, start to finish: accept the row, read its facts, decide by the rulebook, close on the record. */
export async function caseWorkflow(input: CaseInput): Promise<CaseResult> {
  let step = 'accept';
  let result: CaseResult | null = null;
  setHandler(caseStateQuery, () => ({ step, result }));

  await steps.acceptCase(input);

  step = 'read-facts';
  const reading = await bots.readFacts(input);

  if (!reading.ok) {
    step = 'exception';
    result = await steps.raiseException({ ...input, code: reading.code, message: reading.message });
  } else if (input.caseRow.type === 'reimbursement') {
    // Receipts are read by OCR on the `ocr` queue; until that reader is in place a clerk reads them.
    step = 'exception';
    result = await steps.raiseException({
      ...input,
      code: 'RECEIPTS-UNREAD',
      message: '票据尚未经识别（OCR 未接入），请人工核对票据后决定',
    });
  } else {
    step = 'decide';
    result = await steps.decideCase({ ...input, facts: reading.facts });
  }

  upsertSearchAttributes([{ key: CaseOutcomeKey, value: result.outcome }]);
  step = 'close';
  await steps.closeCase({ ...input, result });
  step = 'closed';
  return result;
}
