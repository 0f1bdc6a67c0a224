/**
 * Workflow histories kept in the store (table workflow_histories), so that an auditor can replay a
 * case after Temporal's retention — or the loss of its database — removed it from the cluster.
 */
import { createHash } from 'node:crypto';
import { isoUtc } from '../store/sqlTime';
import type { Client } from '@temporalio/client';
// @temporalio/proto is CommonJS: Node's ESM loader sees only its default export.
import proto from '@temporalio/proto';
import { z } from 'zod';
import type { Store } from '../store';

export interface SavedHistory {
  workflowId: string;
  runId: string;
  caseId: string | null;
  /** False when the execution was still open when saved: the history ends before its close. */
  complete: boolean;
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

interface HistoryRow {
  workflow_id: string;
  run_id: string;
  case_id: string | null;
  complete: boolean;
  event_count: number;
  history: string;
  sha256: string;
  saved_at: string;
}

const columns = `workflow_id, run_id, case_id, complete, event_count, history, sha256,
  ${isoUtc('saved_at')} AS saved_at`;

const SaveOptions = z.object({
  workflowId: z.string().min(1),
  runId: z.string().min(1).optional(),
  caseId: z.string().min(1).nullable().optional(),
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
 * by a longer fetch. Returns what the store now holds.
 */
export async function saveWorkflowHistory(
  store: Store,
  client: Client,
  workflowId: string,
  runId?: string,
  caseId?: string | null,
): Promise<SavedHistory> {
  const args = SaveOptions.parse({ workflowId, runId, caseId });
  const handle = client.workflow.getHandle(args.workflowId, args.runId);
  // The run ID is part of the key: resolve it when the caller named only the workflow.
  const resolvedRunId = args.runId ?? (await handle.describe()).runId;
  const existing = await findRow(store, args.workflowId, resolvedRunId);
  if (existing?.complete) return savedOf(existing);
  const history = await client.workflow.getHandle(args.workflowId, resolvedRunId).fetchHistory();
  const eventCount = history.events?.length ?? 0;
  if (existing && existing.event_count >= eventCount) return savedOf(existing);
  const complete = isComplete(history);
  const bytes = encodeHistory(history);
  const [row] = await store.db.query<HistoryRow>(
    `INSERT INTO workflow_histories (workflow_id, run_id, case_id, complete, event_count, history, sha256)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (workflow_id, run_id) DO UPDATE SET
       case_id = COALESCE(EXCLUDED.case_id, workflow_histories.case_id), complete = EXCLUDED.complete,
       event_count = EXCLUDED.event_count, history = EXCLUDED.history, sha256 = EXCLUDED.sha256, saved_at = now()
     -- Never replace a complete history, nor a longer one (two savers racing).
     WHERE NOT workflow_histories.complete AND workflow_histories.event_count < EXCLUDED.event_count
     RETURNING ${columns}`,
    [args.workflowId, resolvedRunId, args.caseId ?? null, complete, eventCount, Buffer.from(bytes).toString('base64'), sha256(bytes)],
  );
  const stored = row ?? (await findRow(store, args.workflowId, resolvedRunId));
  if (!stored) throw new Error(`saveWorkflowHistory: ${args.workflowId}/${resolvedRunId} not stored`);
  return savedOf(stored);
}

/**
 * The stored history of a workflow: the given run, or else the most recently saved run (complete
 * ones first). Throws HistoryTamperedError when the text no longer matches its sha256.
 */
export async function loadWorkflowHistory(store: Store, workflowId: string, runId?: string): Promise<LoadedHistory | undefined> {
  const [row] =
    runId === undefined
      ? await store.db.query<HistoryRow>(
          `SELECT ${columns} FROM workflow_histories WHERE workflow_id = $1 ORDER BY complete DESC, saved_at DESC LIMIT 1`,
          [workflowId],
        )
      : await store.db.query<HistoryRow>(`SELECT ${columns} FROM workflow_histories WHERE workflow_id = $1 AND run_id = $2`, [
          workflowId,
          runId,
        ]);
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
  const rows = await store.db.query<{ case_id: string; workflow_id: string; run_id: string | null }>(
    `SELECT c.case_id, c.workflow_id, c.run_id FROM cases c
     WHERE c.status IN ('closed', 'failed') AND ($1::text IS NULL OR c.batch_id = $1)
       AND NOT EXISTS (SELECT 1 FROM workflow_histories h
                       WHERE h.workflow_id = c.workflow_id AND h.complete
                         AND (c.run_id IS NULL OR h.run_id = c.run_id))
     ORDER BY c.case_id LIMIT $2`,
    [options.batchId ?? null, options.limit ?? 1000],
  );
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

async function findRow(store: Store, workflowId: string, runId: string): Promise<HistoryRow | undefined> {
  const [row] = await store.db.query<HistoryRow>(`SELECT ${columns} FROM workflow_histories WHERE workflow_id = $1 AND run_id = $2`, [
    workflowId,
    runId,
  ]);
  return row;
}

function savedOf(row: HistoryRow): SavedHistory {
  return {
    workflowId: row.workflow_id,
    runId: row.run_id,
    caseId: row.case_id,
    complete: row.complete,
    eventCount: row.event_count,
    sha256: row.sha256,
    savedAt: row.saved_at,
  };
}
