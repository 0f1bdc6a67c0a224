import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readIntakeWorkbook } from './readWorkbook';
import { carriedRowSchema } from './schemas';

describe('a row carried to its case workflow', () => {
  it('passes the carried-row check unchanged after a round trip through JSON, for every business', async () => {
    const { rows } = await readIntakeWorkbook(path.join(import.meta.dirname, '..', 'fixtures', 'demo', 'intake.xlsx'));
    expect(new Set(rows.map((r) => r.type))).toEqual(new Set(['lump-sum', 'transfer', 'reimbursement']));
    for (const row of rows) {
      const carried = JSON.parse(JSON.stringify(row)) as unknown;
      expect(carriedRowSchema.parse(carried)).toEqual(row);
    }
  });

  it('refuses a row altered on the way, naming the field', async () => {
    const { rows } = await readIntakeWorkbook(path.join(import.meta.dirname, '..', 'fixtures', 'demo', 'intake.xlsx'));
    const lumpSum = rows.find((r) => r.type === 'lump-sum')!;
    const altered = { ...lumpSum, idNumber: lumpSum.idNumber.slice(0, 17) + (lumpSum.idNumber.endsWith('1') ? '2' : '1') };
    const result = carriedRowSchema.safeParse(altered);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['idNumber']);
    const reimbursement = rows.find((r) => r.type === 'reimbursement')!;
    expect(carriedRowSchema.safeParse({ ...reimbursement, attachments: 'a.png' }).success).toBe(false);
  });
});
