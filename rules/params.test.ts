import { describe, expect, it } from 'vitest';
import lumpSumData from './params/lump-sum.json' with { type: 'json' };
import reimbursementData from './params/reimbursement.json' with { type: 'json' };
import transferData from './params/transfer.json' with { type: 'json' };
import calendarData from './data/calendar.json' with { type: 'json' };
import { contributionBaseFor, defaultParameters, loadParameters, versionInForce } from './params';
import { decide } from './engine';
import { parseCaseFile } from './parseCaseFile';
import { exampleInput } from './testkit/examples';

const raw = { lumpSum: lumpSumData, transfer: transferData, reimbursement: reimbursementData, calendar: calendarData };

describe('parameter files', () => {
  it('hold the versions of POLICY.md', () => {
    const { lumpSum, transfer, reimbursement } = defaultParameters;
    expect(lumpSum.versions.map((v) => v.effectiveFrom)).toEqual(['2020-01-01', '2030-01-01']);
    expect(lumpSum.contributionBases.map((b) => b.year)).toEqual([2024, 2025, 2026]);
    expect(transfer.versions.map((v) => v.effectiveFrom)).toEqual(['2021-11-01']);
    expect(reimbursement.versions.map((v) => v.effectiveFrom)).toEqual(['2023-01-01', '2024-09-01']);
  });

  it('pick the latest version effective on or before the date', () => {
    const versions = defaultParameters.reimbursement.versions;
    expect(versionInForce(versions, '2022-12-31')).toBeNull();
    expect(versionInForce(versions, '2023-01-01')?.effectiveFrom).toBe('2023-01-01');
    expect(versionInForce(versions, '2024-08-31')?.effectiveFrom).toBe('2023-01-01');
    expect(versionInForce(versions, '2024-09-01')?.effectiveFrom).toBe('2024-09-01');
    expect(contributionBaseFor(defaultParameters.lumpSum.contributionBases, '2023-12-31')).toBeNull();
  });

  it('are validated when loaded', () => {
    const broken = (path: string[], value: unknown) => {
      const copy: any = structuredClone(raw);
      let target = copy;
      for (const key of path.slice(0, -1)) target = target[key];
      target[path.at(-1)!] = value;
      return () => loadParameters(copy);
    };
    expect(broken(['reimbursement', 'versions', '0', 'bFirstPay'], 0.15)).toThrow();
    expect(broken(['reimbursement', 'versions', '1', 'deductible', '2'], '500')).toThrow();
    expect(broken(['lumpSum', 'versions', '1', 'effectiveFrom'], '2019-01-01')).toThrow(/ascending/);
    expect(broken(['lumpSum', 'retirementDelay', '2', 'originalAge'], 60)).toThrow();
    expect(broken(['transfer', 'versions'], [])).toThrow();
    expect(loadParameters(structuredClone(raw))).toEqual(defaultParameters);
  });

  it('are data: a changed parameter set changes the decision, not the code', () => {
    const changed: any = structuredClone(raw);
    changed.lumpSum.contributionBases[1].base = '8000.00';
    const params = loadParameters(changed);
    const parsed = parseCaseFile(exampleInput('LS-2025-0002'), params);
    if (!parsed.ok) throw new Error(parsed.error);
    // 62 months × 8000.00 × 0.085 = 42160.00
    expect(decide(parsed.caseFile, params)).toMatchObject({ amount: '42160.00', details: { base: '8000.00' } });
  });
});
