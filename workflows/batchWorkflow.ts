import {
  ApplicationFailure,
  ContinueAsNew,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  continueAsNew,
  getExternalWorkflowHandle,
  startChild,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { CaseWatchActivities, DefaultQueueActivities, NotificationActivities } from './activityContracts';
import { BatchIdKey, CaseTypeKey } from './searchAttributes';
import { caseWorkflow } from './caseWorkflow';
import { batchStepOptions } from './retryPolicies';
import { batchProgressQuery, caseSettledSignal, reportBySignalSignal } from './messages';
import { caseWorkflowId, emptyOutcomeCounts, type BatchInput, type BatchProgress, type CaseResult, type CaseRowRef } from './types';

/** The batch's steps, retried as whoever started it asked. */
const batchSteps = (input: BatchInput) => proxyActivities<DefaultQueueActivities>(batchStepOptions(input.retry));

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_ROWS_PER_RUN = 500;
const PAGE_SIZE = 100;
const SLIDING_WINDOW_PATCH = 'batch-sliding-window-v1';
/**
 * A case closing without a clerk is counted when its child handle resolves, and sends no settle
 * signal (workflows/caseWorkflow.ts); before continuing as new the run asks the cases it holds to
 * signal after all. Runs recorded before have their cases signal every time.
 */
const SETTLE_BY_COMPLETION_PATCH = 'batch-settle-by-completion-v1';
/** How long cases carried over from an earlier run may stay unsettled before the batch asks Temporal whether they closed. */
const CARRIED_CHECK_SECONDS = 60;

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

  // Batches recorded before it waited for every case of a page before starting the next page.
  if (patched(SLIDING_WINDOW_PATCH)) {
    await slidingWindow(input, progress, settled, concurrency, rowsPerRun);
    progress.finished = true;
    await steps.finishBatch({ batchId: input.batchId, progress });
    return progress;
  }

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

/** Starts the case workflow of a row, as a child the batch does not wait for when it closes. */
function startCase(input: BatchInput, caseRow: CaseRowRef, settleByCompletion = false) {
  return startChild(caseWorkflow, {
    workflowId: caseWorkflowId(caseRow.caseId),
    args: [
      {
        batchId: input.batchId,
        workbook: input.workbook,
        attachmentsDir: input.attachmentsDir,
        caseRow,
        settings: input.settings,
        retry: input.retry,
        ...(settleByCompletion ? { settleByCompletion } : {}),
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
}

async function runCase(input: BatchInput, caseRow: CaseRowRef, progress: BatchProgress, settled: Map<string, CaseResult>): Promise<void> {
  let result: CaseResult | null;
  let duplicate = false;
  try {
    const child = await startCase(input, caseRow);
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
  countCase(progress, caseRow, result, duplicate);
}

/** Counts a case the batch is done with: its outcome, or failed (null result of a case this batch started). */
function countCase(progress: BatchProgress, caseRow: CaseRowRef, result: CaseResult | null, duplicate: boolean): void {
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

/**
 * Keeps `concurrency` cases in flight at all times — across pages of intake rows and across
 * continue-as-new, which carries the cases still in flight to the next run — so a slow case holds
 * up only its own slot (Temporal's batch-sliding-window sample). A case reports through its settle
 * signal (sent to the batch's workflow ID, so it reaches whichever run is current) or, closing while
 * the run that started it holds its child handle, by closing (`SETTLE_BY_COMPLETION_PATCH`); one that
 * fails first is seen through its child handle, or, once carried to a later run, by asking Temporal
 * whether its workflow closed.
 */
async function slidingWindow(
  input: BatchInput,
  progress: BatchProgress,
  settled: Map<string, CaseResult>,
  concurrency: number,
  rowsPerRun: number,
): Promise<void> {
  const steps = batchSteps(input);
  const byCompletion = patched(SETTLE_BY_COMPLETION_PATCH);
  const failed = new Set<string>();
  /** Cases whose workflow this batch started and that have not settled: what a continue-as-new carries. */
  const inFlight = new Map<string, CaseRowRef>();
  /** Cases this run started that report by closing (their run IDs): asked to signal before a continue-as-new. */
  const held = new Map<string, string>();
  let starting = 0;
  let active = 0;
  let failure: { error: unknown } | null = null;
  const background = (work: () => Promise<void>) => {
    work().then(
      () => {},
      (error: unknown) => {
        failure ??= { error };
      },
    );
  };
  /** A case in the window: counted in `active` until it is settled, failed or counted as a duplicate. */
  const launch = (work: () => Promise<void>) => {
    active += 1;
    background(() => work().finally(() => (active -= 1)));
  };
  const until = async (ready: () => boolean) => {
    await condition(() => failure !== null || ready());
    if (failure) throw failure.error;
  };
  const settledOrFailed = (caseId: string) => settled.has(caseId) || failed.has(caseId);

  async function awaitCase(caseRow: CaseRowRef): Promise<void> {
    inFlight.set(caseRow.caseId, caseRow);
    await condition(() => settledOrFailed(caseRow.caseId));
    inFlight.delete(caseRow.caseId);
    countCase(progress, caseRow, settled.get(caseRow.caseId) ?? null, false);
  }

  async function runWindowedCase(caseRow: CaseRowRef): Promise<void> {
    starting += 1;
    let child;
    try {
      child = await startCase(input, caseRow, byCompletion);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      try {
        countCase(progress, caseRow, await steps.existingCaseResult({ caseId: caseRow.caseId }), true);
      } finally {
        starting -= 1;
      }
      return;
    }
    inFlight.set(caseRow.caseId, caseRow);
    if (byCompletion) held.set(caseRow.caseId, child.firstExecutionRunId);
    starting -= 1;
    // A case that fails before the rules have spoken never reports; its failure is counted instead.
    // One that closes reports by closing (unless it already signalled: a clerk's case closes much later).
    child.result().then(
      (result) => {
        if (byCompletion && !settled.has(caseRow.caseId)) settled.set(caseRow.caseId, result);
      },
      () => {
        failed.add(caseRow.caseId);
      },
    );
    await awaitCase(caseRow);
    held.delete(caseRow.caseId);
  }

  /**
   * The next run holds no child handle: the cases this run holds are asked to signal. One that has
   * closed already cannot be asked; its close reaches this run, which waits for it.
   */
  async function handOver(): Promise<void> {
    const asked = await Promise.all(
      [...held].map(async ([caseId, runId]) => {
        try {
          await getExternalWorkflowHandle(caseWorkflowId(caseId), runId).signal(reportBySignalSignal);
          return null;
        } catch {
          return caseId;
        }
      }),
    );
    const closed = asked.filter((caseId): caseId is string => caseId !== null);
    // …and every case settled by now is counted here rather than carried.
    await until(
      () => closed.every((caseId) => settledOrFailed(caseId)) && [...inFlight.keys()].every((caseId) => !settledOrFailed(caseId)),
    );
  }

  // Cases an earlier run started: no child handle here, so Temporal is asked about the ones that stay quiet.
  const carried = input.inFlight ?? [];
  for (const caseRow of carried) launch(() => awaitCase(caseRow));
  if (carried.length > 0) {
    const watch = proxyActivities<CaseWatchActivities>(batchStepOptions(input.retry));
    background(async () => {
      for (;;) {
        const open = () => carried.map((c) => c.caseId).filter((id) => !settledOrFailed(id));
        if (await condition(() => open().length === 0, `${Math.max(1, input.carriedCheckSeconds ?? CARRIED_CHECK_SECONDS)} seconds`))
          return;
        for (const caseId of await watch.closedCaseWorkflows({ caseIds: open() })) if (!settled.has(caseId)) failed.add(caseId);
      }
    });
  }

  let rowsThisRun = 0;
  let page: CaseRowRef[] = [];
  let next = 0;
  while (progress.nextOffset < progress.total) {
    if (rowsThisRun >= rowsPerRun || workflowInfo().continueAsNewSuggested) {
      // Cases being started are let through first, so that every one is either counted or carried.
      await until(() => starting === 0);
      if (byCompletion) await handOver();
      await continueAsNew<typeof batchWorkflow>({ ...input, carried: progress, inFlight: [...inFlight.values()] });
    }
    if (next >= page.length) {
      page = await steps.intakeRows({
        batchId: input.batchId,
        offset: progress.nextOffset,
        limit: Math.min(PAGE_SIZE, rowsPerRun - rowsThisRun),
      });
      next = 0;
      if (page.length === 0)
        throw ApplicationFailure.nonRetryable(`batch ${input.batchId}: intake rows ended at ${progress.nextOffset} of ${progress.total}`);
    }
    await until(() => active < concurrency);
    const caseRow = page[next++]!;
    progress.nextOffset += 1;
    rowsThisRun += 1;
    launch(() => runWindowedCase(caseRow));
  }
  await until(() => active === 0);
}
