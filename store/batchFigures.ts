/**
 * The figures of a batch as the store holds them: its overview, its cases by business, status and
 * outcome, decisions per hour, rules failed, deadlines of open reviews. reports/batchStats.ts shapes
 * them for the dashboard and the summary PDF.
 */
import type { AuditStep } from './auditSteps';
import type { Store } from './store';

export interface BatchOverview {
  batchId: string;
  fileName: string;
  submittedAt: string;
  status: string;
  totalRows: number;
  invalidRows: number;
  /** Cases of the batch (valid rows). */
  cases: number;
  /** Cases the bots are done with: closed, in review, or failed. */
  done: number;
}

interface OverviewRow {
  batch_id: string;
  file_name: string;
  submitted_at: string;
  status: string;
  total_rows: number;
  invalid_rows: string | number;
  cases: string | number;
  done: string | number;
}

const overviewSql = `SELECT b.batch_id, b.file_name,
    to_char(b.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS submitted_at, b.status, b.total_rows,
    (SELECT count(DISTINCT (e.sheet, e.row_number)) FROM intake_errors e WHERE e.batch_id = b.batch_id) AS invalid_rows,
    (SELECT count(*) FROM batch_rows r WHERE r.batch_id = b.batch_id) AS cases,
    (SELECT count(*) FROM batch_rows r JOIN cases c ON c.case_id = r.case_id WHERE r.batch_id = b.batch_id AND c.status <> 'running') AS done
  FROM batches b`;

const overviewOf = (r: OverviewRow): BatchOverview => ({
  batchId: r.batch_id,
  fileName: r.file_name,
  submittedAt: r.submitted_at,
  status: r.status,
  totalRows: r.total_rows,
  invalidRows: Number(r.invalid_rows),
  cases: Number(r.cases),
  done: Number(r.done),
});

/** The latest batches, newest first. */
export async function listBatchOverviews(store: Store, limit = 20): Promise<BatchOverview[]> {
  const rows = await store.db.query<OverviewRow>(`${overviewSql} ORDER BY b.submitted_at DESC, b.batch_id LIMIT $1`, [limit]);
  return rows.map(overviewOf);
}

/** One batch's overview; undefined for an unknown batch. */
export async function batchOverview(store: Store, batchId: string): Promise<BatchOverview | undefined> {
  const [row] = await store.db.query<OverviewRow>(`${overviewSql} WHERE b.batch_id = $1`, [batchId]);
  return row && overviewOf(row);
}

/** The batch's cases counted by business, status and outcome (status null: not registered yet). */
export async function batchCaseCounts(
  store: Store,
  batchId: string,
): Promise<{ type: string; status: string | null; outcome: string | null; n: number }[]> {
  const rows = await store.db.query<{ type: string; status: string | null; outcome: string | null; n: string | number }>(
    `SELECT r.type, c.status, c.outcome, count(*) AS n FROM batch_rows r LEFT JOIN cases c ON c.case_id = r.case_id
     WHERE r.batch_id = $1 GROUP BY r.type, c.status, c.outcome`,
    [batchId],
  );
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

/** Cases of the batch that reached one of `steps`, per UTC hour (`2026-12-01T16:00Z`), in order. */
export async function batchCasesPerHour(
  store: Store,
  batchId: string,
  steps: readonly [AuditStep, AuditStep],
): Promise<{ hour: string; cases: number }[]> {
  const rows = await store.db.query<{ hour: string; n: string | number }>(
    `SELECT to_char(date_trunc('hour', a.at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24":00Z"') AS hour, count(DISTINCT a.case_id) AS n
     FROM audit_events a JOIN batch_rows r ON r.case_id = a.case_id AND r.batch_id = $1
     WHERE a.step IN ($2, $3) GROUP BY 1 ORDER BY 1`,
    [batchId, ...steps],
  );
  return rows.map((r) => ({ hour: r.hour, cases: Number(r.n) }));
}

/** How many of the batch's cases each rule (or exception code) failed, most first. */
export async function batchFailedRules(store: Store, batchId: string): Promise<{ rule: string; cases: number }[]> {
  const rows = await store.db.query<{ rule: string; n: string | number }>(
    `SELECT reason AS rule, count(DISTINCT c.case_id) AS n
     FROM batch_rows r JOIN cases c ON c.case_id = r.case_id, jsonb_array_elements_text(c.reasons) AS reason
     WHERE r.batch_id = $1 GROUP BY reason ORDER BY count(DISTINCT c.case_id) DESC, reason`,
    [batchId],
  );
  return rows.map((r) => ({ rule: r.rule, cases: Number(r.n) }));
}

/** The reminder and deadline (UTC ISO) of each of the batch's cases waiting for a clerk. */
export async function batchOpenReviewDeadlines(
  store: Store,
  batchId: string,
): Promise<{ sla_reminder: string | null; sla_deadline: string | null }[]> {
  return store.db.query<{ sla_reminder: string | null; sla_deadline: string | null }>(
    `SELECT to_char(c.sla_reminder AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS sla_reminder,
            to_char(c.sla_deadline AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS sla_deadline
     FROM batch_rows r JOIN cases c ON c.case_id = r.case_id WHERE r.batch_id = $1 AND c.status = 'review'`,
    [batchId],
  );
}
