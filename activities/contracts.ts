import type { CaseInput, CaseResult, CaseType, BatchProgress, CaseRowRef, WorkbookRef } from '../workflows/types';

/**
 * The activities as the workflows see them, grouped by the task queue that runs them. Workflows
 * import these types only; `createActivities` builds the implementations.
 */

/** What the core system said about a case: its facts, or a business fault a clerk must resolve. */
export type FactsReading =
  | { ok: true; facts: Record<string, unknown>; source: string }
  | { ok: false; code: string; message: string };

export interface IntakeSummary {
  total: number;
  invalidRows: number;
  byType: Record<CaseType, number>;
}

export interface DefaultQueueActivities {
  /** Parses the batch's workbook, records every row (valid or not) and returns the counts. */
  loadIntake(input: { batchId: string; workbook: WorkbookRef }): Promise<IntakeSummary>;
  /** A page of the batch's valid rows, in workbook order. */
  intakeRows(input: { batchId: string; offset: number; limit: number }): Promise<CaseRowRef[]>;
  /** Validates the row, registers the case and records its intake event. Throws a non-retryable error on an invalid row. */
  acceptCase(input: CaseInput): Promise<void>;
  /** Builds the case file from row and facts, decides it by the rulebook and records inputs and outcome. */
  decideCase(input: CaseInput & { facts: Record<string, unknown> }): Promise<CaseResult>;
  /** Sends a case the bots could not settle to a clerk, on the record. */
  raiseException(input: CaseInput & { code: string; message: string }): Promise<CaseResult>;
  /** Registers the final state of the case and records its closing event. */
  closeCase(input: CaseInput & { result: CaseResult }): Promise<void>;
  /** The recorded result of a case processed earlier (a re-submitted row), or null when it has none yet. */
  existingCaseResult(input: { caseId: string }): Promise<(CaseResult & { batchId: string | null }) | null>;
  /** Marks the batch finished in the store. */
  finishBatch(input: { batchId: string; progress: BatchProgress }): Promise<void>;
}

export interface LegacyBotActivities {
  /** Reads the system-of-record facts the case file needs from the core business system. */
  readFacts(input: CaseInput): Promise<FactsReading>;
}
