import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decide, decideInput } from './engine';
import { parseCaseFile } from './parseCaseFile';
import { rulesOf } from './catalogue';
import { DecisionSchema, type CaseFile } from './schemas';
import { formatFen } from './money';
import { exampleIds, exampleInput } from './testkit/examples';

const money = fc.bigInt(0n, 10n ** 8n).map(formatFen);
const examples = exampleIds().map((id) => exampleInput(id) as CaseFile);

/** An example with some of its numbers and flags changed at random; still a valid case file. */
const variedCase = fc
  .record({
    example: fc.constantFrom(...examples),
    amounts: fc.array(money, { minLength: 8, maxLength: 8 }),
    months: fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 4, maxLength: 4 }),
    flags: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  })
  .map(({ example, amounts, months, flags }) => {
    const c: any = structuredClone(example);
    const [m0 = 0, m1 = 0, m2 = 0, m3 = 0] = months;
    const [f0 = false, f1 = false, f2 = false, f3 = false] = flags;
    if (c.type === 'lump-sum') {
      Object.assign(c.contributions, {
        localActualMonths: m0,
        transferredMonths: m1,
        deemedMonths: m2 % 60,
        overlapMonths: m3 % 12,
        deemedCertified: f0,
      });
      if (f1 && c.retirement !== null) c.retirement.kind = 'illness';
    } else if (c.type === 'transfer') {
      c.from.actualMonths = m0;
      c.continuousMonthsBefore = m1;
      c.accountFundsReceived = f0 ? null : amounts[0];
      c.retired = f1 && f2;
      c.from.scheme = f3 ? 'resident' : 'employee';
    } else {
      c.details.forEach((line: any, i: number) => {
        line.amount = amounts[i % amounts.length];
        line.class = ['A', 'B', 'C'][(m0 + i) % 3];
      });
      c.yearToDate.fundPaid = amounts[7];
      c.visit.kind = f0 ? 'outpatient' : 'inpatient';
      c.visit.remote = ['local', 'filed', 'referral', 'unfiled'][m1 % 4];
      c.person.retired = f1;
      c.visit.hospital.level = (m2 % 3) + 1;
      if (f2) c.receipts[0].confidence = { total: (m3 % 101) / 100 };
    }
    return c as CaseFile;
  });

describe('decide (properties)', () => {
  it('is deterministic: same input twice → byte-identical JSON, and the input is left untouched', () => {
    fc.assert(
      fc.property(variedCase, (caseFile) => {
        const before = JSON.stringify(caseFile);
        const first = JSON.stringify(decide(caseFile));
        const second = JSON.stringify(decide(structuredClone(caseFile)));
        return first === second && JSON.stringify(caseFile) === before;
      }),
      { numRuns: 300 },
    );
  });

  it('gives a decision that obeys the outcome, reasons and amount conventions', () => {
    fc.assert(
      fc.property(variedCase, (caseFile) => {
        expect(parseCaseFile(caseFile).ok).toBe(true);
        const decision = DecisionSchema.parse(decide(caseFile));
        const failed = decision.checks.filter((check) => check.result === 'fail');
        expect(decision.checks.map((check) => check.rule)).toEqual(
          rulesOf(caseFile.type)
            .filter((rule) => !rule.onlyWhenFailing || decision.reasons.includes(rule.id))
            .map((rule) => rule.id),
        );
        expect(decision.reasons).toEqual(failed.map((check) => check.rule));
        const expectedOutcome = failed.some((c) => c.severity === 'reject') ? 'reject' : failed.length > 0 ? 'review' : 'approve';
        expect(decision.outcome).toBe(expectedOutcome);
        if (decision.type === 'transfer' || decision.outcome === 'reject') expect(decision.amount).toBeNull();
        else expect(decision.amount).not.toBeNull();
        if (decision.type === 'reimbursement') {
          const { payable, capRemaining } = decision.details;
          expect(BigInt(payable.replace('.', ''))).toBeLessThanOrEqual(BigInt(capRemaining.replace('.', '')));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary JSON: a decision or an input error', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = decideInput(value);
        return result.ok || /^[\w.[\]]+: /.test(result.error);
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...examples), fc.string(), fc.jsonValue(), (example, key, value) => {
        const input: any = { ...structuredClone(example), [key]: value };
        const result = decideInput(input);
        return result.ok || /^[\w.[\]]+: /.test(result.error);
      }),
    );
  });
});
