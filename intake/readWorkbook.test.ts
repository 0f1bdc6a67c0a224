import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCases, writeIntakeWorkbook } from '../fixtures/generate';
import { applicationCells } from '../fixtures/generate/intakeWorkbook';
import { idCheckCharacter } from '../rules/idNumber';
import type { CaseFile } from '../rules/schemas';
import { IntakeError } from './errors';
import { readIntakeWorkbook } from './readWorkbook';
import type { IntakeRow } from './schemas';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const file = (name: string) => path.join(dir, name);

/** The application fields of a case file as the reader should give them back. */
function expectedRow(caseFile: CaseFile): Record<string, unknown> {
  const base = {
    type: caseFile.type,
    caseId: caseFile.caseId,
    applicationDate: caseFile.applicationDate,
    name: caseFile.person.name,
    idNumber: caseFile.person.idNumber,
  };
  switch (caseFile.type) {
    case 'lump-sum':
      return base;
    case 'transfer':
      return { ...base, fromRegion: caseFile.from.region };
    case 'reimbursement': {
      const { kind, hospital, admissionDate, dischargeDate, remote, reason } = caseFile.visit;
      const attachments = applicationCells(caseFile).attachments;
      return {
        ...base,
        visitKind: kind,
        hospitalCode: hospital.code,
        admissionDate,
        dischargeDate,
        remote,
        reason,
        attachments,
        details: caseFile.details,
      };
    }
  }
}

/** A read row without where it came from, details without their row numbers. */
function applicationOf(row: IntakeRow): Record<string, unknown> {
  const { sheet: _sheet, rowNumber: _rowNumber, ...fields } = row;
  if (fields.type !== 'reimbursement') return fields;
  return { ...fields, details: fields.details.map(({ rowNumber: _r, ...line }) => line) };
}

const HEADERS = {
  趸缴: ['案件编号', '申请日期', '姓名', '身份证号'],
  转移接续: ['案件编号', '申请日期', '姓名', '身份证号', '转出地区划'],
  零星报销: [
    '案件编号',
    '申请日期',
    '姓名',
    '身份证号',
    '就诊类型',
    '医疗机构编码',
    '入院日期',
    '出院日期',
    '异地就医',
    '报销原因',
    '票据',
  ],
  费用明细: ['案件编号', '项目名称', '类别', '金额', '日期'],
};

/** Writes a workbook by hand: sheet → header row then data rows of raw exceljs values. */
async function handWorkbook(name: string, sheets: Partial<Record<string, ExcelJS.CellValue[][]>>): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  for (const [sheet, rows] of Object.entries(sheets)) {
    const worksheet = workbook.addWorksheet(sheet);
    rows!.forEach((row, r) => row.forEach((value, c) => (worksheet.getCell(r + 1, c + 1).value = value)));
  }
  const target = file(name);
  await workbook.xlsx.writeFile(target);
  return target;
}

const LS_ROW = ['LS-2025-0001', '2025-03-05', '张伟', '440402199910304597'];
const ID_1 = '440402199910304597';
const ID_2 = '44040419921229884X';
const ID_3 = '44040219800101001' + idCheckCharacter('44040219800101001');

describe('readIntakeWorkbook: round trip from generated case files', () => {
  const generated = generateCases({ seed: 2024, count: 30 }).map((g) => g.caseFile);

  it('gives back exactly the application fields of every case', async () => {
    const written = await writeIntakeWorkbook(file('round.xlsx'), generated);
    const result = await readIntakeWorkbook(file('round.xlsx'));
    expect(result.errors).toEqual([]);
    expect(result.rows).toHaveLength(written.rows);
    const byId = new Map(result.rows.map((r) => [r.caseId, r]));
    for (const caseFile of generated) expect(applicationOf(byId.get(caseFile.caseId)!), caseFile.caseId).toEqual(expectedRow(caseFile));
    expect(result.stats).toMatchObject({ cases: 30, validCases: 30, invalidCases: 0, errors: 0 });
    expect(result.stats.sheets['费用明细']).toEqual({ rows: written.detailRows, valid: written.detailRows, invalid: 0 });
  });

  it('reads the same from shuffled columns, extra columns, a title row, text dates and text amounts', async () => {
    await writeIntakeWorkbook(file('plain.xlsx'), generated);
    await writeIntakeWorkbook(file('shuffled.xlsx'), generated, {
      seed: 9,
      shuffleColumns: true,
      extraColumns: true,
      titleRow: true,
      dateCells: 'mixed',
      amountCells: 'text',
    });
    const plain = await readIntakeWorkbook(file('plain.xlsx'));
    const shuffled = await readIntakeWorkbook(fs.readFileSync(file('shuffled.xlsx')));
    expect(shuffled.errors).toEqual([]);
    expect(shuffled.rows.map(applicationOf)).toEqual(plain.rows.map(applicationOf));
    // A title line above the header moves every row down by one.
    expect(shuffled.rows.map((r) => r.rowNumber)).toEqual(plain.rows.map((r) => r.rowNumber + 1));
  });

  it('gives each row its sheet and Excel row number', async () => {
    const result = await readIntakeWorkbook(file('round.xlsx'));
    const lumpSums = result.rows.filter((r) => r.type === 'lump-sum');
    expect(lumpSums.map((r) => r.sheet)).toEqual(lumpSums.map(() => '趸缴'));
    expect(lumpSums.map((r) => r.rowNumber)).toEqual(lumpSums.map((_, i) => i + 2));
  });
});

describe('readIntakeWorkbook: injected invalid rows', () => {
  it('reports each kind with sheet, row number, field and a message naming the value; the other rows still read', async () => {
    const generated = generateCases({ seed: 77, count: 12 }).map((g) => g.caseFile);
    const written = await writeIntakeWorkbook(file('invalid.xlsx'), generated, { invalidRows: 5 });
    expect(written.invalid.map((x) => x.kind)).toEqual([
      'missing-id-number',
      'bad-date',
      'bad-checksum',
      'duplicate-case-id',
      'wrong-prefix',
    ]);
    const result = await readIntakeWorkbook(file('invalid.xlsx'));

    expect(result.rows.map((r) => r.caseId).sort()).toEqual(generated.map((c) => c.caseId).sort());
    for (const injected of written.invalid) {
      const found = result.errors.filter(
        (e) => e.sheet === injected.sheet && e.rowNumber === injected.rowNumber && e.field === injected.field,
      );
      expect(found, injected.kind).toHaveLength(1);
      expect(found[0]!.caseId).toBe(injected.caseId);
    }
    const message = (kind: string) => {
      const injected = written.invalid.find((x) => x.kind === kind)!;
      return result.errors.find((e) => e.sheet === injected.sheet && e.rowNumber === injected.rowNumber && e.field === injected.field)!
        .message;
    };
    expect(message('missing-id-number')).toBe('身份证号为空');
    expect(message('bad-date')).toMatch(/申请日期「\d{4}-02-30」不是有效日期/);
    expect(message('bad-checksum')).toMatch(/身份证号「\d{6}\*{8}\d{3}[\dX]」校验位错误：按前 17 位应为 [\dX]，实际为 [\dX]/);
    expect(message('wrong-prefix')).toMatch(/案件编号「LS-\d{4}-\d+」的前缀 LS 与工作表「转移接续」不符/);
    const duplicate = written.invalid.find((x) => x.kind === 'duplicate-case-id')!;
    const original = result.rows.find((r) => r.caseId === duplicate.caseId)!;
    expect(message('duplicate-case-id')).toBe(`案件编号 ${duplicate.caseId} 重复：与「${original.sheet}」第 ${original.rowNumber} 行相同`);
    expect(result.stats.invalidCases).toBe(5);
    expect(new Set(result.errors.map((e) => `${e.sheet}!${e.rowNumber}`)).size).toBe(5);
  });
});

describe('readIntakeWorkbook: cells', () => {
  it('reads Excel date cells without a time-zone shift, the same as YYYY-MM-DD text', async () => {
    const target = await handWorkbook('dates.xlsx', {
      趸缴: [
        HEADERS.趸缴,
        ['LS-2025-0001', new Date(Date.UTC(2025, 0, 1)), '张伟', ID_1],
        ['LS-2025-0002', '2025-01-01', '金思', ID_2],
        ['LS-2025-0003', new Date(Date.UTC(2025, 11, 31, 23, 59)), '李强', ID_3],
      ],
    });
    const original = process.env.TZ;
    try {
      for (const tz of ['Asia/Shanghai', 'America/Los_Angeles', 'Pacific/Kiritimati', 'UTC']) {
        process.env.TZ = tz;
        const result = await readIntakeWorkbook(target);
        expect(
          result.rows.map((r) => r.applicationDate),
          tz,
        ).toEqual(['2025-01-01', '2025-01-01', '2025-12-31']);
      }
    } finally {
      process.env.TZ = original;
    }
  });

  it('rejects a 身份证号 typed as a number: Excel has already lost its last digits', async () => {
    const target = await handWorkbook('id-number.xlsx', {
      // eslint-disable-next-line no-loss-of-precision -- the point: an ID typed as a number has already lost its last digits
      趸缴: [HEADERS.趸缴, ['LS-2025-0001', '2025-03-05', '张伟', 440402199910304597]],
    });
    const { rows, errors } = await readIntakeWorkbook(target);
    expect(rows).toEqual([]);
    expect(errors).toEqual([
      {
        sheet: '趸缴',
        rowNumber: 2,
        caseId: 'LS-2025-0001',
        field: '身份证号',
        message: expect.stringMatching(/数字格式.*丢失精度.*文本格式/),
      },
    ]);
  });

  it('reads amounts from their decimal form and refuses more than two places or float noise', async () => {
    const rbRow = (caseId: string) => [
      caseId,
      '2025-03-05',
      '张伟',
      ID_1,
      '门诊',
      'H44040017',
      '2025-03-01',
      '2025-03-01',
      '本地',
      'remote-unsettled',
      'a.png',
    ];
    const target = await handWorkbook('amounts.xlsx', {
      零星报销: [HEADERS.零星报销, rbRow('RB-2025-0001'), rbRow('RB-2025-0002').map((v, i) => (i === 3 ? ID_2 : v))],
      费用明细: [
        HEADERS.费用明细,
        ['RB-2025-0001', '阿莫西林胶囊', '甲', 0.1, '2025-03-01'],
        ['RB-2025-0001', 'CT平扫', '乙类', 1234.5, '2025-03-01'],
        ['RB-2025-0001', '医用冷敷贴', '丙', '1,000.05', '2025-03-01'],
        ['RB-2025-0002', '阿莫西林胶囊', '甲', 0.1 + 0.2, '2025-03-01'],
        ['RB-2025-0002', 'CT平扫', '乙', '12.345', '2025-03-01'],
      ],
    });
    const { rows, errors } = await readIntakeWorkbook(target);
    expect(rows).toHaveLength(1);
    const details = (rows[0] as Extract<IntakeRow, { type: 'reimbursement' }>).details;
    expect(details.map((d) => [d.amount, d.class])).toEqual([
      ['0.10', 'A'],
      ['1234.50', 'B'],
      ['1000.05', 'C'],
    ]);
    expect(errors.map((e) => [e.sheet, e.rowNumber, e.field])).toEqual([
      ['零星报销', 3, '费用明细'],
      ['费用明细', 5, '金额'],
      ['费用明细', 6, '金额'],
    ]);
    expect(errors[0]!.message).toBe('费用明细第 5、6 行有错误，本案件暂不受理');
    expect(errors[1]!.message).toBe('金额「0.30000000000000004」超过两位小数（分）');
    expect(errors[2]!.message).toBe('金额「12.345」超过两位小数（分）');
  });

  it('uses the saved result of a formula cell and refuses a formula without one', async () => {
    const target = await handWorkbook('formulas.xlsx', {
      趸缴: [
        HEADERS.趸缴,
        [
          'LS-2025-0001',
          { formula: 'DATE(2025,3,5)', result: new Date(Date.UTC(2025, 2, 5)) },
          { formula: '"张"&"伟"', result: '张伟' },
          ID_1,
        ],
        ['LS-2025-0002', { formula: 'TODAY()', result: undefined } as unknown as ExcelJS.CellValue, '金思', ID_2],
      ],
    });
    const { rows, errors } = await readIntakeWorkbook(target);
    expect(rows.map((r) => [r.caseId, r.applicationDate, r.name])).toEqual([['LS-2025-0001', '2025-03-05', '张伟']]);
    expect(errors).toEqual([
      { sheet: '趸缴', rowNumber: 3, caseId: 'LS-2025-0002', field: '申请日期', message: expect.stringContaining('公式 =TODAY()') },
    ]);
  });

  it('reads rich text and trims, and skips empty rows', async () => {
    const target = await handWorkbook('rich.xlsx', {
      趸缴: [
        HEADERS.趸缴,
        [' LS-2025-0001 ', '2025-03-05', { richText: [{ text: '张' }, { text: '伟', font: { bold: true } }] }, ID_1],
        [],
        [null, '', '  ', null],
      ],
    });
    const { rows, errors, stats } = await readIntakeWorkbook(target);
    expect(errors).toEqual([]);
    expect(rows.map((r) => [r.caseId, r.name])).toEqual([['LS-2025-0001', '张伟']]);
    expect(stats.sheets['趸缴'].rows).toBe(1);
  });
});

describe('readIntakeWorkbook: fields', () => {
  const rb = (overrides: Record<number, ExcelJS.CellValue>) =>
    [
      'RB-2025-0001',
      '2025-03-05',
      '张伟',
      ID_1,
      '住院',
      'H44040017',
      '2025-03-01',
      '2025-03-04',
      '本地',
      'remote-unsettled',
      'r1.png; r2.pdf ;',
    ].map((v, i) => (i in overrides ? overrides[i]! : v));
  const detail = ['RB-2025-0001', '普通床位费', '甲', 100, '2025-03-02'];

  it('maps the Chinese choices and splits attachments', async () => {
    const target = await handWorkbook('rb-ok.xlsx', { 零星报销: [HEADERS.零星报销, rb({})], 费用明细: [HEADERS.费用明细, detail] });
    const { rows, errors } = await readIntakeWorkbook(target);
    expect(errors).toEqual([]);
    expect(rows[0]).toMatchObject({
      visitKind: 'inpatient',
      remote: 'local',
      attachments: ['r1.png', 'r2.pdf'],
      details: [{ rowNumber: 2, amount: '100.00', class: 'A' }],
    });
  });

  it.each([
    [{ 10: '../x.png' }, '票据', '票据文件名「../x.png」含有 ..，不允许指向附件目录之外'],
    [{ 10: '/etc/passwd' }, '票据', '票据文件名「/etc/passwd」是绝对路径，只能写附件目录下的相对路径'],
    [{ 10: 'C:\\scan\\r1.png' }, '票据', expect.stringContaining('反斜杠')],
    [{ 10: ' ; ' }, '票据', '票据「;」中没有文件名'],
    [{ 4: '急诊' }, '就诊类型', '就诊类型「急诊」无效，应为 住院、门诊 之一'],
    [{ 8: '省内' }, '异地就医', '异地就医「省内」无效，应为 本地、已备案、转诊、未备案 之一'],
    [{ 5: '44040017' }, '医疗机构编码', '医疗机构编码「44040017」格式不对，应为 H 加 8 位数字，如 H44040017'],
    [{ 7: '2025-02-28' }, '出院日期', '出院日期 2025-02-28 早于入院日期 2025-03-01'],
    [{ 3: '4404021999103045' }, '身份证号', '身份证号「440402******3045」应为 18 位，实际 16 位'],
    [{ 3: '440402199902304590' }, '身份证号', '身份证号「440402********4590」中的出生日期（第 7–14 位）不是有效日期'],
    [{ 0: 'RB-25-0001' }, '案件编号', '案件编号「RB-25-0001」格式不对，应为 业务前缀-年份-序号，如 RB-2025-0001'],
    [{ 1: '2025/03/05' }, '申请日期', expect.stringContaining('申请日期「2025/03/05」不是有效日期')],
    [{ 1: 45721 }, '申请日期', '申请日期是数字 45721，不是日期：请设为日期格式，或填写 YYYY-MM-DD 文本'],
  ])('reports %j in column %s', async (overrides, field, message) => {
    const target = await handWorkbook('rb-bad.xlsx', { 零星报销: [HEADERS.零星报销, rb(overrides)], 费用明细: [HEADERS.费用明细, detail] });
    const { rows, errors } = await readIntakeWorkbook(target);
    expect(rows).toEqual([]);
    expect(errors).toContainEqual({ sheet: '零星报销', rowNumber: 2, caseId: expect.any(String), field, message });
  });

  it('reports 费用明细 rows whose case is not on 零星报销, and a case without 费用明细', async () => {
    const target = await handWorkbook('orphans.xlsx', {
      零星报销: [HEADERS.零星报销, rb({})],
      费用明细: [HEADERS.费用明细, ['RB-2025-0099', '普通床位费', '甲', 100, '2025-03-02']],
    });
    const { errors } = await readIntakeWorkbook(target);
    expect(errors).toEqual([
      {
        sheet: '零星报销',
        rowNumber: 2,
        caseId: 'RB-2025-0001',
        field: '费用明细',
        message: '没有费用明细：「费用明细」表中没有该案件的行',
      },
      {
        sheet: '费用明细',
        rowNumber: 2,
        caseId: 'RB-2025-0099',
        field: '案件编号',
        message: '费用明细的案件编号 RB-2025-0099 在「零星报销」表中不存在',
      },
    ]);
  });
});

describe('readIntakeWorkbook: sheets and columns', () => {
  it('finds sheets whatever the whitespace around their names, and ignores unknown sheets', async () => {
    const target = await handWorkbook('names.xlsx', { ' 趸缴 ': [HEADERS.趸缴, LS_ROW], 备注: [['随便写点什么']] });
    const { rows, errors } = await readIntakeWorkbook(target);
    expect(errors).toEqual([]);
    expect(rows.map((r) => r.sheet)).toEqual(['趸缴']);
  });

  it('reports every row of a sheet missing a required column, naming sheet and column; other sheets read', async () => {
    const target = await handWorkbook('missing-column.xlsx', {
      趸缴: [HEADERS.趸缴, LS_ROW],
      转移接续: [
        ['案件编号', '申请日期', '姓名', '身份证号'],
        ['TR-2025-0002', '2025-03-05', '张伟', ID_2],
        ['TR-2025-0003', '2025-03-05', '李强', ID_3],
      ],
    });
    const { rows, errors, stats } = await readIntakeWorkbook(target);
    expect(rows.map((r) => r.caseId)).toEqual(['LS-2025-0001']);
    expect(errors).toEqual(
      [2, 3].map((rowNumber) => ({
        sheet: '转移接续',
        rowNumber,
        caseId: `TR-2025-000${rowNumber}`,
        field: '转出地区划',
        message: '工作表「转移接续」缺少必需的列「转出地区划」',
      })),
    );
    expect(stats.sheets['转移接续']).toEqual({ rows: 2, valid: 0, invalid: 2 });
  });

  it('reports a sheet without a header row', async () => {
    const target = await handWorkbook('no-header.xlsx', { 趸缴: [LS_ROW] });
    const { errors } = await readIntakeWorkbook(target);
    expect(errors).toEqual([
      { sheet: '趸缴', rowNumber: 1, field: '案件编号', message: '工作表「趸缴」找不到表头行：前 20 行中没有「案件编号」列' },
    ]);
  });

  it('reports a case ID used on two sheets at the later row', async () => {
    const target = await handWorkbook('dup.xlsx', {
      趸缴: [HEADERS.趸缴, LS_ROW, LS_ROW.map((v, i) => (i === 3 ? ID_2 : v))],
    });
    const { rows, errors } = await readIntakeWorkbook(target);
    expect(rows.map((r) => r.rowNumber)).toEqual([2]);
    expect(errors).toEqual([
      {
        sheet: '趸缴',
        rowNumber: 3,
        caseId: 'LS-2025-0001',
        field: '案件编号',
        message: '案件编号 LS-2025-0001 重复：与「趸缴」第 2 行相同',
      },
    ]);
  });
});

describe('readIntakeWorkbook: not a workbook', () => {
  it.each([
    ['a text file', Buffer.from('案件编号,申请日期\nLS-2025-0001,2025-03-05\n'), /不是 Excel 工作簿（\.xlsx）/],
    ['an empty buffer', Buffer.alloc(0), /不是 Excel 工作簿/],
    ['a broken zip', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 1)]), /已损坏或不是有效的 \.xlsx 工作簿/],
  ])('throws IntakeError for %s', async (_label, bytes, message) => {
    const attempt = readIntakeWorkbook(bytes);
    await expect(attempt).rejects.toBeInstanceOf(IntakeError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('throws IntakeError for a missing file and for a workbook without business sheets', async () => {
    await expect(readIntakeWorkbook(file('nope.xlsx'))).rejects.toThrow(/找不到文件 .*nope\.xlsx/);
    const other = await handWorkbook('other.xlsx', { Sheet1: [['a']] });
    await expect(readIntakeWorkbook(other)).rejects.toThrow(
      '工作簿中没有找到业务工作表（应有 趸缴、转移接续、零星报销 中的至少一个），实际工作表：「Sheet1」',
    );
  });
});
