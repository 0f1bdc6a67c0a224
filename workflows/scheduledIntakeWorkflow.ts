import { ParentClosePolicy, WorkflowIdReusePolicy, executeChild, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import { BatchIdKey } from './searchAttributes';
import { batchStepOptions } from './retryPolicies';
import type { ScheduledIntakeActivities, ScheduledIntakeInput, ScheduledIntakeResult } from './scheduledIntakeTypes';
import { beijingDate } from '../time/beijing';

// Set by Temporal on every workflow a schedule starts: the action's nominal time (a backfill's past date too).
const ScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/**
 * One scheduled run: on a bureau working day (or when asked to run on rest days) take the newest
 * workbook of the intake folder not yet submitted, run it as a batch, then keep the histories of
 * the cases that closed. A rest day is a successful run that did nothing, so it is not retried.
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
  const picked = await steps.pickIntakeWorkbook({ intakeFolder: input.intakeFolder, date, scheduleId: input.scheduleId });
  if (!picked) return { status: 'no-new-workbook', date, folder: input.intakeFolder };
  await executeChild('batchWorkflow', {
    workflowId: `batch-${picked.batchId}`,
    args: [{ batchId: picked.batchId, workbook: picked.workbook, concurrency: input.concurrency, retry: input.retry }],
    // A retried or overlapping run that picked the same workbook joins nothing twice.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    // The manager cancelling a scheduled run must not cancel decided cases: the batch finishes.
    parentClosePolicy: ParentClosePolicy.ABANDON,
    typedSearchAttributes: [{ key: BatchIdKey, value: picked.batchId }],
  });
  const archived = await steps.archiveBatchHistories({ batchId: picked.batchId });
  return { status: 'done', date, batchId: picked.batchId, fileName: picked.workbook.fileName, archived: archived.saved };
}
