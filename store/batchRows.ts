import { inProcessingOrder } from '../intake/processingOrder';
import type { Store } from './store';

/** A valid intake row of a batch, with its place in the batch's workbook order. */
export interface BatchRow {
  position: number;
  caseId: string;
  type: string;
  sheet: string;
  rowNumber: number;
  row: unknown;
}

interface BatchRowRecord {
  position: number;
  case_id: string;
  type: string;
  sheet: string;
  row_number: number;
  row: unknown;
}

const ofRecord = (r: BatchRowRecord): BatchRow => ({
  position: r.position,
  caseId: r.case_id,
  type: r.type,
  sheet: r.sheet,
  rowNumber: r.row_number,
  row: r.row,
});

/**
 * Records a batch's valid rows, given in workbook order, each with its turn in the batch's processing
 * order; recording them again (a retried activity) changes nothing.
 */
export async function recordBatchRows(store: Store, batchId: string, rows: readonly Omit<BatchRow, 'position'>[]): Promise<void> {
  const positions = new Map(rows.map((row, position) => [row, position]));
  const turns = new Map(inProcessingOrder(rows).map((row, turn) => [row, turn]));
  const chunk = 200;
  for (let start = 0; start < rows.length; start += chunk) {
    const slice = rows.slice(start, start + chunk);
    const params: unknown[] = [];
    const values = slice.map((r, i) => {
      params.push(batchId, positions.get(r), turns.get(r), r.caseId, r.type, r.sheet, r.rowNumber, JSON.stringify(r.row));
      const o = i * 8;
      return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}, $${o + 7}, $${o + 8}::text::jsonb)`;
    });
    await store.db.query(
      `INSERT INTO batch_rows (batch_id, position, turn, case_id, type, sheet, row_number, row)
       VALUES ${values.join(', ')} ON CONFLICT DO NOTHING`,
      params,
    );
  }
}

/** A page of a batch's valid rows in the order the batch works through them. */
export async function batchRowsInTurn(store: Store, batchId: string, offset: number, limit: number): Promise<BatchRow[]> {
  const rows = await store.db.query<BatchRowRecord>(
    'SELECT position, case_id, type, sheet, row_number, row FROM batch_rows WHERE batch_id = $1 AND turn >= $2 ORDER BY turn LIMIT $3',
    [batchId, offset, limit],
  );
  return rows.map(ofRecord);
}

/** A page of a batch's valid rows in workbook order. */
export async function batchRowsPage(store: Store, batchId: string, offset: number, limit: number): Promise<BatchRow[]> {
  const rows = await store.db.query<BatchRowRecord>(
    'SELECT position, case_id, type, sheet, row_number, row FROM batch_rows WHERE batch_id = $1 AND position >= $2 ORDER BY position LIMIT $3',
    [batchId, offset, limit],
  );
  return rows.map(ofRecord);
}
