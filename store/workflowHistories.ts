/**
 * The table workflow_histories: Temporal histories kept as the server sent them (protobuf, base64)
 * with their sha256, so an auditor can replay a case after the cluster no longer holds it. Decoding
 * and fetching live in audit/history.ts; this is only the SQL.
 */
import { isoUtc } from './sqlTime';
import type { Store } from './store';

export interface WorkflowHistoryRow {
  workflow_id: string;
  run_id: string;
  case_id: string | null;
  complete: boolean;
  event_count: number;
  /** The audit step the history reaches when saved while the case waited for a person; null otherwise. */
  after_step: string | null;
  /** The protobuf bytes, base64. */
  history: string;
  sha256: string;
  saved_at: string;
}

const columns = `workflow_id, run_id, case_id, complete, event_count, after_step, history, sha256,
  ${isoUtc('saved_at')} AS saved_at`;

/** One run's stored history, or (no run given) the workflow's most recently saved run, complete ones first. */
export async function findWorkflowHistory(store: Store, workflowId: string, runId?: string): Promise<WorkflowHistoryRow | undefined> {
  const [row] =
    runId === undefined
      ? await store.db.query<WorkflowHistoryRow>(
          `SELECT ${columns} FROM workflow_histories WHERE workflow_id = $1 ORDER BY complete DESC, saved_at DESC LIMIT 1`,
          [workflowId],
        )
      : await store.db.query<WorkflowHistoryRow>(`SELECT ${columns} FROM workflow_histories WHERE workflow_id = $1 AND run_id = $2`, [
          workflowId,
          runId,
        ]);
  return row;
}

export interface HistoryToKeep {
  workflowId: string;
  runId: string;
  caseId: string | null;
  complete: boolean;
  eventCount: number;
  afterStep: string | null;
  historyBase64: string;
  sha256: string;
}

/**
 * Keeps a history unless the store already holds it complete or at least as long (two savers racing):
 * returns the row written, or undefined when the stored one was kept.
 */
export async function keepWorkflowHistory(store: Store, h: HistoryToKeep): Promise<WorkflowHistoryRow | undefined> {
  const [row] = await store.db.query<WorkflowHistoryRow>(
    `INSERT INTO workflow_histories (workflow_id, run_id, case_id, complete, event_count, history, sha256, after_step)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (workflow_id, run_id) DO UPDATE SET
       case_id = COALESCE(EXCLUDED.case_id, workflow_histories.case_id), complete = EXCLUDED.complete,
       event_count = EXCLUDED.event_count, history = EXCLUDED.history, sha256 = EXCLUDED.sha256,
       after_step = EXCLUDED.after_step, saved_at = now()
     -- Never replace a complete history, nor a longer one (two savers racing).
     WHERE NOT workflow_histories.complete AND workflow_histories.event_count < EXCLUDED.event_count
     RETURNING ${columns}`,
    [h.workflowId, h.runId, h.caseId, h.complete, h.eventCount, h.historyBase64, h.sha256, h.afterStep],
  );
  return row;
}

/** Closed or failed cases whose complete history the store does not hold yet, by case ID. */
export async function casesWithoutCompleteHistory(
  store: Store,
  options: { batchId?: string; limit?: number } = {},
): Promise<{ case_id: string; workflow_id: string; run_id: string | null }[]> {
  return store.db.query<{ case_id: string; workflow_id: string; run_id: string | null }>(
    `SELECT c.case_id, c.workflow_id, c.run_id FROM cases c
     WHERE c.status IN ('closed', 'failed') AND ($1::text IS NULL OR c.batch_id = $1)
       AND NOT EXISTS (SELECT 1 FROM workflow_histories h
                       WHERE h.workflow_id = c.workflow_id AND h.complete
                         AND (c.run_id IS NULL OR h.run_id = c.run_id))
     ORDER BY c.case_id LIMIT $2`,
    [options.batchId ?? null, options.limit ?? 1000],
  );
}
