import { z } from 'zod';
import { isoUtc } from './sqlTime';
import type { Store } from './store';

/** Money is a decimal string with at most two places, never a float. */
const Money = z.string().regex(/^-?\d{1,12}(\.\d{1,2})?$/, 'decimal string like "1234.50"');

/** 'decided': decided, not yet in the core system (待录入); 'returned': waiting for documents (退回补正). */
export const CaseStatus = z.enum(['running', 'review', 'decided', 'returned', 'closed', 'failed']);
export type CaseStatus = z.infer<typeof CaseStatus>;

/** Where one case stands now; its history is in the audit trail. */
export const CaseRecord = z.strictObject({
  caseId: z.string().min(1),
  type: z.string().min(1),
  batchId: z.string().min(1).nullable(),
  workflowId: z.string().min(1),
  runId: z.string().min(1).nullable(),
  status: CaseStatus,
  outcome: z.string().min(1).nullable(),
  amount: Money.nullable(),
  reasons: z.array(z.string()),
  rowNumber: z.number().int().min(1).nullable(),
});
export type CaseRecord = z.infer<typeof CaseRecord>;
export type StoredCase = CaseRecord & { updatedAt: string };

interface CaseRow {
  case_id: string;
  type: string;
  batch_id: string | null;
  workflow_id: string;
  run_id: string | null;
  status: CaseStatus;
  outcome: string | null;
  amount: string | null;
  reasons: string[];
  row_number: number | null;
  updated_at: string;
}

// amount::text keeps the two decimals ("1234.50") on both drivers.
const caseColumns = `case_id, type, batch_id, workflow_id, run_id, status, outcome, amount::text AS amount,
  reasons, row_number, ${isoUtc('updated_at')} AS updated_at`;

function caseOfRow(row: CaseRow): StoredCase {
  return {
    caseId: row.case_id,
    type: row.type,
    batchId: row.batch_id,
    workflowId: row.workflow_id,
    runId: row.run_id,
    status: row.status,
    outcome: row.outcome,
    amount: row.amount,
    reasons: row.reasons,
    rowNumber: row.row_number,
    updatedAt: row.updated_at,
  };
}

/** Inserts the case or replaces everything known about it; returns it as stored. */
export async function upsertCase(store: Store, record: CaseRecord): Promise<StoredCase> {
  const c = CaseRecord.parse(record);
  const [row] = await store.db.query<CaseRow>(
    `INSERT INTO cases (case_id, type, batch_id, workflow_id, run_id, status, outcome, amount, reasons, row_number, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::numeric, $9::text::jsonb, $10, now())
     ON CONFLICT (case_id) DO UPDATE SET
       type = EXCLUDED.type, batch_id = EXCLUDED.batch_id, workflow_id = EXCLUDED.workflow_id,
       run_id = EXCLUDED.run_id, status = EXCLUDED.status, outcome = EXCLUDED.outcome,
       amount = EXCLUDED.amount, reasons = EXCLUDED.reasons, row_number = EXCLUDED.row_number,
       updated_at = now()
     RETURNING ${caseColumns}`,
    [c.caseId, c.type, c.batchId, c.workflowId, c.runId, c.status, c.outcome, c.amount, JSON.stringify(c.reasons), c.rowNumber],
  );
  if (!row) throw new Error(`upsertCase: no row returned for ${c.caseId}`);
  return caseOfRow(row);
}

/** One case, or undefined if the register has never heard of it. */
export async function getCase(store: Store, caseId: string): Promise<StoredCase | undefined> {
  const [row] = await store.db.query<CaseRow>(`SELECT ${caseColumns} FROM cases WHERE case_id = $1`, [caseId]);
  return row && caseOfRow(row);
}

/** The cases of one batch in workbook row order. */
export async function listCasesByBatch(store: Store, batchId: string): Promise<StoredCase[]> {
  const rows = await store.db.query<CaseRow>(
    `SELECT ${caseColumns} FROM cases WHERE batch_id = $1 ORDER BY row_number NULLS LAST, case_id`,
    [batchId],
  );
  return rows.map(caseOfRow);
}

/** Cases in one status (e.g. the review inbox), oldest update first. */
export async function listCasesByStatus(store: Store, status: CaseStatus): Promise<StoredCase[]> {
  const rows = await store.db.query<CaseRow>(`SELECT ${caseColumns} FROM cases WHERE status = $1 ORDER BY updated_at, case_id`, [
    CaseStatus.parse(status),
  ]);
  return rows.map(caseOfRow);
}
