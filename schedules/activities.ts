/** Activities of the scheduled intake run: the bureau calendar, the intake folder, the history archive. */
import { chmodOwnerOnly, mkdirOwnerOnlyAsync } from '../security/ownerOnly';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { sha256File } from '../activities/hashing';
import { archiveClosedCaseHistories } from '../audit/history';
import { log } from '@temporalio/activity';
import { calendarCovers, defaultCalendar, isWorkingDay, type BureauCalendar } from '../rules/calendar';
import { loadBureauCalendar } from '../store/calendarYears';
import { isWorkbookTaken, type Store } from '../store';
import type { PickedWorkbook, ScheduledIntakeActivities } from '../workflows/scheduledIntakeTypes';

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
      return pickNewestUnprocessed(deps, intakeFolder, date, scheduleId);
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

/**
 * The newest .xlsx of the folder (by modification time) whose content no batch has taken yet,
 * staged under its sha256. The batch ID is derived from date and content, so a retry or an
 * overlapping run picks the same batch and Temporal refuses it the second time.
 */
export async function pickNewestUnprocessed(
  deps: Pick<ScheduleActivityDeps, 'store' | 'dataDir'>,
  intakeFolder: string,
  date: string,
  scheduleId?: string,
): Promise<PickedWorkbook | null> {
  const entries = await fs.readdir(intakeFolder, { withFileTypes: true });
  const files = await Promise.all(
    entries
      // Excel's lock files (~$name.xlsx) are not workbooks.
      .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.xlsx') && !e.name.startsWith('~$'))
      .map(async (e) => {
        const file = path.join(intakeFolder, e.name);
        return { file, name: e.name, mtime: (await fs.stat(file)).mtimeMs };
      }),
  );
  files.sort((a, b) => b.mtime - a.mtime || a.name.localeCompare(b.name));
  for (const f of files) {
    const sha256 = await sha256File(f.file);
    if (await isWorkbookTaken(deps.store, sha256)) continue;
    const stagedDir = path.join(deps.dataDir, 'intake');
    await mkdirOwnerOnlyAsync(stagedDir);
    const staged = path.join(stagedDir, `${sha256}.xlsx`);
    await fs.copyFile(f.file, staged).catch(async (err: unknown) => {
      if (!(await fs.stat(staged).catch(() => null))) throw err;
    });
    await chmodOwnerOnly(staged); // a copy keeps its source's mode
    const prefix = scheduleId ? scheduleId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 24) : 'sched';
    return { batchId: `${prefix}-${date.replaceAll('-', '')}-${sha256.slice(0, 8)}`, workbook: { path: staged, sha256, fileName: f.name } };
  }
  return null;
}
