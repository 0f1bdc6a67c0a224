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
  | { status: 'done'; date: string; batchId: string; fileName: string; archived: number };

export interface PickedWorkbook {
  batchId: string;
  workbook: { path: string; sha256: string; fileName: string };
}

/** The activities the scheduled run calls (schedules/activities.ts implements them). */
export interface ScheduledIntakeActivities {
  checkBureauDay(input: { date: string }): Promise<{ date: string; working: boolean }>;
  pickIntakeWorkbook(input: { intakeFolder: string; date: string; scheduleId?: string }): Promise<PickedWorkbook | null>;
  archiveBatchHistories(input: { batchId: string }): Promise<{ saved: number; stillOpen: number }>;
}
