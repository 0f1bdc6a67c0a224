import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendEvent } from './auditTrail';
import { upsertCase } from './caseRegister';
import { AUDIT_PAGE_SIZE, searchAuditTrails, type AuditSearch } from './auditSearch';
import type { Store } from './store';
import { writeAuditedCases } from './testing/auditedCases';
import { backendKinds, type TestBackend } from './testing/backends';
import { describeEachBackend } from './testing/onPostgres';

describeEachBackend(backendKinds, 'auditors’ search on $name', (kind) => {
  let backend: TestBackend;
  let store: Store;
  beforeAll(async () => {
    backend = kind.create();
    store = await backend.open();
    await writeAuditedCases(store);
  });
  afterAll(async () => {
    await store?.close();
    await backend?.cleanup();
  });

  const ids = async (search: AuditSearch) => (await searchAuditTrails(store, search)).rows.map((r) => r.caseId).sort();

  it('finds each kind of human act by the events that show it', async () => {
    expect(await ids({ act: 'override' })).toEqual(['OVR-1']);
    expect(await ids({ act: 'amount-changed' })).toEqual(['AMT-1']);
    expect(await ids({ act: 'corrected' })).toEqual(['COR-1']);
    expect(await ids({ act: 'four-eyes' })).toEqual(['AMT-1', 'OVR-1']);
    expect(await ids({ act: 'returned' })).toEqual(['RET-1']);
    const [ovr] = (await searchAuditTrails(store, { caseId: 'OVR' })).rows;
    // The acts column shows the whole trail's kinds, not only the ones the filter matched.
    expect((await searchAuditTrails(store, { act: 'override' })).rows[0]!.acts).toEqual(['override', 'four-eyes']);
    expect(ovr).toMatchObject({ caseId: 'OVR-1', business: 'lump-sum', outcome: 'reject', acts: ['override', 'four-eyes'] });
  });

  it('takes dates as Beijing days, both ends inclusive', async () => {
    // DEC-1 was decided 2026-10-31 23:30 Beijing: 15:30 UTC the same day, but on the last day of October here.
    expect(await ids({ from: '2026-10-31', to: '2026-10-31' })).toEqual(['DEC-1']);
    expect(await ids({ from: '2026-11-01', to: '2026-11-01' })).toEqual([]);
    expect(await ids({ from: '2026-11-20', to: '2026-11-30' })).toEqual(['RET-1']);
    expect(await ids({ act: 'override', from: '2026-11-12' })).toEqual([]);
  });

  it('filters by business, outcome, failed rule, actor', async () => {
    expect(await ids({ business: 'transfer' })).toEqual(['AUTO-T1', 'RET-1']);
    expect(await ids({ outcome: 'reject' })).toEqual(['OVR-1']);
    // RB-03 failed only in COR-1's first decision; RB-02 is what it fails now.
    expect(await ids({ rule: 'RB-03' })).toEqual(['COR-1']);
    expect(await ids({ rule: 'RB-02' })).toEqual(['COR-1']);
    expect(await ids({ actor: 'chief' })).toEqual(['AMT-1', 'OVR-1']);
    expect((await ids({ actor: 'zhishen-rulebook' })).length).toBe(18);
    expect(await ids({ actor: 'clerk.b', business: 'transfer' })).toEqual(['RET-1']);
    expect(await ids({ caseId: 'AUTO-1' })).toEqual(['AUTO-10', 'AUTO-11', 'AUTO-12']);
  });

  it('pages 50 at a time with the total, newest activity first, and leaves reserved trails out', async () => {
    for (let i = 0; i < 60; i++) {
      const caseId = `BULK-${String(i).padStart(3, '0')}`;
      await upsertCase(store, {
        caseId,
        type: 'outpatient',
        batchId: 'B-2',
        workflowId: `case-${caseId}`,
        runId: 'r',
        status: 'closed',
        outcome: 'approve',
        amount: '1.00',
        reasons: [],
        rowNumber: i + 2,
      });
      await appendEvent(store, {
        caseId,
        workflowId: `case-${caseId}`,
        runId: 'r',
        step: 'intake',
        actor: { kind: 'system', name: 'zhishen' },
        at: new Date(Date.UTC(2026, 10, 25, 0, i)).toISOString(),
        inputs: {},
        ruleSetVersion: null,
        outcome: null,
        evidence: [],
        idempotencyKey: 'intake',
      });
    }
    await appendEvent(store, {
      caseId: '_admin',
      workflowId: 'user-admin',
      runId: 'console',
      step: 'user-added',
      actor: { kind: 'user', name: 'admin' },
      at: '2026-11-25T08:00:00+08:00',
      inputs: {},
      ruleSetVersion: null,
      outcome: null,
      evidence: [],
      idempotencyKey: 'x',
    });
    const first = await searchAuditTrails(store, { business: 'outpatient' }, 1);
    expect(first.total).toBe(60);
    expect(first.rows).toHaveLength(AUDIT_PAGE_SIZE);
    expect(first.rows[0]!.caseId).toBe('BULK-059');
    const second = await searchAuditTrails(store, { business: 'outpatient' }, 2);
    expect(second.rows.map((r) => r.caseId)).toEqual([
      'BULK-009',
      'BULK-008',
      'BULK-007',
      'BULK-006',
      'BULK-005',
      'BULK-004',
      'BULK-003',
      'BULK-002',
      'BULK-001',
      'BULK-000',
    ]);
    expect((await searchAuditTrails(store, { business: 'outpatient' }, 9)).total).toBe(60);
    expect((await searchAuditTrails(store, { business: 'outpatient' }, 'all')).rows).toHaveLength(60);
    expect(await ids({ from: '2026-11-25', to: '2026-11-25', actor: 'admin' })).toEqual([]);
  });

  it('refuses a malformed filter', async () => {
    await expect(searchAuditTrails(store, { from: '2026-13-01' })).rejects.toThrow();
    await expect(searchAuditTrails(store, { act: 'bribe' } as never)).rejects.toThrow();
  });
});
