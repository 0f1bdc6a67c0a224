import {
  ApplicationFailure,
  ContinueAsNew,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  continueAsNew,
  startChild,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { DefaultQueueActivities, NotificationActivities } from './activityContracts';
import { BatchIdKey, CaseTypeKey } from './searchAttributes';
import { caseWorkflow } from './caseWorkflow';
import { batchStepOptions } from './retryPolicies';
import { batchProgressQuery, caseSettledSignal } from './messages';
import { caseWorkflowId, emptyOutcomeCounts, type BatchInput, type BatchProgress, type CaseResult, type CaseRowRef } from './types';

/** The batch's steps, retried as whoever started it asked. */
const batchSteps = (input: BatchInput) => proxyActivities<DefaultQueueActivities>(batchStepOptions(input.retry));

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_ROWS_PER_RUN = 500;
const PAGE_SIZE = 100;

/** A batch from an intake workbook: one case workflow per valid row, a bounded number at a time. */
export async function batchWorkflow(input: BatchInput): Promise<BatchProgress> {
  try {
    return await runBatch(input);
  } catch (err) {
    // A batch that stops with an error is told to the managers; runs recorded before this replay without it.
    if (!(err instanceof ContinueAsNew) && !isCancellation(err) && patched('notify-batch-failed-v1')) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
      await proxyActivities<NotificationActivities>(batchStepOptions(input.retry)).notifyBatchFailed({
        batchId: input.batchId,
        message: cause instanceof Error ? cause.message : String(cause),
      });
    }
    throw err;
  }
}

async function runBatch(input: BatchInput): Promise<BatchProgress> {
  const steps = batchSteps(input);
  const concurrency = Math.max(1, input.concurrency ?? DEFAULT_CONCURRENCY);
  const rowsPerRun = Math.max(1, input.rowsPerRun ?? DEFAULT_ROWS_PER_RUN);
  // Results the cases reported; signals may arrive before the child's start is even acknowledged.
  const settled = new Map<string, CaseResult>();
  setHandler(caseSettledSignal, ({ caseId, result }) => {
    settled.set(caseId, result);
  });
  const progress: BatchProgress = input.carried ?? (await loadBatch(input));
  setHandler(batchProgressQuery, () => progress);

  let rowsThisRun = 0;
  while (progress.nextOffset < progress.total) {
    if (rowsThisRun >= rowsPerRun || workflowInfo().continueAsNewSuggested) {
      // Every case started by this run has finished, so the next run starts from a clean slate.
      await continueAsNew<typeof batchWorkflow>({ ...input, carried: progress });
    }
    const page = await steps.intakeRows({
      batchId: input.batchId,
      offset: progress.nextOffset,
      limit: Math.min(PAGE_SIZE, rowsPerRun - rowsThisRun),
    });
    if (page.length === 0)
      throw ApplicationFailure.nonRetryable(`batch ${input.batchId}: intake rows ended at ${progress.nextOffset} of ${progress.total}`);
    await forEachBounded(page, concurrency, (row) => runCase(input, row, progress, settled));
    progress.nextOffset += page.length;
    rowsThisRun += page.length;
  }

  progress.finished = true;
  await steps.finishBatch({ batchId: input.batchId, progress });
  return progress;
}

async function loadBatch(input: BatchInput): Promise<BatchProgress> {
  const summary = await batchSteps(input).loadIntake({ batchId: input.batchId, workbook: input.workbook });
  return {
    batchId: input.batchId,
    total: summary.total,
    invalidRows: summary.invalidRows,
    done: 0,
    alreadyProcessed: 0,
    byOutcome: emptyOutcomeCounts(),
    byType: {
      'lump-sum': { total: summary.byType['lump-sum'], done: 0 },
      transfer: { total: summary.byType.transfer, done: 0 },
      reimbursement: { total: summary.byType.reimbursement, done: 0 },
    },
    nextOffset: 0,
    finished: false,
  };
}

async function runCase(input: BatchInput, caseRow: CaseRowRef, progress: BatchProgress, settled: Map<string, CaseResult>): Promise<void> {
  let result: CaseResult | null;
  let duplicate = false;
  try {
    const child = await startChild(caseWorkflow, {
      workflowId: caseWorkflowId(caseRow.caseId),
      args: [
        {
          batchId: input.batchId,
          workbook: input.workbook,
          attachmentsDir: input.attachmentsDir,
          caseRow,
          settings: input.settings,
          retry: input.retry,
        },
      ],
      // A case that failed outright may be submitted again; one that was decided, never.
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      // Cases outlive their batch: a clerk may take days over one, and cancelling a batch must not undo them.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: CaseTypeKey, value: caseRow.type },
        { key: BatchIdKey, value: input.batchId },
      ],
    });
    let failed = false;
    // A case that fails before the rules have spoken never reports; its failure is counted instead.
    child.result().then(
      () => {},
      () => {
        failed = true;
      },
    );
    await condition(() => settled.has(caseRow.caseId) || failed);
    result = settled.get(caseRow.caseId) ?? null;
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    duplicate = true;
    result = await batchSteps(input).existingCaseResult({ caseId: caseRow.caseId });
  }
  progress.done += 1;
  progress.byType[caseRow.type].done += 1;
  if (duplicate) progress.alreadyProcessed += 1;
  // A duplicate still running under its first submission has no outcome yet; it is counted there.
  if (result) progress.byOutcome[result.outcome] += 1;
  else if (!duplicate) progress.byOutcome.failed += 1;
}

/** Runs `work` over `items` with at most `limit` in flight; deterministic, as workflow code must be. */
async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
