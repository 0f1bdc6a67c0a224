/** Inputs and results of the workflows: plain data, so they travel through Temporal's history unchanged. */
import type { CaseType } from '../rules/caseTypes';

export type CaseOutcome = 'approve' | 'reject' | 'review';

/** Task queues per resource, so that each can be scaled and rate-limited on its own. */
export const TASK_QUEUES = { default: 'zhishen', legacyBots: 'legacy-bots', ocr: 'ocr' } as const;

/** Workflow IDs come from case IDs: a case is one workflow, however often its row is submitted. */
export const caseWorkflowId = (caseId: string): string => `case-${caseId}`;
export const batchWorkflowId = (batchId: string): string => `batch-${batchId}`;

/** An intake workbook as the worker reads it: content-addressed, so the file used is the file hashed. */
export interface WorkbookRef {
  path: string;
  sha256: string;
  fileName: string;
}

/** One valid intake row, as the batch hands it to its case workflow. */
export interface CaseRowRef {
  caseId: string;
  type: CaseType;
  sheet: string;
  rowNumber: number;
  /** The row's application fields (intake/schemas.ts), validated again by the case workflow's first step. */
  row: unknown;
}

/**
 * How technical faults are retried, chosen by whoever starts the batch (config: ZHISHEN_RETRY_MAX_INTERVAL):
 * without an attempt limit, at most this long between attempts. Absent in histories from before it existed.
 */
export interface RetrySettings {
  maximumIntervalSeconds: number;
}

export interface CaseInput {
  batchId: string;
  workbook: WorkbookRef;
  /** Where the batch's receipt attachments were staged (零星报销), readable by the `ocr` workers. */
  attachmentsDir?: string;
  caseRow: CaseRowRef;
  /** Which pass over the case this step belongs to: a case returned for documents is read and decided again. */
  round?: number;
  retry?: RetrySettings;
  /** The bureau's settings the workflow needs (it cannot read the environment). */
  settings?: CaseSettings;
  /**
   * Set by a batch that takes a closed case's result from its child handle: such a case closing
   * without a clerk does not send its settle signal, unless the batch asked for it (`reportBySignal`).
   */
  settleByCompletion?: boolean;
}

interface CaseSettings {
  /** Calendar days a case returned for documents (退回补正) waits before it closes as 不予受理. */
  returnDeadlineDays?: number;
}

export interface CaseResult {
  caseId: string;
  type: CaseType;
  outcome: CaseOutcome;
  /** Money string (`"1234.56"`) or null. */
  amount: string | null;
  /** Rule IDs of the failed rules, or the exception code that sent the case to a clerk. */
  reasons: string[];
  messages: string[];
  policyVersion: string | null;
  /** The decision's computed values (POLICY.md details), e.g. a transfer's benefit start month. */
  details?: Record<string, unknown>;
}

export interface OutcomeCounts {
  approve: number;
  reject: number;
  review: number;
  /** Case workflows that failed outright (not a business outcome: a fault to investigate). */
  failed: number;
}

export interface BatchProgress {
  batchId: string;
  /** Valid rows, each a case to run. */
  total: number;
  /** Rows rejected at intake (bad column, date, 身份证号, duplicate case ID…). */
  invalidRows: number;
  /** Cases finished by this batch, whatever their outcome. */
  done: number;
  /** Rows whose case had already been processed (or is running) under an earlier submission. */
  alreadyProcessed: number;
  byOutcome: OutcomeCounts;
  byType: Record<CaseType, { total: number; done: number }>;
  /**
   * Offset of the next intake row to start; rows before it are started (batches recorded before the
   * sliding window: finished).
   */
  nextOffset: number;
  finished: boolean;
}

export interface BatchInput {
  batchId: string;
  workbook: WorkbookRef;
  /** Staged receipt attachments of the batch, if it has 零星报销 rows. */
  attachmentsDir?: string;
  /** Case workflows running at once. */
  concurrency?: number;
  /** Passed to every case of the batch. */
  settings?: CaseSettings;
  /** Rows handled by one run before continue-as-new keeps the history small. */
  rowsPerRun?: number;
  /** How often a later run asks Temporal about carried cases that stay quiet, in seconds (default 60). */
  carriedCheckSeconds?: number;
  /** Carried across continue-as-new; absent on the first run. */
  carried?: BatchProgress;
  /** Cases started by an earlier run and still in flight when it continued as new (the sliding window). */
  inFlight?: CaseRowRef[];
  /** Handed on to every case of the batch. */
  retry?: RetrySettings;
}

export const emptyOutcomeCounts = (): OutcomeCounts => ({ approve: 0, reject: 0, review: 0, failed: 0 });
