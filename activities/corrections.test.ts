import { describe, expect, it } from 'vitest';
import { applyCorrections, touchesCoreSystemData } from './corrections';

const caseFile = () => ({
  caseId: 'RB-2026-0005',
  receipts: [{ number: '1217676925', checkCode: 'e9cc86', total: '100.00', confidence: { number: 0.97, checkCode: 0.55, total: 0.99 } }],
});

describe('a clerk’s corrections', () => {
  it('records the before and after of each field and leaves the original untouched', () => {
    const original = caseFile();
    const { caseFile: corrected, changes } = applyCorrections(original, [{ path: 'receipts[0].total', value: '120.00' }]);
    expect(changes).toEqual([{ path: 'receipts[0].total', before: '100.00', after: '120.00' }]);
    expect((corrected.receipts as { total: string }[])[0]!.total).toBe('120.00');
    expect(original.receipts[0]!.total).toBe('100.00');
  });

  it('takes a receipt field a person has read out of RB-11’s doubt, even when confirmed unchanged', () => {
    const { caseFile: corrected } = applyCorrections(caseFile(), [{ path: 'receipts[0].checkCode', value: 'e9cc86' }]);
    expect((corrected.receipts as { confidence: Record<string, number> }[])[0]!.confidence).toEqual({ number: 0.97, total: 0.99 });
  });

  it('refuses a path the case file does not have', () => {
    expect(() => applyCorrections(caseFile(), [{ path: 'receipts[0].seal', value: 'x' }])).toThrow(/receipts\[0\]\.seal/);
    expect(() => applyCorrections(caseFile(), [{ path: 'receipts[3].total', value: '1.00' }])).toThrow(/receipts\[3\]\.total/);
  });

  it('tells a receipt field a clerk may correct alone from the core system’s data', () => {
    expect(touchesCoreSystemData('reimbursement', [{ path: 'receipts[0].checkCode', value: 'x' }])).toBe(false);
    expect(touchesCoreSystemData('reimbursement', [{ path: 'insured.status', value: 'x' }])).toBe(true);
  });
});
