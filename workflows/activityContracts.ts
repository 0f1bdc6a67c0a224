import type { FactsReading } from '../bots/facts';
import type { ReadReceiptsInput, ReadReceiptsResult } from '../ocr/activity';
import type { HumanAction } from '../security/humanActs';
import type { CorrectionInput, ProvenPerson, Proposal, ReviewDecisionInput, SupplyInput } from './reviewTypes';
import type { CaseType } from '../rules/caseTypes';
import type { AuditStep } from '../store/auditSteps';
import type { CaseInput, CaseResult, BatchProgress, CaseRowRef, WorkbookRef } from './types';

/**
 * The activities as the workflows see them, grouped by the task queue that runs them. The workflows
 * define what they call, so the contracts live here; `createActivities` (activities/) builds the
 * implementations. Type-only: nothing here enters the workflow bundle.
 */

/** What the core system said about a case: its facts, or a business fault a clerk must resolve (the bots' reading). */
interface IntakeSummary {
  total: number;
  invalidRows: number;
  byType: Record<CaseType, number>;
}

export interface DefaultQueueActivities {
  /** Parses the batch's workbook, records every row (valid or not) and returns the counts. */
  loadIntake(input: { batchId: string; workbook: WorkbookRef }): Promise<IntakeSummary>;
  /** A page of the batch's valid rows, in the order the batch works through them (intake/processingOrder.ts). */
  intakeRows(input: { batchId: string; offset: number; limit: number }): Promise<CaseRowRef[]>;
  /** Validates the row, registers the case and records its intake event. Throws a non-retryable error on an invalid row. */
  acceptCase(input: CaseInput): Promise<void>;
  /** Builds the case file from row and facts, decides it by the rulebook and records inputs and outcome. */
  decideCase(input: CaseInput & { facts: Record<string, unknown>; receipts?: ReadReceiptsResult }): Promise<DecidedCase>;
  /** Sends a case the bots could not settle to a clerk, on the record. */
  raiseException(
    input: CaseInput & { code: string; message: string; caseFile?: Record<string, unknown>; receiptLayouts?: unknown[] },
  ): Promise<CaseResult>;
  /** Registers the final state of the case and records its closing event. */
  closeCase(input: CaseInput & { result: CaseResult }): Promise<void>;
  /** The recorded result of a case processed earlier (a re-submitted row), or null when it has none yet. */
  existingCaseResult(input: { caseId: string }): Promise<(CaseResult & { batchId: string | null }) | null>;
  /**
   * A clerk's decision recorded by an earlier run of the case that never reached the core system
   * (the run failed): what a new run enters instead of deciding again; null when there is none.
   */
  resumeFromTrail(input: { caseId: string }): Promise<{ result: CaseResult; round: number } | null>;
  /** Marks the batch finished in the store. */
  finishBatch(input: { batchId: string; progress: BatchProgress }): Promise<void>;
}

/**
 * Steps of the default queue taken together (activities/leanCase.ts), each the steps it names run
 * in turn: fewer round trips to Temporal per case.
 */
export interface LeanCaseActivities {
  /** acceptCase, then resumeFromTrail. */
  openCase(input: CaseInput): Promise<{ result: CaseResult; round: number } | null>;
  /** closeCase, then issueNotice, then archiveHistory after the notice. */
  finishCase(input: CaseInput & { result: CaseResult }): Promise<void>;
}

/** The notifications' activities (notifications/activities.ts); the events themselves are produced by the activities that record them. */
export interface NotificationActivities {
  /** Tells the managers that a batch stopped with an error. */
  notifyBatchFailed(input: { batchId: string; message: string }): Promise<void>;
  /** Sends the outbox's due messages once; the worker also does so on a timer. */
  deliverNotifications(): Promise<{ sent: number; retrying: number; failed: number }>;
}

/** What the batch asks Temporal about its cases (workers with a Temporal client). */
export interface CaseWatchActivities {
  /** Of these cases, the ones whose case workflow is no longer running (completed, failed, terminated…). */
  closedCaseWorkflows(input: { caseIds: string[] }): Promise<string[]>;
}

export interface LegacyBotActivities {
  /** Reads the system-of-record facts the case file needs from the core business system. */
  readFacts(input: CaseInput): Promise<FactsReading>;
  /** Enters the final result into the core system, unless an entry for the case is already there. */
  enterResult(input: CaseInput & { result: CaseResult }): Promise<EntryReport>;
}

/** What entering a result came to: the 受理号, or a refusal a clerk must sort out. */
type EntryReport = { ok: true; entryNumber: string; alreadyEntered: boolean } | { ok: false; code: string; message: string };

/** A decision of the rulebook with the case file it was made on. */
export interface DecidedCase {
  result: CaseResult;
  /** Null when no valid case file could be built (the case then went to a clerk as an exception). */
  caseFile: Record<string, unknown> | null;
  /** The outcome without the review rules: what a clerk overrides by deciding otherwise. */
  provisionalOutcome: 'approve' | 'reject';
}

/** The review's SLA, in absolute times (ISO). */
export interface ReviewSla {
  reminderAt: string;
  deadlineAt: string;
}

export type ReviewStandingInput = {
  claimedBy: string | null;
  slaReminder: string | null;
  slaDeadline: string | null;
  escalated: boolean;
  proposal?: Proposal | null;
};

/** A human act's proof checked: the person as the store knows them now, or why it was refused (on the record). */
type ActVerdict = { ok: true; person: ProvenPerson } | { ok: false; reason: string };

/** Names one step of a review for the audit trail; unique within the run, so a retry records it once. */
interface ReviewStep {
  key: string;
}

export interface ReviewActivities {
  /** Puts the case in the exception inbox and computes its SLA in bureau working days. */
  openReview(input: CaseInput & ReviewStep & { result: CaseResult; enteredAt: string }): Promise<ReviewSla>;
  /**
   * Checks a human act's signed assertion (signature, case, act, payload, lifetime, single use) and
   * reads the person's current role and status from the store; a refusal is recorded in the trail.
   */
  verifyHumanAct(
    input: CaseInput & ReviewStep & { action: HumanAction; payload: Record<string, unknown>; allowedRoles: readonly string[] },
  ): Promise<ActVerdict>;
  /** Records a claim or a release, and who now holds the case. */
  recordReviewEvent(
    input: CaseInput &
      ReviewStep & {
        step: Extract<AuditStep, 'claimed' | 'released'>;
        reviewer: ProvenPerson;
        details: Record<string, unknown>;
        standing: ReviewStandingInput;
      },
  ): Promise<void>;
  /** Applies a clerk's corrections to the case file, decides again and records the before/after diff. */
  redecideWithCorrections(
    input: CaseInput & ReviewStep & Omit<CorrectionInput, 'proof'> & { reviewer: ProvenPerson; caseFile: Record<string, unknown> },
  ): Promise<DecidedCase & { caseFile: Record<string, unknown>; touchesCoreSystemData: boolean }>;
  /** Records a decision that needs a second person as a proposal (待复核) in the supervisors' queue. */
  recordProposal(
    input: CaseInput & ReviewStep & { reviewer: ProvenPerson; proposal: Proposal; ruleResult: CaseResult; standing: ReviewStandingInput },
  ): Promise<void>;
  /** Records a supervisor's second look at a proposal: approved, or sent back with a comment. */
  recordSecondLook(
    input: CaseInput &
      ReviewStep & {
        reviewer: ProvenPerson;
        verdict: 'approve' | 'send-back';
        comment: string;
        proposal: Proposal;
        standing: ReviewStandingInput;
      },
  ): Promise<void>;
  /** Records a final decision (who, who approved it, when, what changed, why) and returns the case's final result. */
  recordReviewDecision(
    input: CaseInput &
      ReviewStep &
      Omit<ReviewDecisionInput, 'proof'> & {
        reviewer: ProvenPerson;
        approvedBy: ProvenPerson | null;
        ruleResult: CaseResult;
        standing: ReviewStandingInput;
      },
  ): Promise<CaseResult>;
  /** A returned case waits for documents until `deadlineAt`: on the record and in the register (退回补正). */
  openReturn(input: CaseInput & ReviewStep & { deadlineAt: string }): Promise<void>;
  /** Records the documents a clerk handed in for a returned case (files and hashes as evidence). */
  recordSupply(input: CaseInput & ReviewStep & Omit<SupplyInput, 'proof'> & { reviewer: ProvenPerson }): Promise<void>;
  /** The 补正 deadline passed with nothing handed in: recorded, and the case's result is 不予受理. */
  expireReturn(input: CaseInput & ReviewStep & { deadlineDays: number }): Promise<CaseResult>;
  /** The SLA's reminder is due: on the record, and to whoever holds the case. */
  remindReviewer(input: CaseInput & ReviewStep & { standing: ReviewStandingInput }): Promise<void>;
  /** The SLA's deadline passed: escalated to a supervisor, on the record. */
  escalateReview(input: CaseInput & ReviewStep & { standing: ReviewStandingInput }): Promise<void>;
}

export interface OcrActivities {
  /** Reads the case's receipt attachments (fields and confidences), with each file's hash as evidence. */
  readReceipts(input: ReadReceiptsInput): Promise<ReadReceiptsResult>;
}
