import { expect, it } from 'vitest';
import { getBatch, isWorkbookTaken, listIntakeErrors, recordIntakeErrors, setBatchStatus, upsertBatch } from './batches';
import { getCase, listCasesByBatch, listCasesByStatus, upsertCase, type CaseRecord } from './caseRegister';
import type { Store } from './store';
import { backendKinds, storeForSuite } from './testing/backends';
import { describeEachBackend } from './testing/onPostgres';

function sampleCase(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    caseId: 'YB2025-000001',
    type: 'outpatient',
    batchId: 'B-1',
    workflowId: 'case-YB2025-000001',
    runId: 'run-1',
    status: 'running',
    outcome: null,
    amount: null,
    reasons: [],
    rowNumber: 2,
    ...overrides,
  };
}

describeEachBackend(backendKinds, 'case register on $name', (kind) => {
  let store: Store;
  storeForSuite(kind, (opened) => (store = opened));

  it('inserts a case, then replaces it on upsert, keeping money as a two-decimal string', async () => {
    const inserted = await upsertCase(store, sampleCase());
    expect(inserted).toMatchObject(sampleCase());
    const decided = await upsertCase(
      store,
      sampleCase({ status: 'closed', outcome: 'approve', amount: '1234.5', reasons: ['R07', 'R12'] }),
    );
    expect(decided).toMatchObject({ status: 'closed', outcome: 'approve', amount: '1234.50', reasons: ['R07', 'R12'] });
    expect(await getCase(store, 'YB2025-000001')).toEqual(decided);
    expect(await getCase(store, 'NO-SUCH-CASE')).toBeUndefined();
  });

  it('keeps large amounts exact', async () => {
    const stored = await upsertCase(store, sampleCase({ caseId: 'BIG-1', amount: '999999999999.99' }));
    expect(stored.amount).toBe('999999999999.99');
  });

  it('lists the cases of a batch in workbook row order, and cases by status', async () => {
    await upsertCase(store, sampleCase({ caseId: 'L-3', batchId: 'B-LIST', rowNumber: 4, status: 'review' }));
    await upsertCase(store, sampleCase({ caseId: 'L-1', batchId: 'B-LIST', rowNumber: 2 }));
    await upsertCase(store, sampleCase({ caseId: 'L-2', batchId: 'B-LIST', rowNumber: 3, status: 'review' }));
    await upsertCase(store, sampleCase({ caseId: 'OTHER', batchId: 'B-OTHER', rowNumber: 2 }));
    expect((await listCasesByBatch(store, 'B-LIST')).map((c) => c.caseId)).toEqual(['L-1', 'L-2', 'L-3']);
    expect((await listCasesByStatus(store, 'review')).map((c) => c.caseId)).toEqual(['L-3', 'L-2']);
  });

  it('refuses a float amount or an unknown status', async () => {
    await expect(upsertCase(store, sampleCase({ amount: 12.5 as unknown as string }))).rejects.toThrow();
    await expect(upsertCase(store, sampleCase({ amount: '12.505' }))).rejects.toThrow();
    await expect(upsertCase(store, sampleCase({ status: 'done' as CaseRecord['status'] }))).rejects.toThrow();
  });

  it('records batches and their bad rows, once even when recorded twice', async () => {
    const batch = {
      batchId: 'B-2025-03-03',
      workbookSha256: 'b'.repeat(64),
      fileName: '门诊报销-3月.xlsx',
      submittedAt: '2025-03-03T09:00:00+08:00',
      totalRows: 120,
      status: 'running' as const,
    };
    expect(await upsertBatch(store, batch)).toEqual({ ...batch, submittedAt: '2025-03-03T01:00:00.000Z' });
    expect(await setBatchStatus(store, batch.batchId, 'done')).toBe(true);
    expect(await setBatchStatus(store, 'NO-SUCH-BATCH', 'done')).toBe(false);
    expect((await getBatch(store, batch.batchId))?.status).toBe('done');

    const errors = [
      { rowNumber: 7, sheet: '门诊', caseId: null, field: '身份证号', message: '校验位错误' },
      { rowNumber: 3, sheet: '门诊', caseId: 'YB2025-000003', field: '金额', message: '不是金额' },
    ];
    await recordIntakeErrors(store, batch.batchId, errors);
    await recordIntakeErrors(store, batch.batchId, errors);
    expect(await listIntakeErrors(store, batch.batchId)).toEqual([errors[1], errors[0]]);
  });

  it('knows which workbook contents a batch has taken', async () => {
    const sha256 = 'c'.repeat(64);
    expect(await isWorkbookTaken(store, sha256)).toBe(false);
    await upsertBatch(store, {
      batchId: 'B-TAKEN',
      workbookSha256: sha256,
      fileName: 'a.xlsx',
      submittedAt: '2025-03-04T09:00:00+08:00',
      totalRows: 1,
      status: 'running',
    });
    expect(await isWorkbookTaken(store, sha256)).toBe(true);
    expect(await isWorkbookTaken(store, 'd'.repeat(64))).toBe(false);
  });
});
