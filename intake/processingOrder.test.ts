import { describe, expect, it } from 'vitest';
import { inProcessingOrder } from './processingOrder';

const rows = (spec: Record<string, number>) =>
  Object.entries(spec).flatMap(([type, n]) => Array.from({ length: n }, (_, i) => ({ type, id: `${type}${i}` })));

describe('a batch’s processing order', () => {
  it('spreads each business evenly over the batch, keeping workbook order within it', () => {
    const ordered = inProcessingOrder(rows({ L: 4, T: 2, R: 2 }));
    expect(ordered.map((r) => r.id)).toEqual(['L0', 'T0', 'R0', 'L1', 'L2', 'T1', 'R1', 'L3']);
  });

  it('puts a third of a batch’s receipts in each third of it', () => {
    const ordered = inProcessingOrder(rows({ lumpSum: 400, transfer: 300, reimbursement: 300 }));
    const thirds = [0, 1, 2].map((t) => ordered.slice(Math.round((t * 1000) / 3), Math.round(((t + 1) * 1000) / 3)));
    for (const third of thirds) expect(third.filter((r) => r.type === 'reimbursement').length).toBeGreaterThanOrEqual(99);
    expect(new Set(ordered.map((r) => r.id)).size).toBe(1000);
  });

  it('leaves a batch of one business in workbook order', () => {
    const one = rows({ L: 5 });
    expect(inProcessingOrder(one)).toEqual(one);
    expect(inProcessingOrder([])).toEqual([]);
  });
});
