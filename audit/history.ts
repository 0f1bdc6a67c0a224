/**
 * Workflow histories kept in the store (table workflow_histories), so that an auditor can replay a
 * case after Temporal's retention — or the loss of its database — removed it from the cluster.
 */
import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
// @temporalio/proto is CommonJS: Node's ESM loader sees only its default export.
import proto from '@temporalio/proto';
import { z } from 'zod';
import type { Store } from '../store';
import { AUDIT_STEPS, type AuditStep } from '../store/auditSteps';
import { casesWithoutCompleteHistory, findWorkflowHistory, keepWorkflowHistory, type WorkflowHistoryRow } from '../store/workflowHistories';

export interface SavedHistory {
  workflowId: string;
  runId: string;
  caseId: string | null;
  /** False when the execution was still open when saved: the history ends before its close. */
  complete: boolean;
  /** The audit step the history reaches, when it was saved while the case waited for a person. */
  afterStep: AuditStep | null;
  eventCount: number;
  sha256: string;
  savedAt: string;
}

const { temporal } = proto;
export type History = proto.temporal.api.history.v1.IHistory;
const HistoryProto = temporal.api.history.v1.History;
const EventType = temporal.api.enums.v1.EventType;

export interface LoadedHistory extends SavedHistory {
  /** The history as the replayer takes it. */
  history: History;
}

/** Raised when a stored history no longer matches its own sha256: it was edited after saving. */
class HistoryTamperedError extends Error {
  override name = 'HistoryTamperedError';
}

const SaveOptions = z.object({
  workflowId: z.string().min(1),
  runId: z.string().min(1).optional(),
  caseId: z.string().min(1).nullable().optional(),
  after: z.enum(AUDIT_STEPS).optional(),
});

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

// Event types that end an execution: a history that has one is complete.
const closingEvents = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);

function isComplete(history: History): boolean {
  const last = history.events?.at(-1)?.eventType;
  return last !== undefined && last !== null && closingEvents.has(Number(last));
}

/**
 * The history as the protobuf binary Temporal itself sends, base64 in a text column. Not proto-JSON:
 * the SDK's JSON helpers (historyToJSON) break when two protobufjs copies are installed, and the
 * binary form is what the server hands out, byte for byte.
 */
function encodeHistory(history: History): Uint8Array {
  return HistoryProto.encode(HistoryProto.fromObject(history)).finish();
}

/**
 * Fetches one execution's history from Temporal and keeps it in the store. Idempotent: a complete
 * history already saved is left as it is; a partial one (saved while the run was open) is replaced
 * by a longer fetch. `after` names the audit step a partial history reaches (the case waits for a
 * person there). Returns what the store now holds.
 */
export async function saveWorkflowHistory(
  store: Store,
  client: Client,
  workflowId: string,
  runId?: string,
  caseId?: string | null,
  after?: AuditStep,
): Promise<SavedHistory> {
  const args = SaveOptions.parse({ workflowId, runId, caseId, after });
  const handle = client.workflow.getHandle(args.workflowId, args.runId);
  // The run ID is part of the key: resolve it when the caller named only the workflow.
  const resolvedRunId = args.runId ?? (await handle.describe()).runId;
  const existing = await findWorkflowHistory(store, args.workflowId, resolvedRunId);
  if (existing?.complete) return savedOf(existing);
  const history = await client.workflow.getHandle(args.workflowId, resolvedRunId).fetchHistory();
  const eventCount = history.events?.length ?? 0;
  if (existing && existing.event_count >= eventCount) return savedOf(existing);
  const complete = isComplete(history);
  const bytes = encodeHistory(history);
  const row = await keepWorkflowHistory(store, {
    workflowId: args.workflowId,
    runId: resolvedRunId,
    caseId: args.caseId ?? null,
    complete,
    eventCount,
    // A complete history is where the case ended, whatever step asked for it.
    afterStep: complete ? null : (args.after ?? null),
    historyBase64: Buffer.from(bytes).toString('base64'),
    sha256: sha256(bytes),
  });
  const stored = row ?? (await findWorkflowHistory(store, args.workflowId, resolvedRunId));
  if (!stored) throw new Error(`saveWorkflowHistory: ${args.workflowId}/${resolvedRunId} not stored`);
  return savedOf(stored);
}

/**
 * The stored history of a workflow: the given run, or else the most recently saved run (complete
 * ones first). Throws HistoryTamperedError when the text no longer matches its sha256.
 */
export async function loadWorkflowHistory(store: Store, workflowId: string, runId?: string): Promise<LoadedHistory | undefined> {
  const row = await findWorkflowHistory(store, workflowId, runId);
  if (!row) return undefined;
  const bytes = Buffer.from(row.history, 'base64');
  if (sha256(bytes) !== row.sha256) {
    throw new HistoryTamperedError(
      `stored history of ${row.workflow_id}/${row.run_id} does not match its sha256: it was altered after saving`,
    );
  }
  return { ...savedOf(row), history: HistoryProto.decode(bytes) };
}

/**
 * Saves the complete histories of closed cases that the store does not yet hold complete: the
 * post-close sweep (a case's own last step can only save its history up to that step). Cases whose
 * workflow Temporal no longer knows are reported, not retried.
 */
export async function archiveClosedCaseHistories(
  store: Store,
  client: Client,
  options: { batchId?: string; limit?: number } = {},
): Promise<{ saved: string[]; stillOpen: string[]; missing: string[] }> {
  const rows = await casesWithoutCompleteHistory(store, options);
  const result = { saved: [] as string[], stillOpen: [] as string[], missing: [] as string[] };
  for (const row of rows) {
    try {
      const saved = await saveWorkflowHistory(store, client, row.workflow_id, row.run_id ?? undefined, row.case_id);
      (saved.complete ? result.saved : result.stillOpen).push(row.case_id);
    } catch (err) {
      if (err instanceof Error && err.name === 'WorkflowNotFoundError') result.missing.push(row.case_id);
      else throw err;
    }
  }
  return result;
}

/** One execution's history as Temporal holds it now: open (so far) or closed and still retained. */
interface LiveHistory {
  workflowId: string;
  runId: string;
  /** Temporal's status of the execution: RUNNING, COMPLETED, FAILED, … */
  status: string;
  complete: boolean;
  eventCount: number;
  sha256: string;
  history: History;
}

/**
 * Reads an execution's history from Temporal, open or closed; undefined when Temporal no longer
 * holds it (retention, a lost database). Other errors (Temporal unreachable) are thrown.
 */
export async function fetchLiveHistory(client: Client, workflowId: string, runId?: string): Promise<LiveHistory | undefined> {
  try {
    const described = await client.workflow.getHandle(workflowId, runId).describe();
    const history = await client.workflow.getHandle(workflowId, described.runId).fetchHistory();
    return {
      workflowId,
      runId: described.runId,
      status: described.status.name,
      complete: isComplete(history),
      eventCount: history.events?.length ?? 0,
      sha256: sha256(encodeHistory(history)),
      history,
    };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

function savedOf(row: WorkflowHistoryRow): SavedHistory {
  return {
    workflowId: row.workflow_id,
    runId: row.run_id,
    caseId: row.case_id,
    complete: row.complete,
    afterStep: AUDIT_STEPS.includes(row.after_step as AuditStep) ? (row.after_step as AuditStep) : null,
    eventCount: row.event_count,
    sha256: row.sha256,
    savedAt: row.saved_at,
  };
}
