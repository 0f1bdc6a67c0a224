import { describe, expect, it } from 'vitest';
import { decide } from './engine';
import { parseCaseFile } from './parseCaseFile';
import { checkOf, exampleInput } from './testkit/examples';
import type { TransferDecision } from './schemas';

/** TR-2024-0010 (employee → employee, an approve) with changes. */
function decideVariant(change: (input: any) => void): TransferDecision {
  const input = exampleInput('TR-2024-0010');
  change(input);
  const parsed = parseCaseFile(input);
  if (!parsed.ok) throw new Error(parsed.error);
  return decide(parsed.caseFile) as TransferDecision;
}

describe('transfer continuity', () => {
  it('a gap of 3 months is continuous, 4 months waits 6 months', () => {
    const three = decideVariant((c) => Object.assign(c.from.coverage, { to: '2024-07' }));
    expect(three.details).toMatchObject({ gapMonths: 3, waitingMonths: 0, benefitStartMonth: '2024-11' });
    const four = decideVariant((c) => Object.assign(c.from.coverage, { to: '2024-06' }));
    expect(four.details).toMatchObject({ gapMonths: 4, waitingMonths: 6, benefitStartMonth: '2025-05' });
    expect(four.outcome).toBe('approve'); // the waiting period is a consequence, not a failed rule
  });

  it('across schemes needs 24 continuous months before', () => {
    const crossScheme = (months: number) =>
      decideVariant((c) => {
        Object.assign(c.from, { scheme: 'resident', accountBalance: '0.00' });
        c.accountFundsReceived = null;
        c.continuousMonthsBefore = months;
      });
    expect(crossScheme(24).details).toMatchObject({ waitingMonths: 0, mergedMonths: 0 });
    expect(crossScheme(23).details).toMatchObject({ waitingMonths: 6, benefitStartMonth: '2025-05' });
  });

  it('merges months only between employee schemes', () => {
    expect(decideVariant(() => {}).details.mergedMonths).toBe(78);
    expect(decideVariant((c) => (c.to.scheme = 'resident')).details.mergedMonths).toBe(0);
  });

  it('is due 5 working days after the received day', () => {
    expect(decideVariant((c) => (c.receivedDate = '2024-09-27')).details.dueDate).toBe('2024-10-10'); // Sun 09-29 works, 国庆 10-01…07
    expect(decideVariant((c) => (c.receivedDate = '2025-09-26')).details.dueDate).toBe('2025-10-10'); // Sun 09-28 works, then 国庆
  });
});

describe('transfer rules', () => {
  it('TR-01 rejects retirees and cites its basis', () => {
    const decision = decideVariant((c) => (c.retired = true));
    expect(decision.reasons).toEqual(['TR-01']);
    expect(checkOf(decision, 'TR-01').basis).toBe('医保办发〔2021〕43号');
    expect(decision.amount).toBeNull();
  });

  it.each(['active', 'terminated'])('TR-02 rejects an outgoing status %s', (status) => {
    expect(decideVariant((c) => (c.from.status = status)).reasons).toEqual(['TR-02']);
  });

  it('TR-03 rejects when the incoming side is not insured', () => {
    expect(decideVariant((c) => (c.to.status = 'none')).reasons).toEqual(['TR-03']);
  });

  it('TR-04: resident to resident within one calendar year rejects, across a new year passes', () => {
    const residents = (fromTo: string, start: string) =>
      decideVariant((c) => {
        Object.assign(c.from, { scheme: 'resident', accountBalance: '0.00' });
        c.from.coverage.to = fromTo;
        Object.assign(c.to, { scheme: 'resident', coverageStart: start });
        c.accountFundsReceived = null;
      });
    expect(residents('2024-11', '2024-12').reasons).toEqual(['TR-04']);
    expect(residents('2024-12', '2025-01').reasons).toEqual([]);
  });

  it('TR-05: overlap of one month goes to review, adjacent months pass', () => {
    const overlap = decideVariant((c) => (c.from.coverage.to = '2024-11'));
    expect(overlap.details.gapMonths).toBe(-1);
    expect(overlap.reasons).toEqual(['TR-05']);
    expect(overlap.outcome).toBe('review');
    expect(decideVariant((c) => (c.from.coverage.to = '2024-10')).details.gapMonths).toBe(0);
  });

  it('TR-06: employee account funds must arrive in full', () => {
    expect(decideVariant((c) => (c.accountFundsReceived = null)).reasons).toEqual(['TR-06']);
    expect(decideVariant((c) => (c.accountFundsReceived = '8857.57')).reasons).toEqual(['TR-06']);
    expect(decideVariant((c) => (c.accountFundsReceived = '8857.58')).reasons).toEqual([]);
  });

  it('TR-06: a resident scheme carries no account money', () => {
    const resident = (balance: string, received: string | null) =>
      decideVariant((c) => {
        Object.assign(c.from, { scheme: 'resident', accountBalance: balance });
        c.accountFundsReceived = received;
        c.continuousMonthsBefore = 78;
      });
    expect(checkOf(resident('0.00', null), 'TR-06').result).toBe('pass');
    expect(checkOf(resident('0.00', '0.00'), 'TR-06').result).toBe('pass');
    expect(checkOf(resident('0.00', '0.01'), 'TR-06').result).toBe('fail');
    expect(checkOf(resident('0.01', null), 'TR-06').result).toBe('fail');
  });
});
