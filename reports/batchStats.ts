/**
 * What a manager sees of a batch, from the store: progress by business and outcome, throughput by
 * hour, exception rate by rule, SLA state of open reviews. The dashboard and the summary PDF share it.
 */
import { slaState, type SlaState } from '../store/reviewQueue';
import type { AuditStep, Store } from '../store';
import { beijingHour } from '../time/beijing';

/** The steps at which the rules have had their say on a case: a decision, or the exception that stopped them. */
const RULES_SPOKEN: readonly [AuditStep, AuditStep] = ['decided', 'exception'];

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

export interface BatchStats extends BatchOverview {
  byType: Array<{
    type: string;
    total: number;
    done: number;
    approve: number;
    reject: number;
    review: number;
    failed: number;
    running: number;
  }>;
  /** Cases whose rules decision (or exception) was recorded, per Beijing hour (`2026-12-02 00:00`, its start). */
  throughput: Array<{ hour: string; decided: number }>;
  /** Share of the batch's decided cases in which each rule (or exception code) failed. */
  exceptionRates: Array<{ rule: string; cases: number; rate: number }>;
  sla: Record<SlaState, number> & { open: number };
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

/** Everything the dashboard shows of one batch; undefined for an unknown batch. */
export async function batchStats(store: Store, batchId: string, now = new Date()): Promise<BatchStats | undefined> {
  const [row] = await store.db.query<OverviewRow>(`${overviewSql} WHERE b.batch_id = $1`, [batchId]);
  if (!row) return undefined;
  const overview = overviewOf(row);

  const typeRows = await store.db.query<{ type: string; status: string | null; outcome: string | null; n: string | number }>(
    `SELECT r.type, c.status, c.outcome, count(*) AS n FROM batch_rows r LEFT JOIN cases c ON c.case_id = r.case_id
     WHERE r.batch_id = $1 GROUP BY r.type, c.status, c.outcome`,
    [batchId],
  );
  const byType = new Map<string, BatchStats['byType'][number]>();
  for (const t of typeRows) {
    const entry = byType.get(t.type) ?? { type: t.type, total: 0, done: 0, approve: 0, reject: 0, review: 0, failed: 0, running: 0 };
    const n = Number(t.n);
    entry.total += n;
    if (t.status === null || t.status === 'running') entry.running += n;
    else {
      entry.done += n;
      if (t.status === 'failed') entry.failed += n;
      else if (t.outcome === 'approve' || t.outcome === 'reject' || t.outcome === 'review') entry[t.outcome] += n;
    }
    byType.set(t.type, entry);
  }

  const throughput = await store.db.query<{ hour: string; decided: string | number }>(
    `SELECT to_char(date_trunc('hour', a.at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24":00Z"') AS hour, count(DISTINCT a.case_id) AS decided
     FROM audit_events a JOIN batch_rows r ON r.case_id = a.case_id AND r.batch_id = $1
     WHERE a.step IN ($2, $3) GROUP BY 1 ORDER BY 1`,
    [batchId, ...RULES_SPOKEN],
  );

  const rules = await store.db.query<{ rule: string; n: string | number }>(
    `SELECT reason AS rule, count(DISTINCT c.case_id) AS n
     FROM batch_rows r JOIN cases c ON c.case_id = r.case_id, jsonb_array_elements_text(c.reasons) AS reason
     WHERE r.batch_id = $1 GROUP BY reason ORDER BY count(DISTINCT c.case_id) DESC, reason`,
    [batchId],
  );
  const decidedCases = [...byType.values()].reduce((sum, t) => sum + t.approve + t.reject + t.review, 0);

  const open = await store.db.query<{ sla_reminder: string | null; sla_deadline: string | null }>(
    `SELECT to_char(c.sla_reminder AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS sla_reminder,
            to_char(c.sla_deadline AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS sla_deadline
     FROM batch_rows r JOIN cases c ON c.case_id = r.case_id WHERE r.batch_id = $1 AND c.status = 'review'`,
    [batchId],
  );
  const sla = { 'on-time': 0, 'due-soon': 0, overdue: 0, open: open.length };
  for (const o of open) {
    const state = slaState(o.sla_reminder, o.sla_deadline, now);
    if (state) sla[state] += 1;
  }

  return {
    ...overview,
    byType: [...byType.values()].sort((a, b) => a.type.localeCompare(b.type)),
    // Beijing is a whole number of hours from UTC: each UTC hour is exactly one Beijing hour.
    throughput: throughput.map((t) => ({ hour: beijingHour(t.hour), decided: Number(t.decided) })),
    exceptionRates: rules.map((r) => ({ rule: r.rule, cases: Number(r.n), rate: decidedCases === 0 ? 0 : Number(r.n) / decidedCases })),
    sla,
  };
}
