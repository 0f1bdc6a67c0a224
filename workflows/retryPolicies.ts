/**
 * How long the workflows' activities may take and how they are retried. A technical fault (the core
 * system, the store or OCR down, a worker gone) is retried without an attempt limit, backing off to
 * at most `maximumIntervalSeconds` between attempts: an hour-long outage delays cases and fails none.
 * A fault a retry cannot fix (a business refusal, an unreadable receipt, an invalid row) is thrown
 * as a non-retryable ApplicationFailure by the activity and ends the step at once.
 *
 * Workflow code cannot read the environment: the setting travels in the workflow input, chosen by
 * whoever starts the batch (config/env.ts: ZHISHEN_RETRY_MAX_INTERVAL). Histories from before it
 * existed have none, and get the default.
 */
import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/common';
import { TASK_QUEUES, type RetrySettings } from './types';

export const DEFAULT_RETRY: RetrySettings = { maximumIntervalSeconds: 300 };

/** Retries without limit, doubling from `initialSeconds` up to the configured maximum interval. */
export function untilDone(initialSeconds: number, retry: RetrySettings = DEFAULT_RETRY): RetryPolicy {
  const maximum = retry.maximumIntervalSeconds;
  // No maximumAttempts: unlimited. Temporal refuses a maximum below the initial interval.
  return { initialInterval: `${Math.min(initialSeconds, maximum)} seconds`, backoffCoefficient: 2, maximumInterval: `${maximum} seconds` };
}

/** Short steps of the default queue (accept, decide, close): a worker that died mid-step is noticed at this timeout. */
export const caseStepOptions = (retry?: RetrySettings): ActivityOptions => ({
  startToCloseTimeout: '20 seconds',
  retry: untilDone(1, retry),
});

/**
 * The case's short store steps tried first as local activities (run by the workflow's own worker
 * inside its workflow task: no server events, no extra task): a few quick attempts, then the
 * workflow runs the same step as an ordinary activity with the policy above (caseWorkflow.ts), so
 * that a longer fault is retried without limit and shows among the dashboard's retried steps.
 */
export const localStepOptions: LocalActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
};

/** The notice and the archived history, written once the case is closed. */
export const recordOptions = (retry?: RetrySettings): ActivityOptions => ({ startToCloseTimeout: '1 minute', retry: untilDone(1, retry) });

/**
 * Bots work a slow core system: a longer timeout, heartbeats so that a dead worker is noticed in
 * seconds, and retries that outlast a restart or an outage of the core system.
 */
export const botOptions = (retry?: RetrySettings): ActivityOptions => ({
  taskQueue: TASK_QUEUES.legacyBots,
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '10 seconds',
  retry: untilDone(2, retry),
});

/**
 * OCR of a few receipts takes seconds; a stuck engine is retried on another worker, a dead one is
 * noticed by its missing heartbeats. An unreadable file is non-retryable and goes to a clerk.
 */
export const ocrOptions = (retry?: RetrySettings): ActivityOptions => ({
  taskQueue: TASK_QUEUES.ocr,
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  retry: untilDone(2, retry),
});

/**
 * The history archived while a case waits for a person: a few attempts, then let go (the next act's
 * archive, or the one at the close, supersedes it), so that it never holds up the act it follows.
 */
export const archiveWhileWaitingOptions = (retry?: RetrySettings): ActivityOptions => ({
  startToCloseTimeout: '1 minute',
  retry: { ...untilDone(1, retry), maximumAttempts: 3 },
});

/** The review's records (inbox, claims, decisions, reminders): store writes. */
export const reviewOptions = (retry?: RetrySettings): ActivityOptions => ({ startToCloseTimeout: '1 minute', retry: untilDone(1, retry) });

/** The batch's and the scheduled run's steps: reading a whole workbook may take minutes. */
export const batchStepOptions = (retry?: RetrySettings): ActivityOptions => ({
  startToCloseTimeout: '5 minutes',
  retry: untilDone(1, retry),
});
