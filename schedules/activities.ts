/** Activities of the scheduled intake run: the bureau calendar, the intake folder, the history archive. */
import type { Client } from '@temporalio/client';
import { sha256File } from '../activities/hashing';
import { archiveClosedCaseHistories } from '../audit/history';
import { log } from '@temporalio/activity';
import { calendarCovers, defaultCalendar, isWorkingDay, type BureauCalendar } from '../rules/calendar';
import { loadBureauCalendar } from '../store/calendarYears';
import { isWorkbookTaken, type Store } from '../store';
import type { PickedWorkbook, RefusedWorkbook, ScheduledIntakeActivities } from '../workflows/scheduledIntakeTypes';
import { stageBatch } from '../activities/submitBatch';
import { IntakeError } from '../intake/errors';
import { listIntakeDrops } from './intakeDrops';

export interface ScheduleActivityDeps {
  store: Store;
  /** ZHISHEN_DATA_DIR: workbooks are staged under <dataDir>/intake/<sha256>.xlsx as `batch run` does. */
  dataDir: string;
  /** For the history archive after the batch; without it histories are left to a later sweep. */
  client?: Client;
  /** Default: the store's years over the shipped seed, read at each run. */
  calendar?: BureauCalendar;
}

/** True when the bureau works on that date (holidays off, 调休 Saturdays on). */
export function isBureauWorkingDay(date: string, calendar: BureauCalendar = defaultCalendar): boolean {
  return isWorkingDay(calendar, date);
}

/** The activities to register on the default task queue's worker. */
export function scheduleActivities(deps: ScheduleActivityDeps): ScheduledIntakeActivities {
  return {
    async checkBureauDay({ date }) {
      const calendar = deps.calendar ?? (await loadBureauCalendar(deps.store));
      // A run must still happen or not: Monday to Friday, said in the log, until the year is imported.
      if (!calendarCovers(calendar, date))
        log.warn(
          `the bureau calendar has no ${date.slice(0, 4)}: ${date} counted as a ${isWorkingDay(calendar, date) ? 'working' : 'rest'} day by its weekday alone; import the year with calendar import`,
        );
      return { date, working: isBureauWorkingDay(date, calendar) };
    },

    async pickIntakeWorkbook({ intakeFolder, date, scheduleId }) {
      return (await pickUnprocessed(deps, intakeFolder, date, scheduleId, 1)).picked[0] ?? null;
    },

    async pickIntakeWorkbooks({ intakeFolder, date, scheduleId }) {
      const picks = await pickUnprocessed(deps, intakeFolder, date, scheduleId);
      for (const r of picks.refused)
        log.warn(`scheduled intake: ${r.fileName} is not an intake workbook, left in the folder: ${r.message}`);
      return picks;
    },

    async archiveBatchHistories({ batchId }) {
      if (!deps.client) return { saved: 0, stillOpen: 0 };
      const ofBatch = await archiveClosedCaseHistories(deps.store, deps.client, { batchId });
      // Cases of earlier batches that a clerk closed since: their complete histories too.
      const others = await archiveClosedCaseHistories(deps.store, deps.client);
      return { saved: ofBatch.saved.length + others.saved.length, stillOpen: ofBatch.stillOpen.length + others.stillOpen.length };
    },
  };
}

/** The batch ID of a scheduled run's workbook: from schedule, date and content, so a retry or an overlapping run names the same batch and Temporal refuses it the second time. */
function scheduledBatchId(scheduleId: string | undefined, date: string, sha256: string): string {
  const prefix = scheduleId ? scheduleId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 24) : 'sched';
  return `${prefix}-${date.replaceAll('-', '')}-${sha256.slice(0, 8)}`;
}

/**
 * Every workbook of the folder (schedules/intakeDrops.ts: the layout) whose content no batch has
 * taken yet, oldest first, staged with its attachments as `batch run` stages them (submitBatch).
 * A workbook that is not a readable intake workbook is left where it is and named in `refused`;
 * the same content dropped twice is one batch.
 */
export async function pickUnprocessed(
  deps: Pick<ScheduleActivityDeps, 'store' | 'dataDir'>,
  intakeFolder: string,
  date: string,
  scheduleId?: string,
  limit = Infinity,
): Promise<{ picked: PickedWorkbook[]; refused: RefusedWorkbook[] }> {
  const picked: PickedWorkbook[] = [];
  const refused: RefusedWorkbook[] = [];
  const seen = new Set<string>();
  for (const drop of await listIntakeDrops(intakeFolder)) {
    if (picked.length >= limit) break;
    const sha256 = await sha256File(drop.file);
    if (seen.has(sha256) || (await isWorkbookTaken(deps.store, sha256))) continue;
    seen.add(sha256);
    try {
      const batch = await stageBatch(deps.dataDir, { workbook: drop.file, attachments: drop.attachments }, (sha) =>
        scheduledBatchId(scheduleId, date, sha),
      );
      picked.push({
        batchId: batch.batchId,
        workbook: { ...batch.workbook, fileName: drop.fileName },
        attachmentsDir: batch.attachmentsDir,
      });
    } catch (err) {
      if (!(err instanceof IntakeError)) throw err;
      refused.push({ fileName: drop.fileName, message: err.message });
    }
  }
  return { picked, refused };
}
