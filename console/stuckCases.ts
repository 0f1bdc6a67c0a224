/**
 * Cases held up by a technical fault: a step of theirs Temporal has been retrying for longer than a
 * threshold (the core system, the store or OCR down; the bots' account refused). Technical faults are
 * retried without limit (workflows/retryPolicies.ts), so such a case neither fails nor moves: this is
 * where the dashboard shows it. Read from Temporal (the batch's running workflows, their pending
 * activities), not from the store, which may be the part that is down.
 */
import type { Client } from '@temporalio/client';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import type proto from '@temporalio/proto';
import { maskIdNumbersIn } from '../rules/idNumber';

export interface StuckStep {
  workflowId: string;
  /** The case, or null for the batch's own step. */
  caseId: string | null;
  /** The activity being retried (readFacts, enterResult, …). */
  step: string;
  attempts: number;
  /** When the step was first scheduled (ISO). */
  since: string;
  /** The last attempt's error, 身份证号 masked. */
  lastError: string | null;
  /** When Temporal tries again (ISO), if it has said. */
  nextAttemptAt: string | null;
}

export interface StuckCases {
  steps: StuckStep[];
  /** Running workflows of the batch looked at, and whether there were more than the limit. */
  checked: number;
  truncated: boolean;
}

const millis = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): number | null =>
  t?.seconds == null ? null : Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The time the activity's ActivityTaskScheduled event was written: its first attempt, whatever the retries since. */
async function firstScheduled(client: Client, workflowId: string, activityId: string): Promise<number | null> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  let found: number | null = null;
  for (const event of history.events ?? []) {
    // The activity ID is unique among the workflow's open activities; the last one scheduled under it is the pending one.
    if (event.activityTaskScheduledEventAttributes?.activityId === activityId) found = millis(event.eventTime);
  }
  return found;
}

/**
 * The last attempt's error as a person reads it. Failure messages travel sealed (temporal/dataConverter.ts:
 * common attributes encoded), so they are opened with the client's own data converter first.
 */
async function errorText(client: Client, failure: proto.temporal.api.failure.v1.IFailure | null | undefined): Promise<string | null> {
  if (!failure) return null;
  const error = await decodeOptionalFailureToOptionalError(client.options.loadedDataConverter, failure).catch(() => undefined);
  // A timeout says little by itself; the failure it wraps (a heartbeat's last error, say) says more.
  let text = error?.message ?? failure.message ?? '';
  const cause = error?.cause instanceof Error ? error.cause.message : failure.cause?.message;
  if (cause) text = `${text}: ${cause}`;
  const masked = maskIdNumbersIn(text).replace(/\s+/g, ' ').trim();
  return masked.length > 300 ? `${masked.slice(0, 300)}…` : masked;
}

/**
 * The steps of the batch's running workflows that have been retried for longer than `stuckAfterMs`,
 * longest first. At most `limit` running workflows are looked at (a batch's cases waiting for clerks
 * are running too, and each costs a describe).
 */
export async function findStuckCases(
  client: Client,
  batchId: string,
  options: { stuckAfterMs: number; now?: number; limit?: number; parallel?: number },
): Promise<StuckCases> {
  const now = options.now ?? Date.now();
  const limit = options.limit ?? 500;
  const ids: string[] = [];
  let truncated = false;
  for await (const w of client.workflow.list({ query: `BatchId = "${batchId.replace(/"/g, '')}" AND ExecutionStatus = "Running"` })) {
    if (ids.length >= limit) {
      truncated = true;
      break;
    }
    ids.push(w.workflowId);
  }

  const steps: StuckStep[] = [];
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const workflowId = ids[next++]!;
      const described = await client.workflow
        .getHandle(workflowId)
        .describe()
        .catch(() => null);
      for (const pending of described?.raw.pendingActivities ?? []) {
        // A first attempt still running is work, not a fault.
        if ((pending.attempt ?? 1) < 2) continue;
        const since =
          (await firstScheduled(client, workflowId, pending.activityId ?? '').catch(() => null)) ?? millis(pending.scheduledTime);
        if (since === null || now - since < options.stuckAfterMs) continue;
        steps.push({
          workflowId,
          caseId: workflowId.startsWith('case-') ? workflowId.slice('case-'.length) : null,
          step: pending.activityType?.name ?? '?',
          attempts: pending.attempt ?? 0,
          since: iso(since)!,
          lastError: await errorText(client, pending.lastFailure),
          nextAttemptAt: iso(millis(pending.nextAttemptScheduleTime)),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel ?? 8, ids.length) }, lane));
  steps.sort((a, b) => a.since.localeCompare(b.since) || a.workflowId.localeCompare(b.workflowId));
  return { steps, checked: ids.length, truncated };
}
