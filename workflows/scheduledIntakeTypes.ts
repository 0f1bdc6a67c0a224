/** Inputs and results of the scheduled intake run: plain data, as they travel through Temporal's history. */

import type { RetrySettings } from './types';

export const SCHEDULED_INTAKE_WORKFLOW = 'scheduledIntakeWorkflow';

export interface ScheduledIntakeInput {
  /** Folder the front desk drops intake workbooks into (absolute path, seen by the workers). */
  intakeFolder: string;
  /** Run on bureau rest days too (the manager asked for it). */
  runOnHolidays?: boolean;
  /** Case workflows at once in the batch. */
  concurrency?: number;
  /** The bureau date to check instead of the scheduled time's (tests, a deliberate re-run). */
  today?: string;
  /** The schedule that started the run, for the batch ID and the log. */
  scheduleId?: string;
  /** How the runs' batches retry technical faults; set from the configuration when the schedule is created. */
  retry?: RetrySettings;
}

export type ScheduledIntakeResult =
  | { status: 'skipped-holiday'; date: string }
  | { status: 'no-new-workbook'; date: string; folder: string }
  /** Runs before every new workbook was taken: the one batch they ran. */
  | { status: 'done'; date: string; batchId: string; fileName: string; archived: number }
  | { status: 'done'; date: string; batches: ScheduledBatchOutcome[]; refused: RefusedWorkbook[]; archived: number };

export interface PickedWorkbook {
  batchId: string;
  workbook: { path: string; sha256: string; fileName: string };
  /** The workbook's attachments, staged under the batch (零星报销 receipts). */
  attachmentsDir?: string;
}

/** A dropped workbook that cannot be a batch (not a readable intake workbook): left in the folder, said in the result. */
export interface RefusedWorkbook {
  fileName: string;
  message: string;
}

export interface ScheduledBatchOutcome {
  batchId: string;
  fileName: string;
  /**
   * `failed`: the batch as a whole failed (its own history says why); `already-started`: an
   * overlapping run started the same batch. Either way the run goes on with the next workbook.
   */
  outcome: 'completed' | 'failed' | 'already-started';
}

/** The activities the scheduled run calls (schedules/activities.ts implements them). */
export interface ScheduledIntakeActivities {
  checkBureauDay(input: { date: string }): Promise<{ date: string; working: boolean }>;
  /** Kept for runs that started before `pickIntakeWorkbooks`: replaying them schedules this activity. */
  pickIntakeWorkbook(input: { intakeFolder: string; date: string; scheduleId?: string }): Promise<PickedWorkbook | null>;
  /** Every workbook of the folder no batch has taken, oldest first, staged with its attachments. */
  pickIntakeWorkbooks(input: {
    intakeFolder: string;
    date: string;
    scheduleId?: string;
  }): Promise<{ picked: PickedWorkbook[]; refused: RefusedWorkbook[] }>;
  archiveBatchHistories(input: { batchId: string }): Promise<{ saved: number; stillOpen: number }>;
}
