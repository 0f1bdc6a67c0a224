import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResultReport, writeResultReport, type ResultRow } from './report';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ROWS: ResultRow[] = [
  {
    caseId: 'LS-2025-0002',
    sheet: '趸缴',
    rowNumber: 2,
    type: 'lump-sum',
    outcome: 'approve',
    amount: '41174.51',
    reasons: [],
    reasonsText: '',
    messages: '',
    link: 'http://localhost:8233/namespaces/default/workflows/case-LS-2025-0002',
  },
  {
    caseId: 'LS-2024-0005',
    sheet: '趸缴',
    rowNumber: 3,
    type: 'lump-sum',
    outcome: 'reject',
    amount: null,
    reasons: ['LS-02', 'LS-08'],
    reasonsText: 'LS-02 未办理退休，不予受理；LS-08 已满年限，无需趸缴',
    messages: '退休日期为空',
    link: 'http://localhost:8233/namespaces/default/workflows/case-LS-2024-0005',
  },
  {
    caseId: 'RB-2026-0020',
    sheet: '零星报销',
    rowNumber: 2,
    type: 'reimbursement',
    outcome: 'review',
    amount: '593.10',
    reasons: ['RB-04'],
    reasonsText: 'RB-04 大写金额与小写不符，转人工',
    messages: '大写金额 伍佰玖拾叁元整 ≠ 小写 593.10',
    link: 'http://localhost:8233/namespaces/default/workflows/case-RB-2026-0020',
  },
  {
    caseId: null,
    sheet: '转移接续',
    rowNumber: 7,
    type: 'transfer',
    outcome: 'error',
    amount: null,
    reasons: [],
    reasonsText: '身份证号：身份证号为空',
    messages: '身份证号为空',
    link: null,
  },
];

describe('writeResultReport', () => {
  it('writes 结果 and reads it back unchanged', async () => {
    const target = path.join(dir, 'report.xlsx');
    await writeResultReport(target, ROWS);
    expect(await readResultReport(target)).toEqual(ROWS);
  });

  it('has the contract headers, Chinese outcome words, text amounts, hyperlinks, a frozen header and an autofilter', async () => {
    const target = path.join(dir, 'report2.xlsx');
    await writeResultReport(target, ROWS);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(target);
    const sheet = workbook.getWorksheet('结果')!;
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      '案件编号',
      '业务',
      '工作表',
      '行号',
      '结果',
      '结果说明',
      '金额',
      '原因',
      '原因说明',
      '提示',
      '链接',
    ]);
    expect([2, 3, 4, 5].map((r) => sheet.getRow(r).getCell(6).value)).toEqual(['通过', '不予受理', '转人工', '数据错误']);
    expect(sheet.getCell('G4').value).toBe('593.10');
    expect(sheet.getCell('K2').value).toMatchObject({ hyperlink: ROWS[0]!.link });
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBeTruthy();
  });

  it('counts rows by business and outcome on 汇总, with exact amount totals', async () => {
    const target = path.join(dir, 'report3.xlsx');
    await writeResultReport(target, ROWS);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(target);
    const summary = workbook.getWorksheet('汇总')!;
    const rows = [2, 3, 4, 5].map((r) => (summary.getRow(r).values as unknown[]).slice(1));
    expect(rows).toEqual([
      ['趸缴', 1, 1, 0, 0, 2, '41174.51'],
      ['关系转移接续', 0, 0, 0, 1, 1, '0.00'],
      ['零星报销', 0, 0, 1, 0, 1, '593.10'],
      ['合计', 1, 1, 1, 1, 4, '41767.61'],
    ]);
  });
});
