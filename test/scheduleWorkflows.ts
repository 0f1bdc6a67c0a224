/**
 * The workflows of the schedule's integration test: the real scheduled run, and in place of the
 * batch (which needs the bots and the stand-in) one that looks, for every 零星报销 row of the workbook
 * it was given, for its receipts where OCR would read them.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { BatchInput } from '../workflows/types';

export { scheduledIntakeWorkflow } from '../workflows/scheduledIntakeWorkflow';

export interface ReceiptsOfBatch {
  attachmentsDir: string | null;
  /** Per 零星报销 case: the receipt names of its row, and those found on disk. */
  cases: { caseId: string; named: string[]; found: string[] }[];
}

export interface ReceiptActivities {
  receiptsOfBatch(input: BatchInput): Promise<ReceiptsOfBatch>;
}

const { receiptsOfBatch } = proxyActivities<ReceiptActivities>({ startToCloseTimeout: '1 minute' });

export async function batchWorkflow(input: BatchInput): Promise<ReceiptsOfBatch> {
  return receiptsOfBatch(input);
}
