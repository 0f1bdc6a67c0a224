import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factsFromRecords } from '../fixtures/legacy-system/facts';
import type { FactsQuery } from './facts';
import { createBrowserPool, type BrowserPool } from './pool';
import { readFacts } from './readFacts';
import { queryFor, startSeededStandIn, TEST_CREDENTIALS, type SeededStandIn } from './testing';

let standIn: SeededStandIn;
let pool: BrowserPool;
const NO_CATEGORY_ID = '440402196001010016';
const UNKNOWN_ID = '110101199001011237';

beforeAll(async () => {
  standIn = await startSeededStandIn({
    generated: 18,
    // Small pages, so that reading the reimbursed invoices has to page through them.
    faults: { pageSize: 4 },
    adjust(data) {
      const lumpSumPerson = Object.values(data.persons).find((p) => p.contributions !== null)!;
      data.persons[NO_CATEGORY_ID] = { ...lumpSumPerson, idNumber: NO_CATEGORY_ID, originalRetirementAge: null };
      // Several payments of one year and kind add up; other years and kinds do not count.
      const claimant = Object.values(data.persons).find((p) => p.fundPayments.length > 0)!;
      const [paid] = claimant.fundPayments;
      claimant.fundPayments.push(
        { year: paid!.year, kind: paid!.kind, amount: '1234.56' },
        { year: paid!.year - 1, kind: paid!.kind, amount: '999.99' },
        { year: paid!.year, kind: paid!.kind === 'inpatient' ? 'outpatient' : 'inpatient', amount: '88.80' },
      );
    },
  });
  pool = createBrowserPool({ size: 2, legacyUrl: standIn.system.url, credentials: TEST_CREDENTIALS });
});
afterAll(async () => {
  await pool?.close();
  await standIn?.system.close();
});

/** Reads every query through the screens, two sessions at a time, in query order. */
async function readAll(queries: FactsQuery[]) {
  const results = new Array<unknown>(queries.length);
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      for (let i = next++; i < queries.length; i = next++) results[i] = await pool.withSession((s) => readFacts(s, queries[i]!));
    }),
  );
  return results;
}

describe('readFacts reproduces factsFromRecords by reading the screens', () => {
  it('for every worked example and generated case of all three businesses', async () => {
    const queries = standIn.caseFiles.map(queryFor);
    expect(new Set(queries.map((q) => q.type)).size).toBe(3);
    expect(queries.length).toBeGreaterThanOrEqual(40);
    const read = await readAll(queries);
    queries.forEach((query, i) => {
      expect({ caseId: standIn.caseFiles[i]!.caseId, reading: read[i] }).toEqual({
        caseId: standIn.caseFiles[i]!.caseId,
        reading: factsFromRecords(standIn.data, query),
      });
    });
    expect(read.every((r) => (r as { ok: boolean }).ok)).toBe(true);
  });

  it('for the business faults a clerk must resolve, code and message alike', async () => {
    const byType = (t: string) => standIn.caseFiles.find((c) => c.type === t)!;
    const lumpSum = queryFor(byType('lump-sum'));
    const transfer = queryFor(byType('transfer'));
    const reimbursement = queryFor(byType('reimbursement'));
    const claimant = Object.values(standIn.data.persons).find((p) => p.fundPayments.length > 3)!;
    const [paid] = claimant.fundPayments;
    const queries: FactsQuery[] = [
      { ...lumpSum, idNumber: UNKNOWN_ID },
      { ...lumpSum, name: '张冒名' },
      { ...transfer, type: 'lump-sum' },
      { ...lumpSum, idNumber: NO_CATEGORY_ID },
      { ...lumpSum, type: 'transfer' },
      { ...reimbursement, hospitalCode: 'H99999999' },
      { ...reimbursement, hospitalCode: undefined },
      {
        ...lumpSum,
        type: 'reimbursement',
        hospitalCode: reimbursement.hospitalCode,
        admissionDate: reimbursement.admissionDate,
        visitKind: 'outpatient',
      },
      {
        type: 'reimbursement',
        idNumber: claimant.idNumber,
        name: claimant.name,
        hospitalCode: reimbursement.hospitalCode,
        admissionDate: `${paid!.year}-06-01`,
        visitKind: paid!.kind,
      },
    ];
    const read = await readAll(queries);
    const expected = queries.map((q) => factsFromRecords(standIn.data, q));
    expect(expected.slice(0, 7).map((e) => (e.ok ? 'ok' : e.code))).toEqual([
      'SYS-PERSON-NOT-FOUND',
      'SYS-NAME-MISMATCH',
      'SYS-NO-CONTRIBUTIONS',
      'SYS-NO-CATEGORY',
      'SYS-NO-TRANSFER',
      'SYS-HOSPITAL-UNKNOWN',
      'SYS-HOSPITAL-UNKNOWN',
    ]);
    expect(read).toEqual(expected);
  });
});
