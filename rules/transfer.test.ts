import { describe, expect, it } from 'vitest';
import { decide } from './engine';
import { parseCaseFile } from './parseCaseFile';
import { checkOf, exampleInput } from './testkit/examples';
import type { TransferDecision } from './schemas';
import { calendarOf } from './calendar';
import { parseCalendarYearFile } from './calendarYear';
import { defaultParameters, type Parameters } from './params';

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

describe('transfer due date and the years of the bureau calendar', () => {
  /** The State Council's 2027 arrangement as a manager would import it (元旦 2027-01-01…03). */
  const with2027 = (): Parameters => {
    const year = parseCalendarYearFile(
      '2027.json',
      JSON.stringify({ year: 2027, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workingDays: [] }),
    );
    const base = defaultParameters.calendar;
    return {
      ...defaultParameters,
      calendar: calendarOf([...base.years, year.year], [...base.holidays, ...year.holidays], [...base.workingDays, ...year.workingDays]),
    };
  };
  const decideWith = (receivedDate: string, params: Parameters = defaultParameters): TransferDecision => {
    const parsed = parseCaseFile({ ...exampleInput('TR-2024-0010'), receivedDate }, params);
    if (!parsed.ok) throw new Error(parsed.error);
    return decide(parsed.caseFile, params) as TransferDecision;
  };

  it('without 2027, a due date that runs into 2027 is left open and the case goes to a clerk naming 2027', () => {
    const decision = decideWith('2026-12-28');
    expect(decision.outcome).toBe('review');
    expect(decision.reasons).toEqual(['TR-07']);
    expect(decision.details.dueDate).toBeNull();
    expect(checkOf(decision, 'TR-07').message).toMatch(/缺少 2027 年工作日历/);
  });

  it('a case received in 2027 without 2027 goes to a clerk too; with 2027 imported it is decided', () => {
    expect(decideWith('2027-01-04').reasons).toEqual(['TR-07']);
    const decided = decideWith('2027-01-04', with2027());
    expect(decided.outcome).toBe('approve');
    expect(decided.details.dueDate).toBe('2027-01-11'); // Mon 01-04 + 5 working days
    expect(decided.checks.map((c) => c.rule)).not.toContain('TR-07');
  });

  it('with 2027 imported, its holidays count: received on 2026-12-28, due after 元旦', () => {
    // Tue 12-29, Wed 12-30, Thu 12-31, (Fri 01-01 … Sun 01-03 holidays), Mon 01-04, Tue 01-05.
    expect(decideWith('2026-12-28', with2027()).details.dueDate).toBe('2027-01-05');
  });

  it('a decision within the calendar carries exactly the checks it always had', () => {
    const decision = decideWith('2024-11-18');
    expect(decision.details.dueDate).toBe('2024-11-25');
    expect(decision.checks.map((c) => c.rule)).toEqual(['CM-01', 'TR-01', 'TR-02', 'TR-03', 'TR-04', 'TR-05', 'TR-06']);
  });
});
