import { describe, expect, it } from 'vitest';
import { decide } from './engine';
import { parseCaseFile } from './parseCaseFile';
import { maskedIdMatches } from './reimbursement';
import { checkOf, exampleInput } from './testkit/examples';
import type { ReimbursementDecision } from './schemas';

/** RB-2024-0017 (resident, inpatient, level 1, local, 2024-09-01 parameters; an approve) with changes. */
function decideVariant(change: (input: any) => void, base = 'RB-2024-0017'): ReimbursementDecision {
  const input = exampleInput(base);
  change(input);
  const parsed = parseCaseFile(input);
  if (!parsed.ok) throw new Error(parsed.error);
  return decide(parsed.caseFile) as ReimbursementDecision;
}

const result = (decision: ReimbursementDecision, rule: string) => checkOf(decision, rule).result;

/** Replaces the 费用明细 with one line and makes the receipt agree with it. */
function singleLine(c: any, detailClass: 'A' | 'B' | 'C', amount: string): void {
  c.details = [{ name: '测试项目', class: detailClass, amount, date: c.visit.admissionDate }];
  Object.assign(c.receipts[0], { total: amount, cashPaid: amount, items: [{ category: '治疗费', amount }] });
}

describe('reimbursement payable', () => {
  it('rounds the 乙类 first payment half up per line', () => {
    // 0.05 × 0.10 = 0.005: half a fen → 0.01
    const decision = decideVariant((c) => singleLine(c, 'B', '0.05'));
    expect(decision.details).toMatchObject({ selfPayFirst: '0.01', eligible: '0.04', payable: '0.00' });
  });

  it('takes the deductible per admission and nothing below zero', () => {
    expect(decideVariant((c) => singleLine(c, 'A', '300.00')).details.payable).toBe('0.00');
    expect(decideVariant((c) => singleLine(c, 'A', '300.01')).details.payable).toBe('0.01'); // 0.01 × 0.90 = 0.009 → 0.01
  });

  it('uses the retired employee ratio at every level, minus the referral adjustment', () => {
    const decision = decideVariant((c) => {
      Object.assign(c.person, { scheme: 'employee', retired: true });
      c.visit.remote = 'referral';
      c.visit.hospital.level = 3;
    });
    expect(decision.details).toMatchObject({ ratio: '0.85', deductible: '1000.00', capRemaining: '600000.00' });
  });

  it('uses the in-service employee ratio by level', () => {
    const level2 = decideVariant((c) => {
      Object.assign(c.person, { scheme: 'employee', retired: false });
      c.visit.hospital.level = 2;
    });
    expect(level2.details).toMatchObject({ ratio: '0.93', deductible: '500.00' });
  });

  it('outpatient: no deductible, the outpatient ratio and cap', () => {
    const decision = decideVariant((c) => {
      c.visit.kind = 'outpatient';
      c.visit.remote = 'unfiled';
      c.visit.hospital.level = 3;
    });
    expect(decision.details).toMatchObject({ deductible: '0.00', ratio: '0.30', capRemaining: '1000.00', payable: '1000.00' });
  });

  it('caps the payable at what is left of this year’s cap', () => {
    const left = decideVariant((c) => (c.yearToDate.fundPaid = '399990.00'));
    expect(left.details).toMatchObject({ capRemaining: '10.00', payable: '10.00' });
    const over = decideVariant((c) => (c.yearToDate.fundPaid = '400000.01'));
    expect(over.details).toMatchObject({ capRemaining: '0.00', payable: '0.00' });
  });

  it('switches parameter version on the admission date: 2024-08-31 vs 2024-09-01', () => {
    const dated = (admission: string) =>
      decideVariant((c) => {
        c.visit.admissionDate = admission;
        c.details.forEach((line: any) => (line.date = admission));
        c.receipts[0].issueDate = c.visit.dischargeDate;
      });
    expect(dated('2024-08-31')).toMatchObject({ policyVersion: 'reimbursement@2023-01-01', details: { ratio: '0.85' } });
    expect(dated('2024-09-01')).toMatchObject({ policyVersion: 'reimbursement@2024-09-01', details: { ratio: '0.90' } });
  });
});

describe('reimbursement rules', () => {
  it('RB-01: payer name and the unmasked characters of the payer ID', () => {
    expect(
      result(
        decideVariant((c) => (c.receipts[0].payerName = '石永')),
        'RB-01',
      ),
    ).toBe('fail');
    expect(
      result(
        decideVariant((c) => (c.receipts[0].payerId = '440604********1552')),
        'RB-01',
      ),
    ).toBe('fail');
    expect(
      result(
        decideVariant((c) => (c.receipts[0].payerId = '440604*******1551')),
        'RB-01',
      ),
    ).toBe('fail');
    expect(
      result(
        decideVariant((c) => (c.receipts[0].payerId = '******************')),
        'RB-01',
      ),
    ).toBe('pass');
    expect(
      result(
        decideVariant((c) => (c.receipts[0].payerId = c.person.idNumber)),
        'RB-01',
      ),
    ).toBe('pass');
    expect(maskedIdMatches('44060*', '440604')).toBe(true);
    expect(maskedIdMatches('44060*', '440605')).toBe(true);
    expect(maskedIdMatches('44061*', '440604')).toBe(false);
  });

  it('RB-02: admission and discharge months within coverage, admission after the waiting period', () => {
    expect(
      result(
        decideVariant((c) => (c.coverage = [{ from: '2024-10', to: '2024-10' }])),
        'RB-02',
      ),
    ).toBe('pass');
    expect(
      result(
        decideVariant((c) => (c.coverage = [{ from: '2024-11', to: null }])),
        'RB-02',
      ),
    ).toBe('fail');
    expect(
      result(
        decideVariant((c) => (c.coverage = [{ from: '2015-01', to: '2024-09' }])),
        'RB-02',
      ),
    ).toBe('fail');
    expect(
      result(
        decideVariant((c) => (c.coverage = [])),
        'RB-02',
      ),
    ).toBe('fail');
    // Discharge in a second period still counts.
    const split = decideVariant((c) => {
      c.visit.dischargeDate = '2024-11-02';
      c.coverage = [
        { from: '2024-01', to: '2024-10' },
        { from: '2024-11', to: null },
      ];
    });
    expect(result(split, 'RB-02')).toBe('pass');
    const gapAtDischarge = decideVariant((c) => {
      c.visit.dischargeDate = '2024-11-02';
      c.coverage = [{ from: '2024-01', to: '2024-10' }];
    });
    expect(result(gapAtDischarge, 'RB-02')).toBe('fail');
    expect(
      result(
        decideVariant((c) => (c.waitingUntil = '2024-10-07')),
        'RB-02',
      ),
    ).toBe('fail');
    expect(
      result(
        decideVariant((c) => (c.waitingUntil = '2024-10-06')),
        'RB-02',
      ),
    ).toBe('pass');
  });

  it('RB-03 rejects non-designated hospitals', () => {
    const decision = decideVariant((c) => (c.visit.hospital.designated = false));
    expect(decision).toMatchObject({ outcome: 'reject', amount: null, reasons: ['RB-03'] });
  });

  it('RB-04: 大写 must equal 小写 and the items must add up', () => {
    const words = decideVariant((c) => (c.receipts[0].totalInWords = '叁万贰仟玖佰壹拾壹元伍角伍分'));
    expect(words.reasons).toEqual(['RB-04']);
    expect(checkOf(words, 'RB-04').message).toContain('大写金额 叁万贰仟玖佰壹拾壹元伍角伍分 ≠ 小写 32911.54');
    expect(
      result(
        decideVariant((c) => (c.receipts[0].totalInWords = '叁万贰仟玖佰壹拾壹元伍角肆')),
        'RB-04',
      ),
    ).toBe('fail');
    expect(
      result(
        decideVariant((c) => (c.receipts[0].items[0].amount = '1404.41')),
        'RB-04',
      ),
    ).toBe('fail');
    expect(
      result(
        decideVariant((c) => singleLine(c, 'A', '1005.00')),
        'RB-04',
      ),
    ).toBe('fail'); // words still say 32911.54
    const withZero = decideVariant((c) => {
      singleLine(c, 'A', '1005.00');
      c.receipts[0].totalInWords = '壹仟零伍元整';
    });
    expect(result(withZero, 'RB-04')).toBe('pass');
  });

  it('RB-05: fund + account + cash must equal the total, to the fen', () => {
    expect(
      result(
        decideVariant((c) => (c.receipts[0].cashPaid = '32911.53')),
        'RB-05',
      ),
    ).toBe('fail');
    const split = decideVariant((c) => Object.assign(c.receipts[0], { accountPaid: '0.54', cashPaid: '32911.00' }));
    expect(result(split, 'RB-05')).toBe('pass');
  });

  it('RB-06: any fund payment means it was settled online', () => {
    const settled = decideVariant((c) => Object.assign(c.receipts[0], { fundPaid: '0.01', cashPaid: '32911.53' }));
    expect(settled).toMatchObject({ outcome: 'reject', reasons: ['RB-06'], amount: null });
  });

  it('RB-07: an invoice already claimed, or twice in the case', () => {
    const claimed = decideVariant((c) => c.claimedInvoices.push({ code: '44039710', number: '6943817613' }));
    expect(claimed.reasons).toEqual(['RB-07']);
    const sameCodeOtherNumber = decideVariant((c) => c.claimedInvoices.push({ code: '44039710', number: '6943817614' }));
    expect(result(sameCodeOtherNumber, 'RB-07')).toBe('pass');
    const twice = decideVariant((c) => c.receipts.push(structuredClone(c.receipts[0])));
    expect(result(twice, 'RB-07')).toBe('fail');
  });

  it('RB-08: details add up to the receipts and fall within the stay', () => {
    expect(
      result(
        decideVariant((c) => (c.details[0].amount = '2329.24')),
        'RB-08',
      ),
    ).toBe('fail');
    expect(
      result(
        decideVariant((c) => (c.details[0].date = '2024-10-09')),
        'RB-08',
      ),
    ).toBe('pass'); // discharge day
    expect(
      result(
        decideVariant((c) => (c.details[0].date = '2024-10-10')),
        'RB-08',
      ),
    ).toBe('fail');
    expect(
      result(
        decideVariant((c) => (c.details[0].date = '2024-10-06')),
        'RB-08',
      ),
    ).toBe('fail');
  });

  it('RB-09: up to the same day 12 months after discharge', () => {
    // Discharged 2024-10-09.
    expect(
      result(
        decideVariant((c) => (c.applicationDate = '2025-10-09')),
        'RB-09',
      ),
    ).toBe('pass');
    expect(
      result(
        decideVariant((c) => (c.applicationDate = '2025-10-10')),
        'RB-09',
      ),
    ).toBe('fail');
  });

  it('RB-09: discharged on 29 February, the deadline is 28 February', () => {
    const leap = (application: string) =>
      decideVariant((c) => {
        Object.assign(c.visit, { admissionDate: '2024-02-27', dischargeDate: '2024-02-29' });
        c.details.forEach((line: any) => (line.date = '2024-02-28'));
        c.receipts[0].issueDate = '2024-02-29';
        c.applicationDate = application;
      });
    expect(result(leap('2025-02-28'), 'RB-09')).toBe('pass');
    const late = leap('2025-03-01');
    expect(result(late, 'RB-09')).toBe('fail');
    expect(late).toMatchObject({ outcome: 'reject', reasons: ['RB-09'] });
  });

  it('RB-09: discharged on the last day of a month', () => {
    const endOfMonth = (application: string) =>
      decideVariant((c) => {
        Object.assign(c.visit, { admissionDate: '2024-10-29', dischargeDate: '2024-10-31' });
        c.details.forEach((line: any) => (line.date = '2024-10-30'));
        c.receipts[0].issueDate = '2024-10-31';
        c.applicationDate = application;
      });
    expect(result(endOfMonth('2025-10-31'), 'RB-09')).toBe('pass');
    expect(result(endOfMonth('2025-11-01'), 'RB-09')).toBe('fail');
  });

  it('RB-10: issued from admission to 30 days after discharge', () => {
    expect(
      result(
        decideVariant((c) => (c.receipts[0].issueDate = '2024-10-07')),
        'RB-10',
      ),
    ).toBe('pass');
    expect(
      result(
        decideVariant((c) => (c.receipts[0].issueDate = '2024-10-06')),
        'RB-10',
      ),
    ).toBe('fail');
    expect(
      result(
        decideVariant((c) => (c.receipts[0].issueDate = '2024-11-08')),
        'RB-10',
      ),
    ).toBe('pass'); // 10-09 + 30
    expect(
      result(
        decideVariant((c) => (c.receipts[0].issueDate = '2024-11-09')),
        'RB-10',
      ),
    ).toBe('fail');
  });

  it('RB-11: confidence below 0.90 on a key field goes to review; none given is skipped', () => {
    expect(
      result(
        decideVariant(() => {}),
        'RB-11',
      ),
    ).toBe('skip');
    expect(
      result(
        decideVariant((c) => (c.receipts[0].confidence = { total: 0.9, code: 0.99 })),
        'RB-11',
      ),
    ).toBe('pass');
    const low = decideVariant((c) => (c.receipts[0].confidence = { total: 0.89, code: 0.99 }));
    expect(low).toMatchObject({ outcome: 'review', reasons: ['RB-11'] });
    // hospitalName is not one of the fields RB-11 looks at.
    expect(
      result(
        decideVariant((c) => (c.receipts[0].confidence = { hospitalName: 0.1 })),
        'RB-11',
      ),
    ).toBe('pass');
    expect(
      result(
        decideVariant((c) => (c.receipts[0].confidence = { items: 0 })),
        'RB-11',
      ),
    ).toBe('fail');
  });

  it('RB-12: 8-digit code, 10-digit number, 6-hex check code', () => {
    expect(
      result(
        decideVariant((c) => (c.receipts[0].code = '4403971')),
        'RB-12',
      ),
    ).toBe('fail');
    expect(
      result(
        decideVariant((c) => (c.receipts[0].number = '694381761')),
        'RB-12',
      ),
    ).toBe('fail');
    expect(
      result(
        decideVariant((c) => (c.receipts[0].checkCode = 'ea8da')),
        'RB-12',
      ),
    ).toBe('fail');
    expect(
      result(
        decideVariant((c) => (c.receipts[0].checkCode = 'ga8da0')),
        'RB-12',
      ),
    ).toBe('fail');
    expect(
      result(
        decideVariant((c) => (c.receipts[0].checkCode = 'EA8DA0')),
        'RB-12',
      ),
    ).toBe('pass');
  });

  it('RB-13: a payable above 50000.00 needs four eyes', () => {
    // (55855.56 − 300.00) × 0.90 = 50000.004 → 50000.00; one fen more of eligible → 50000.01.
    const at = decideVariant((c) => singleLine(c, 'A', '55855.56'));
    expect(at.details.payable).toBe('50000.00');
    expect(result(at, 'RB-13')).toBe('pass');
    const above = decideVariant((c) => singleLine(c, 'A', '55855.57'));
    expect(above.details.payable).toBe('50000.01');
    expect(above.reasons).toContain('RB-13');
    expect(above.amount).toBe('50000.01');
  });

  it('lists reasons in document order and rejects over review', () => {
    const decision = decideVariant((c) => {
      c.receipts[0].checkCode = 'zz';
      c.visit.hospital.designated = false;
      c.receipts[0].payerName = '别人';
    });
    expect(decision.reasons).toEqual(['RB-01', 'RB-03', 'RB-12']);
    expect(decision).toMatchObject({ outcome: 'reject', amount: null });
  });
});
