/**
 * Whether live workers serve the task queues a batch needs, for `batch run --wait` and `npm run demo`:
 * without them a batch waits silently. Temporal keeps listing the pollers of a worker that died for
 * minutes, so a poller counts as live only if it polled recently; and a batch whose first workflow
 * task no worker has started after a few seconds is reported sooner than that.
 */
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

// The package is CommonJS: its namespaces are read off the default export under ESM.
const { temporal } = proto;
import { TASK_QUEUES } from '../workflows/types';
import { beijingTime } from '../time/beijing';

/** An idle worker long-polls again at least every ~70 s; a poller not seen for longer is a worker gone. */
const POLLER_STALE_MS = 75_000;
/** A workflow task not started this long after it was scheduled: no worker takes the queue's work. */
const UNSTARTED_TASK_MS = 20_000;

type TaskKind = 'workflow' | 'activity';
export interface NeededQueue {
  name: string;
  kinds: TaskKind[];
}

const TASK_QUEUE_TYPE: Record<TaskKind, proto.temporal.api.enums.v1.TaskQueueType> = {
  workflow: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  activity: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
};

/** The queues a batch's work runs on: OCR only when it has receipt attachments. */
export function queuesForBatch(hasAttachments: boolean): NeededQueue[] {
  return [
    { name: TASK_QUEUES.default, kinds: ['workflow', 'activity'] },
    { name: TASK_QUEUES.legacyBots, kinds: ['activity'] },
    ...(hasAttachments ? [{ name: TASK_QUEUES.ocr, kinds: ['activity'] as TaskKind[] }] : []),
  ];
}

const millis = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): number | null =>
  t?.seconds == null ? null : Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);

/** Beijing time, to the second: what the operator's clock says. */
const beijing = (ms: number) => beijingTime(ms).slice(11);

/** A queue and kind no live worker polls, with when a worker last polled it (null: never, as far as Temporal remembers). */
export interface UnservedQueue {
  queue: string;
  kind: TaskKind;
  lastPollAt: number | null;
}

/** The needed queues that no worker has polled within POLLER_STALE_MS. */
export async function unservedQueues(
  client: Client,
  namespace: string,
  queues: readonly NeededQueue[],
  now = Date.now(),
): Promise<UnservedQueue[]> {
  const unserved: UnservedQueue[] = [];
  for (const { name, kinds } of queues) {
    for (const kind of kinds) {
      const described = await client.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name },
        taskQueueType: TASK_QUEUE_TYPE[kind],
      });
      const polls = (described.pollers ?? []).map((p) => millis(p.lastAccessTime)).filter((t): t is number => t !== null);
      const last = polls.length ? Math.max(...polls) : null;
      if (last === null || now - last > POLLER_STALE_MS) unserved.push({ queue: name, kind, lastPollAt: last });
    }
  }
  return unserved;
}

/** Seconds the workflow's pending workflow task has waited for a worker to start it, or null if none waits. */
async function unstartedWorkflowTaskAge(client: Client, workflowId: string, now = Date.now()): Promise<number | null> {
  const { raw } = await client.workflow.getHandle(workflowId).describe();
  const task = raw.pendingWorkflowTask;
  if (!task || task.state !== temporal.api.enums.v1.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED) return null;
  const scheduled = millis(task.scheduledTime);
  return scheduled === null ? null : now - scheduled;
}

export function describeUnserved(u: UnservedQueue, now = Date.now()): string {
  const seen =
    u.lastPollAt === null
      ? 'no worker has polled it'
      : `a worker last polled it at ${beijing(u.lastPollAt)} (${Math.round((now - u.lastPollAt) / 1000)} s ago)`;
  return `task queue "${u.queue}" (${u.kind} tasks): ${seen}`;
}

export interface WorkerWatchOptions {
  client: Client;
  namespace: string;
  /** The batch's workflow: its first task not taken is the quickest sign of no worker at all. */
  workflowId: string;
  queues: readonly NeededQueue[];
  /** Where the warnings go (stderr). */
  say(line: string): void;
  intervalMs?: number;
}

/**
 * Checks every `intervalMs` (10 s) while a batch is followed and says when no live worker serves a
 * queue it needs, and again when one does. It only warns: the batch waits in Temporal and goes on
 * as soon as a worker comes, and leaving would not stop it.
 */
export function watchWorkers(options: WorkerWatchOptions): { stop(): Promise<void> } {
  const { client, namespace, workflowId, queues, say } = options;
  let warned = '';
  let checking: Promise<void> | null = null;
  const check = async () => {
    const now = Date.now();
    const unserved = await unservedQueues(client, namespace, queues, now);
    const problems = unserved.map((u) => describeUnserved(u, now));
    const waited = await unstartedWorkflowTaskAge(client, workflowId, now).catch(() => null);
    if (waited !== null && waited > UNSTARTED_TASK_MS && problems.length === 0) {
      // Pollers that look alive but take nothing: a worker that died a moment ago.
      problems.push(
        `task queue "${TASK_QUEUES.default}": the batch has waited ${Math.round(waited / 1000)} s for a worker to take it up (listed pollers may be of a worker that has died)`,
      );
    }
    const key = problems.map((p) => p.replace(/\d+ s/g, '')).join('\n');
    if (problems.length > 0 && key !== warned) {
      say(
        [
          `警告 no live worker serves what this batch needs — it waits until one does:`,
          ...problems.map((p) => `  ${p}`),
          `  start the stack (npm start) or a worker (npm run worker; ZHISHEN_WORKER_QUEUES names its queues) against ${namespace === 'default' ? 'this Temporal' : `namespace ${namespace}`}; Ctrl-C here leaves the batch running.`,
        ].join('\n'),
      );
    } else if (problems.length === 0 && warned) {
      say('workers are back: the batch goes on');
    }
    warned = problems.length > 0 ? key : '';
  };
  const tick = () => {
    checking ??= check()
      .catch(() => {}) // Temporal unreachable: the progress poll and the client's own retries say so.
      .finally(() => {
        checking = null;
      });
  };
  tick();
  const timer = setInterval(tick, options.intervalMs ?? 10_000);
  return {
    async stop() {
      clearInterval(timer);
      await checking;
    },
  };
}
