/**
 * What the case workflows' histories say about a run: when each case started and settled, how long
 * each activity waited in its queue and ran, and how much time the workflow tasks took. Timestamps
 * are the Temporal server's event times.
 */
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
type Timestamp = { seconds?: number | { toNumber(): number } | null; nanos?: number | null } | null | undefined;

interface ActivitySpan {
  type: string;
  scheduledMs: number;
  startedMs: number;
  closedMs: number;
  attempt: number;
  ok: boolean;
}

export interface CaseTimeline {
  caseId: string;
  /** WorkflowExecutionStarted. */
  startMs: number;
  /**
   * When the case told its batch it was settled (the SignalExternalWorkflowExecutionInitiated event):
   * closed, or waiting for a clerk. Null when it never did.
   */
  settledMs: number | null;
  /** Signals sent to the batch: at most one for a well-behaved case (none when its batch takes its completion). */
  settleSignals: number;
  /** WorkflowExecutionCompleted, or null while the case waits for a clerk. */
  completedMs: number | null;
  failed: boolean;
  activities: ActivitySpan[];
  /** Local activities that completed (their MarkerRecorded events): run inside a workflow task, no task of their own. */
  localActivities: number;
  /** Each workflow task: scheduled → started (queue) → completed (the worker ran workflow code). */
  workflowTasks: { queueMs: number; runMs: number }[];
  events: number;
  /** Events by type (`WORKFLOW_TASK_SCHEDULED`…): what the server stored for the case. */
  eventTypes: Record<string, number>;
}

/** `EVENT_TYPE_WORKFLOW_TASK_SCHEDULED` → `WORKFLOW_TASK_SCHEDULED`. */
function eventTypeName(e: HistoryEvent): string {
  const name = proto.temporal.api.enums.v1.EventType[Number(e.eventType)] ?? String(e.eventType);
  return name.replace(/^EVENT_TYPE_/, '');
}

/** Counts by event type. */
function countEventTypes(events: readonly HistoryEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) {
    if (e.eventType === null || e.eventType === undefined) continue;
    const name = eventTypeName(e);
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

function ms(ts: Timestamp): number {
  if (!ts) return NaN;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : (ts.seconds?.toNumber() ?? 0);
  return seconds * 1000 + (ts.nanos ?? 0) / 1e6;
}

/** The marker the SDK's core records for each local activity's result. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

const idOf = (id: unknown): number => (typeof id === 'number' ? id : Number(String(id)));

export function timelineOf(caseId: string, events: HistoryEvent[]): CaseTimeline {
  const timeline: CaseTimeline = {
    caseId,
    startMs: NaN,
    settledMs: null,
    settleSignals: 0,
    completedMs: null,
    failed: false,
    activities: [],
    localActivities: 0,
    workflowTasks: [],
    events: events.length,
    eventTypes: countEventTypes(events),
  };
  const scheduled = new Map<number, { type: string; at: number }>();
  const started = new Map<number, { at: number; attempt: number }>();
  const wftScheduled = new Map<number, number>();
  const wftStarted = new Map<number, number>();
  for (const e of events) {
    const at = ms(e.eventTime as Timestamp);
    const id = idOf(e.eventId);
    if (e.workflowExecutionStartedEventAttributes) timeline.startMs = at;
    else if (e.workflowExecutionCompletedEventAttributes) {
      timeline.completedMs = at;
      // A case whose batch took its completion closed without a settle signal: it settled as it closed.
      timeline.settledMs ??= at;
    } else if (
      e.workflowExecutionFailedEventAttributes ||
      e.workflowExecutionTimedOutEventAttributes ||
      e.workflowExecutionTerminatedEventAttributes
    )
      timeline.failed = true;
    else if (e.signalExternalWorkflowExecutionInitiatedEventAttributes) {
      timeline.settleSignals += 1;
      timeline.settledMs ??= at;
    } else if (e.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER) {
      timeline.localActivities += 1;
    } else if (e.activityTaskScheduledEventAttributes) {
      scheduled.set(id, { type: e.activityTaskScheduledEventAttributes.activityType?.name ?? '?', at });
    } else if (e.activityTaskStartedEventAttributes) {
      started.set(id, { at, attempt: e.activityTaskStartedEventAttributes.attempt ?? 1 });
    } else {
      const closed = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
      if (closed) {
        const s = scheduled.get(idOf(closed.scheduledEventId));
        const st = started.get(idOf(closed.startedEventId));
        if (s) {
          timeline.activities.push({
            type: s.type,
            scheduledMs: s.at,
            startedMs: st?.at ?? at,
            closedMs: at,
            attempt: st?.attempt ?? 1,
            ok: Boolean(e.activityTaskCompletedEventAttributes),
          });
        }
      }
      if (e.workflowTaskScheduledEventAttributes) wftScheduled.set(id, at);
      if (e.workflowTaskStartedEventAttributes) {
        wftStarted.set(id, at);
      }
      const wftClosed =
        e.workflowTaskCompletedEventAttributes ?? e.workflowTaskFailedEventAttributes ?? e.workflowTaskTimedOutEventAttributes;
      if (wftClosed) {
        const s = wftScheduled.get(idOf(wftClosed.scheduledEventId));
        const st = wftStarted.get(idOf(wftClosed.startedEventId));
        if (s !== undefined && st !== undefined) timeline.workflowTasks.push({ queueMs: st - s, runMs: at - st });
      }
    }
  }
  return timeline;
}

/** Fetches the histories of the cases' workflows, a few at a time. */
export async function caseTimelines(client: Client, caseIds: readonly string[], parallel = 8): Promise<CaseTimeline[]> {
  const out: CaseTimeline[] = new Array(caseIds.length);
  let next = 0;
  const lane = async () => {
    while (next < caseIds.length) {
      const i = next++;
      const caseId = caseIds[i]!;
      const history = await client.workflow.getHandle(`case-${caseId}`).fetchHistory();
      out[i] = timelineOf(caseId, (history.events ?? []) as HistoryEvent[]);
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return out;
}

/** What a batch workflow stored, over all its runs (continue-as-new included). */
export interface BatchHistory {
  runs: number;
  events: number;
  workflowTasks: number;
  eventTypes: Record<string, number>;
  /** The runs' IDs, first to last. */
  runIds: string[];
}

/** Follows the batch's runs from the first through each continue-as-new and counts their events. */
export async function batchHistory(client: Client, workflowId: string, firstRunId: string): Promise<BatchHistory> {
  const out: BatchHistory = { runs: 0, events: 0, workflowTasks: 0, eventTypes: {}, runIds: [] };
  let runId: string | null | undefined = firstRunId;
  while (runId) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = (history.events ?? []) as HistoryEvent[];
    out.runs += 1;
    out.runIds.push(runId);
    out.events += events.length;
    for (const [type, n] of Object.entries(countEventTypes(events))) out.eventTypes[type] = (out.eventTypes[type] ?? 0) + n;
    out.workflowTasks += events.filter((e) => e.workflowTaskCompletedEventAttributes || e.workflowTaskFailedEventAttributes).length;
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
  return out;
}

/** Sums of event-type counts over timelines, divided by `per` and rounded; largest first. */
export function eventTypesPer(counts: readonly Record<string, number>[], per: number): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const c of counts) for (const [type, n] of Object.entries(c)) sum[type] = (sum[type] ?? 0) + n;
  return Object.fromEntries(
    Object.entries(sum)
      .sort((a, b) => b[1] - a[1])
      .map(([type, n]) => [type, Math.round((n / per) * 100) / 100]),
  );
}

/** Percentile by nearest rank (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface StepFigures {
  count: number;
  /** Mean seconds waiting in the task queue (scheduled → started). */
  meanQueueSeconds: number;
  /** Mean seconds running on a worker (started → closed). */
  meanRunSeconds: number;
  p95RunSeconds: number;
  /** Sum of running seconds over the run. */
  totalRunSeconds: number;
}

/** Activity figures per activity type, over all cases. */
export function stepFigures(timelines: readonly CaseTimeline[]): Record<string, StepFigures> {
  const byType = new Map<string, ActivitySpan[]>();
  for (const t of timelines) for (const a of t.activities) byType.set(a.type, [...(byType.get(a.type) ?? []), a]);
  const out: Record<string, StepFigures> = {};
  for (const [type, spans] of byType) {
    const run = spans.map((s) => (s.closedMs - s.startedMs) / 1000);
    const queue = spans.map((s) => (s.startedMs - s.scheduledMs) / 1000);
    out[type] = {
      count: spans.length,
      meanQueueSeconds: mean(queue),
      meanRunSeconds: mean(run),
      p95RunSeconds: percentile(run, 95),
      totalRunSeconds: run.reduce((a, b) => a + b, 0),
    };
  }
  return out;
}

export const mean = (values: readonly number[]): number => (values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length);
