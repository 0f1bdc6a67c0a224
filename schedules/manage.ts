/**
 * Recurring batch runs as Temporal Schedules: create, list, describe, pause with a note, unpause,
 * trigger now, backfill, delete. The schedule fires daily; the run itself skips bureau rest days
 * (the calendar knows 调休 Saturdays and holidays, a cron expression cannot).
 */
import path from 'node:path';
import {
  ScheduleNotFoundError,
  type Client,
  type ScheduleDescription,
  type ScheduleOverlapPolicy,
  type ScheduleSpec,
} from '@temporalio/client';
import { z } from 'zod';
import { TASK_QUEUES } from '../workflows/types';
import { SCHEDULED_INTAKE_WORKFLOW, type ScheduledIntakeInput } from '../workflows/scheduledIntakeTypes';
import { beijingIso } from '../time/beijing';

export const OVERLAP_POLICIES = ['skip', 'buffer-one', 'buffer-all', 'cancel-other', 'terminate-other', 'allow-all'] as const;
export type Overlap = (typeof OVERLAP_POLICIES)[number];
const overlapOf = (o: Overlap): ScheduleOverlapPolicy => o.toUpperCase().replace('-', '_') as ScheduleOverlapPolicy;
const overlapName = (p: string | undefined): Overlap | undefined => (p ? (p.toLowerCase().replace('_', '-') as Overlap) : undefined);

const SCHEDULE_TIMEZONE = 'Asia/Shanghai';

export const CreateScheduleOptions = z
  .object({
    scheduleId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, . _ - only'),
    /** Daily at HH:MM Beijing time (default 02:00); the run skips rest days. */
    at: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM')
      .default('02:00'),
    /** A cron expression instead of `at` (still Beijing time). */
    cron: z.string().min(1).optional(),
    intakeFolder: z.string().min(1),
    overlap: z.enum(OVERLAP_POLICIES).default('skip'),
    runOnHolidays: z.boolean().default(false),
    concurrency: z.int().min(1).optional(),
    /** How the runs' batches retry technical faults (the configuration's, from whoever creates the schedule). */
    retry: z
      .object({ maximumIntervalSeconds: z.int().min(1) })
      .strict()
      .optional(),
    note: z.string().max(500).optional(),
    paused: z.boolean().default(false),
    /** Bureau date the runs check instead of their scheduled one (tests). */
    today: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    taskQueue: z.string().min(1).default(TASK_QUEUES.default),
  })
  .strict();
export type CreateScheduleOptions = z.input<typeof CreateScheduleOptions>;

/** What `schedule list` / `describe` show: plain data, Beijing time spec in words. */
export interface ScheduleView {
  scheduleId: string;
  workflowType: string | null;
  intakeFolder: string | null;
  runOnHolidays: boolean;
  spec: string;
  overlap: Overlap | undefined;
  paused: boolean;
  note: string | null;
  nextRuns: string[];
  recentRuns: Array<{ workflowId: string; scheduledAt: string; takenAt: string }>;
  runningWorkflows: string[];
}

function specOf(o: z.output<typeof CreateScheduleOptions>): ScheduleSpec {
  if (o.cron) return { cronExpressions: [o.cron], timezone: SCHEDULE_TIMEZONE };
  const [hour, minute] = o.at.split(':').map(Number) as [number, number];
  return {
    calendars: [{ hour, minute, comment: `daily ${o.at} ${SCHEDULE_TIMEZONE}; rest days skipped by the run` }],
    timezone: SCHEDULE_TIMEZONE,
  };
}

/** Creates the schedule; throws ScheduleAlreadyRunning if the ID is taken. */
export async function createBatchSchedule(client: Client, options: CreateScheduleOptions): Promise<ScheduleView> {
  const o = CreateScheduleOptions.parse(options);
  const input: ScheduledIntakeInput = {
    intakeFolder: path.resolve(o.intakeFolder),
    runOnHolidays: o.runOnHolidays,
    scheduleId: o.scheduleId,
    ...(o.concurrency ? { concurrency: o.concurrency } : {}),
    ...(o.retry ? { retry: o.retry } : {}),
    ...(o.today ? { today: o.today } : {}),
  };
  const handle = await client.schedule.create({
    scheduleId: o.scheduleId,
    spec: specOf(o),
    action: {
      type: 'startWorkflow',
      workflowType: SCHEDULED_INTAKE_WORKFLOW,
      // Temporal appends the scheduled time to this ID, so each run is its own workflow.
      workflowId: `scheduled-${o.scheduleId}`,
      taskQueue: o.taskQueue,
      args: [input],
    },
    policies: { overlap: overlapOf(o.overlap), catchupWindow: '1 day', pauseOnFailure: false },
    state: { paused: o.paused, ...(o.note ? { note: o.note } : {}) },
    memo: { intakeFolder: input.intakeFolder, runOnHolidays: o.runOnHolidays },
  });
  return viewOf(o.scheduleId, await handle.describe());
}

/** Every schedule of the namespace that starts scheduled intake runs. */
export async function listBatchSchedules(client: Client): Promise<ScheduleView[]> {
  const views: ScheduleView[] = [];
  for await (const summary of client.schedule.list()) {
    if (summary.action?.type === 'startWorkflow' && summary.action.workflowType !== SCHEDULED_INTAKE_WORKFLOW) continue;
    // The list is eventually consistent: a schedule deleted a moment ago may still be listed.
    const view = await describeBatchSchedule(client, summary.scheduleId).catch((err: unknown) => {
      if (err instanceof ScheduleNotFoundError) return null;
      throw err;
    });
    if (view) views.push(view);
  }
  return views.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
}

/** One schedule; throws ScheduleNotFoundError for an unknown ID. */
export async function describeBatchSchedule(client: Client, scheduleId: string): Promise<ScheduleView> {
  return viewOf(scheduleId, await client.schedule.getHandle(scheduleId).describe());
}

/** Pauses with the manager's note (shown in describe and the Temporal UI). */
export async function pauseBatchSchedule(client: Client, scheduleId: string, note: string): Promise<ScheduleView> {
  if (!note.trim()) throw new Error('a pause needs a note saying why');
  await client.schedule.getHandle(scheduleId).pause(note);
  return describeBatchSchedule(client, scheduleId);
}

export async function unpauseBatchSchedule(client: Client, scheduleId: string, note?: string): Promise<ScheduleView> {
  await client.schedule.getHandle(scheduleId).unpause(note);
  return describeBatchSchedule(client, scheduleId);
}

/** Runs now, once, under the given overlap policy (default: the schedule's). */
export async function triggerBatchSchedule(client: Client, scheduleId: string, overlap?: Overlap): Promise<void> {
  await client.schedule.getHandle(scheduleId).trigger(overlap ? overlapOf(overlap) : undefined);
}

/** Runs the actions the schedule would have taken between start and end (e.g. after an outage). */
export async function backfillBatchSchedule(
  client: Client,
  scheduleId: string,
  start: Date,
  end: Date,
  overlap: Overlap = 'buffer-all',
): Promise<void> {
  if (!(start < end)) throw new Error('backfill: start must be before end');
  await client.schedule.getHandle(scheduleId).backfill({ start, end, overlap: overlapOf(overlap) });
}

export async function deleteBatchSchedule(client: Client, scheduleId: string): Promise<void> {
  await client.schedule.getHandle(scheduleId).delete();
}

function rangeText(ranges: ReadonlyArray<{ start: unknown; end?: unknown; step?: number }> | undefined, pad = 2): string {
  if (!ranges || ranges.length === 0) return '*';
  return ranges
    .map((r) => {
      const p = (v: unknown) => (typeof v === 'number' ? String(v).padStart(pad, '0') : String(v));
      return r.end !== undefined && r.end !== r.start ? `${p(r.start)}-${p(r.end)}` : p(r.start);
    })
    .join(',');
}

function viewOf(scheduleId: string, d: ScheduleDescription): ScheduleView {
  const action = d.action.type === 'startWorkflow' ? d.action : null;
  const input = (action?.args?.[0] ?? null) as ScheduledIntakeInput | null;
  // The server turns cron expressions into calendars too: describe them all alike.
  const spec =
    (d.spec.calendars ?? [])
      .map((c) => {
        const time = `${rangeText(c.hour)}:${rangeText(c.minute, 2)}`;
        const days = c.dayOfWeek && rangeText(c.dayOfWeek) !== '*' ? ` ${rangeText(c.dayOfWeek)}` : ' daily';
        return `${time}${days}`;
      })
      .join(', ') + ` ${d.spec.timezone ?? 'UTC'}`;
  return {
    scheduleId,
    workflowType: action ? String(action.workflowType) : null,
    intakeFolder: input?.intakeFolder ?? null,
    runOnHolidays: input?.runOnHolidays ?? false,
    spec,
    overlap: overlapName(d.policies.overlap),
    paused: d.state.paused,
    note: d.state.note ?? null,
    nextRuns: d.info.nextActionTimes.slice(0, 5).map((t) => beijingIso(t)),
    recentRuns: d.info.recentActions.slice(-10).map((a) => ({
      workflowId: a.action.type === 'startWorkflow' ? a.action.workflow.workflowId : '',
      scheduledAt: beijingIso(a.scheduledAt),
      takenAt: beijingIso(a.takenAt),
    })),
    runningWorkflows: d.info.runningActions.map((a) => a.workflow.workflowId),
  };
}
