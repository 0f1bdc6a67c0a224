import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  executeChild,
  isCancellation,
  log,
  patched,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import { SearchAttributeType, WorkflowExecutionAlreadyStartedError, defineSearchAttributeKey } from '@temporalio/common';
import { BatchIdKey } from './searchAttributes';
import { batchStepOptions } from './retryPolicies';
import type { batchWorkflow } from './batchWorkflow';
import { batchWorkflowId, type BatchInput } from './types';
import type { ScheduledBatchOutcome, ScheduledIntakeActivities, ScheduledIntakeInput, ScheduledIntakeResult } from './scheduledIntakeTypes';
import { beijingDate } from '../time/beijing';

// Set by Temporal on every workflow a schedule starts: the action's nominal time (a backfill's past date too).
const ScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/**
 * One scheduled run: on a bureau working day (or when asked to run on rest days) take every workbook
 * of the intake folder not yet submitted, oldest first, each with its attachments, and run each as a
 * batch, one after the other; then keep the histories of the cases that closed. A rest day is a
 * successful run that did nothing, so it is not retried.
 */
export async function scheduledIntakeWorkflow(input: ScheduledIntakeInput): Promise<ScheduledIntakeResult> {
  const steps = proxyActivities<ScheduledIntakeActivities>(batchStepOptions(input.retry));
  const nominal = workflowInfo().typedSearchAttributes.get(ScheduledStartTime);
  // Date.now() is deterministic in workflow code (the task's time); the schedule's own time comes first.
  const date = input.today ?? beijingDate(nominal ?? new Date(Date.now()));
  const day = await steps.checkBureauDay({ date });
  if (!day.working && !input.runOnHolidays) {
    log.info(`scheduled intake: ${date} is a bureau rest day, no run`);
    return { status: 'skipped-holiday', date };
  }
  const where = { intakeFolder: input.intakeFolder, date, scheduleId: input.scheduleId };
  // Runs recorded before this change took only the newest workbook, without its attachments: their
  // histories replay that way.
  if (!patched('every-workbook-with-attachments-v1')) {
    const picked = await steps.pickIntakeWorkbook(where);
    if (!picked) return { status: 'no-new-workbook', date, folder: input.intakeFolder };
    await runBatch({ batchId: picked.batchId, workbook: picked.workbook }, input);
    const archived = await steps.archiveBatchHistories({ batchId: picked.batchId });
    return { status: 'done', date, batchId: picked.batchId, fileName: picked.workbook.fileName, archived: archived.saved };
  }
  const { picked, refused } = await steps.pickIntakeWorkbooks(where);
  if (picked.length === 0 && refused.length === 0) return { status: 'no-new-workbook', date, folder: input.intakeFolder };
  const batches: ScheduledBatchOutcome[] = [];
  let archived = 0;
  for (const workbook of picked) {
    let outcome: ScheduledBatchOutcome['outcome'] = 'completed';
    try {
      await runBatch(workbook, input);
    } catch (err) {
      if (isCancellation(err)) throw err;
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        batches.push({ batchId: workbook.batchId, fileName: workbook.workbook.fileName, outcome: 'already-started' });
        continue; // its own run archives it
      }
      // One workbook the worker cannot read must not keep the others of the folder waiting.
      log.warn(`scheduled intake: batch ${workbook.batchId} (${workbook.workbook.fileName}) failed: ${(err as Error).message}`);
      outcome = 'failed';
    }
    batches.push({ batchId: workbook.batchId, fileName: workbook.workbook.fileName, outcome });
    archived += (await steps.archiveBatchHistories({ batchId: workbook.batchId })).saved;
  }
  return { status: 'done', date, batches, refused, archived };
}

/** The batch of one picked workbook, as a child: the same workflow and ID that `batch run` starts. */
async function runBatch(batch: Pick<BatchInput, 'batchId' | 'workbook' | 'attachmentsDir'>, input: ScheduledIntakeInput): Promise<void> {
  await executeChild<typeof batchWorkflow>('batchWorkflow', {
    workflowId: batchWorkflowId(batch.batchId),
    args: [{ ...batch, concurrency: input.concurrency, retry: input.retry }],
    // A retried or overlapping run that picked the same workbook joins nothing twice.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    // The manager cancelling a scheduled run must not cancel decided cases: the batch finishes.
    parentClosePolicy: ParentClosePolicy.ABANDON,
    typedSearchAttributes: [{ key: BatchIdKey, value: batch.batchId }],
  });
}
