import { expect, it } from 'vitest';
import { batchRowsInTurn, batchRowsPage, recordBatchRows } from './batchRows';
import type { Store } from './store';
import { backendKinds, storeForSuite } from './testing/backends';
import { describeEachBackend } from './testing/onPostgres';

/** A workbook's rows sheet by sheet: 4 趸缴, 2 转移, 2 零星报销. */
const workbookRows = [
  ...[0, 1, 2, 3].map((i) => ({ caseId: `LS-${i}`, type: 'lump-sum', sheet: '趸缴', rowNumber: i + 2, row: { i } })),
  ...[0, 1].map((i) => ({ caseId: `TR-${i}`, type: 'transfer', sheet: '关系转移', rowNumber: i + 2, row: { i } })),
  ...[0, 1].map((i) => ({ caseId: `RB-${i}`, type: 'reimbursement', sheet: '零星报销', rowNumber: i + 2, row: { i } })),
];

async function allPages(read: (offset: number, limit: number) => Promise<{ caseId: string }[]>, limit: number): Promise<string[]> {
  const ids: string[] = [];
  for (let page = await read(0, limit); page.length > 0; page = await read(ids.length, limit)) ids.push(...page.map((r) => r.caseId));
  return ids;
}

describeEachBackend(backendKinds, 'a batch’s rows on $name', (kind) => {
  let store: Store;
  storeForSuite(kind, (opened) => (store = opened));

  it('hands the rows out page by page with the businesses spread over the batch, and keeps workbook order for the results', async () => {
    await recordBatchRows(store, 'B-turns', workbookRows);
    const inTurn = await allPages((offset, limit) => batchRowsInTurn(store, 'B-turns', offset, limit), 3);
    expect(inTurn).toEqual(['LS-0', 'TR-0', 'RB-0', 'LS-1', 'LS-2', 'TR-1', 'RB-1', 'LS-3']);
    const inWorkbook = await allPages((offset, limit) => batchRowsPage(store, 'B-turns', offset, limit), 3);
    expect(inWorkbook).toEqual(workbookRows.map((r) => r.caseId));
    const [third] = await batchRowsInTurn(store, 'B-turns', 2, 1);
    expect(third).toMatchObject({ caseId: 'RB-0', position: 6, sheet: '零星报销', rowNumber: 2, row: { i: 0 } });
  });

  it('changes nothing when the rows are recorded again, as a retried intake does', async () => {
    await recordBatchRows(store, 'B-again', workbookRows);
    const before = await batchRowsInTurn(store, 'B-again', 0, 100);
    await recordBatchRows(store, 'B-again', workbookRows);
    expect(await batchRowsInTurn(store, 'B-again', 0, 100)).toEqual(before);
    expect(before).toHaveLength(workbookRows.length);
  });
});
