import { z } from 'zod';
import { isoUtc } from './sqlTime';
import type { Store } from './store';

export const BatchStatus = z.enum(['running', 'done', 'failed']);
export type BatchStatus = z.infer<typeof BatchStatus>;

/** One submitted intake workbook. */
export const BatchRecord = z.strictObject({
  batchId: z.string().min(1),
  workbookSha256: z.string().regex(/^[0-9a-f]{64}$/),
  fileName: z.string().min(1),
  submittedAt: z.iso.datetime({ offset: true }),
  totalRows: z.number().int().min(0),
  status: BatchStatus,
});
export type BatchRecord = z.infer<typeof BatchRecord>;

/** A row of the workbook that could not become a case, for the result workbook. */
export const IntakeError = z.strictObject({
  rowNumber: z.number().int().min(1),
  sheet: z.string().min(1),
  caseId: z.string().min(1).nullable(),
  field: z.string().min(1),
  message: z.string().min(1),
});
export type IntakeError = z.infer<typeof IntakeError>;

interface BatchRow {
  batch_id: string;
  workbook_sha256: string;
  file_name: string;
  submitted_at: string;
  total_rows: number;
  status: BatchStatus;
}

const batchColumns = `batch_id, workbook_sha256, file_name,
  ${isoUtc('submitted_at')} AS submitted_at, total_rows, status`;

function batchOfRow(row: BatchRow): BatchRecord {
  return {
    batchId: row.batch_id,
    workbookSha256: row.workbook_sha256,
    fileName: row.file_name,
    submittedAt: row.submitted_at,
    totalRows: row.total_rows,
    status: row.status,
  };
}

/** Inserts the batch or replaces what is known about it. */
export async function upsertBatch(store: Store, record: BatchRecord): Promise<BatchRecord> {
  const b = BatchRecord.parse(record);
  const [row] = await store.db.query<BatchRow>(
    `INSERT INTO batches (batch_id, workbook_sha256, file_name, submitted_at, total_rows, status)
     VALUES ($1, $2, $3, $4::text::timestamptz, $5, $6)
     ON CONFLICT (batch_id) DO UPDATE SET
       workbook_sha256 = EXCLUDED.workbook_sha256, file_name = EXCLUDED.file_name,
       submitted_at = EXCLUDED.submitted_at, total_rows = EXCLUDED.total_rows,
       status = EXCLUDED.status, updated_at = now()
     RETURNING ${batchColumns}`,
    [b.batchId, b.workbookSha256, b.fileName, b.submittedAt, b.totalRows, b.status],
  );
  if (!row) throw new Error(`upsertBatch: no row returned for ${b.batchId}`);
  return batchOfRow(row);
}

/** Changes only the status of a batch; false if there is no such batch. */
export async function setBatchStatus(store: Store, batchId: string, status: BatchStatus): Promise<boolean> {
  const rows = await store.db.query('UPDATE batches SET status = $2, updated_at = now() WHERE batch_id = $1 RETURNING batch_id', [
    batchId,
    BatchStatus.parse(status),
  ]);
  return rows.length > 0;
}

/** One batch, or undefined. */
export async function getBatch(store: Store, batchId: string): Promise<BatchRecord | undefined> {
  const [row] = await store.db.query<BatchRow>(`SELECT ${batchColumns} FROM batches WHERE batch_id = $1`, [batchId]);
  return row && batchOfRow(row);
}

/** Whether some batch already took the workbook with this content (its sha256). */
export async function isWorkbookTaken(store: Store, workbookSha256: string): Promise<boolean> {
  const [taken] = await store.db.query('SELECT 1 FROM batches WHERE workbook_sha256 = $1 LIMIT 1', [workbookSha256]);
  return taken !== undefined;
}

/** Records bad rows of a batch; recording the same error twice (a retried activity) keeps one. */
export async function recordIntakeErrors(store: Store, batchId: string, errors: readonly IntakeError[]): Promise<void> {
  for (const error of errors.map((e) => IntakeError.parse(e))) {
    await store.db.query(
      `INSERT INTO intake_errors (batch_id, row_number, sheet, case_id, field, message)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [batchId, error.rowNumber, error.sheet, error.caseId, error.field, error.message],
    );
  }
}

/** The bad rows of a batch in workbook order. */
export async function listIntakeErrors(store: Store, batchId: string): Promise<IntakeError[]> {
  const rows = await store.db.query<{ row_number: number; sheet: string; case_id: string | null; field: string; message: string }>(
    'SELECT row_number, sheet, case_id, field, message FROM intake_errors WHERE batch_id = $1 ORDER BY sheet, row_number, id',
    [batchId],
  );
  return rows.map((row) => ({ rowNumber: row.row_number, sheet: row.sheet, caseId: row.case_id, field: row.field, message: row.message }));
}
