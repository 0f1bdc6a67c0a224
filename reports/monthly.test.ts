import { describe, expect, it } from 'vitest';
import { duration, monthlyReport, yuan, type MonthlyFigures } from './monthly';

const figures = (closed: MonthlyFigures['closed']): MonthlyFigures => ({
  month: '2026-11',
  range: { from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' },
  closed,
  received: [],
  exceptions: { decided: 4, toReview: 1, rules: [{ rule: 'LS-01', cases: 1 }] },
  clerks: [],
  sla: { kept: 3, late: 1, noDeadline: 0, escalatedBeforeDecision: 0 },
  steps: { proposed: 2, 'second-look-approved': 1, 'second-look-sent-back': 1, 'review-reminder': 0, 'review-escalated': 0 },
});

describe('the monthly report, pure', () => {
  it('shows fen as 元 with two decimals and thousands separators, exactly', () => {
    expect(yuan(0n)).toBe('0.00');
    expect(yuan(5n)).toBe('0.05');
    expect(yuan(123456789n)).toBe('1,234,567.89');
    // Beyond 2^53 fen, where a float would round.
    expect(yuan(9007199254740993n)).toBe('90,071,992,547,409.93');
    expect(yuan(-100050n)).toBe('-1,000.50');
  });

  it('says durations as people read them', () => {
    expect([duration(null), duration(42), duration(125), duration(2 * 3600 + 5 * 60), duration(3 * 86400 + 4 * 3600)]).toEqual([
      '—',
      '42秒',
      '2分',
      '2小时05分',
      '3天4小时',
    ]);
  });

  it('sums businesses and months, and keeps empty trend months at zero', () => {
    const r = monthlyReport(
      figures([
        { month: '2026-11', type: 'transfer', outcome: 'approve', cases: 3, automated: 2, approvedFen: 1001n },
        { month: '2026-11', type: 'transfer', outcome: 'reject', cases: 1, automated: 1, approvedFen: 0n },
        { month: '2026-11', type: 'lump-sum', outcome: 'approve', cases: 2, automated: 0, approvedFen: 99n },
        { month: '2026-01', type: 'lump-sum', outcome: 'approve', cases: 1, automated: 1, approvedFen: 7n },
        // Outside the twelve months: not in the trend.
        { month: '2025-11', type: 'lump-sum', outcome: 'approve', cases: 5, automated: 5, approvedFen: 5n },
      ]),
      new Date('2026-12-01T02:00:00Z'),
    );
    expect(r.totals).toMatchObject({ closed: 6, approve: 5, reject: 1, automated: 3, approvedFen: 1100n, automationRate: 0.5 });
    expect(r.trend).toHaveLength(12);
    expect(r.trend[0]).toEqual({ month: '2025-12', cases: 0, automated: 0, automationRate: null, approvedFen: 0n });
    expect(r.trend.find((t) => t.month === '2026-01')).toMatchObject({ cases: 1, automationRate: 1, approvedFen: 7n });
    expect(r.exceptions).toMatchObject({ reviewRate: 0.25, rules: [{ rule: 'LS-01', cases: 1, rate: 0.25 }] });
    expect(r.sla.keptRate).toBe(0.75);
    expect(r.fourEyes).toEqual({ proposed: 2, approved: 1, sentBack: 1 });
  });
});
