import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readIntakeWorkbook } from './readWorkbook';
import { COLUMNS } from './sheets';
import { TEMPLATE_ROWS, validationsOf, writeIntakeTemplate } from './template';

let dir: string;
let workbook: ExcelJS.Workbook;
let target: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'template-'));
  target = path.join(dir, 'template.xlsx');
  await writeIntakeTemplate(target);
  workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(target);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sheet = (name: string) => workbook.getWorksheet(name)!;
const columnOf = (ws: ExcelJS.Worksheet, header: string) => {
  let found = 0;
  ws.getRow(1).eachCell((cell, col) => {
    if (cell.value === header) found = col;
  });
  return ws.getColumn(found);
};

describe('writeIntakeTemplate', () => {
  it('has the four data sheets with their headers, notes on every header, and a 说明 sheet', () => {
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['趸缴', '转移接续', '零星报销', '费用明细', '说明']);
    for (const [name, specs] of Object.entries(COLUMNS)) {
      const header = sheet(name).getRow(1);
      expect(specs.map((_, i) => header.getCell(i + 1).value)).toEqual(specs.map((s) => s.header));
      for (let i = 1; i <= specs.length; i++) expect(JSON.stringify(header.getCell(i).note)).toContain('必填');
      expect(sheet(name).views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    }
    const notes = sheet('说明').getColumn(4).values.join('\n');
    for (const spec of Object.values(COLUMNS).flat()) expect(notes).toContain(spec.help);
  });

  it('validates the choice, date, 身份证号 and amount columns, and keeps IDs as text', () => {
    const rb = sheet('零星报销');
    const at = (ws: ExcelJS.Worksheet, header: string, row: number) => validationsOf(ws).model[`${columnOf(ws, header).letter}${row}`];
    expect(at(rb, '就诊类型', 2)).toMatchObject({ type: 'list', formulae: ['"住院,门诊"'] });
    expect(at(rb, '异地就医', TEMPLATE_ROWS + 1)).toMatchObject({ type: 'list', formulae: ['"本地,已备案,转诊,未备案"'] });
    expect(at(sheet('费用明细'), '类别', 500)).toMatchObject({ type: 'list', formulae: ['"甲,乙,丙"'] });
    expect(at(sheet('费用明细'), '金额', 2)).toMatchObject({ type: 'decimal' });
    for (const header of ['申请日期', '入院日期', '出院日期'])
      expect(at(rb, header, 2)).toMatchObject({ type: 'date', operator: 'between' });
    expect(at(sheet('趸缴'), '身份证号', 2)).toMatchObject({ type: 'textLength', formulae: [18] });
    for (const name of ['趸缴', '转移接续', '零星报销']) {
      expect(columnOf(sheet(name), '身份证号').numFmt).toBe('@');
      expect(columnOf(sheet(name), '案件编号').numFmt).toBe('@');
    }
    expect(columnOf(rb, '票据').width).toBeGreaterThan(20);
  });

  it('reads back as an empty batch', async () => {
    const result = await readIntakeWorkbook(target);
    expect(result).toMatchObject({ rows: [], errors: [], stats: { cases: 0 } });
  });
});
