import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decide, defaultParameters, type Parameters } from '../rules';
import { exampleExpected, exampleIds, exampleInput } from '../rules/testkit/examples';
import { currentBuild, parseRuleSetVersion, policyVersionPart, ruleSetDigest, ruleSetVersionOf } from './ruleSetVersion';

const digestOf = (policyVersion: string, params: Parameters = defaultParameters): string => {
  const d = ruleSetDigest(policyVersion, params);
  if ('error' in d) throw new Error(d.error);
  return d.digest;
};

describe('rule-set version', () => {
  it('names the parameter version, the digest of the data it used and the build; the decision keeps its policyVersion', () => {
    const id = exampleIds()[0]!;
    const decision = decide(exampleInput(id));
    expect(decision.policyVersion).toBe(exampleExpected(id).policyVersion);
    const recorded = ruleSetVersionOf(decision.policyVersion, defaultParameters, '9abbef1')!;
    expect(recorded).toBe(`${decision.policyVersion}+sha256:${digestOf(decision.policyVersion)}/build:9abbef1`);
    expect(parseRuleSetVersion(recorded)).toEqual({
      policyVersion: decision.policyVersion,
      digest: digestOf(decision.policyVersion),
      build: '9abbef1',
    });
    expect(policyVersionPart(recorded)).toBe(decision.policyVersion);
    // Older records (a bare parameter version) still read, without digest or build.
    expect(parseRuleSetVersion('lump-sum@2020-01-01')).toEqual({ policyVersion: 'lump-sum@2020-01-01', digest: null, build: null });
    // Passing a complete one through again changes nothing.
    expect(ruleSetVersionOf(recorded)).toBe(recorded);
    expect(ruleSetVersionOf(null)).toBeNull();
  });

  it('changes with the used version, its tables or the calendar; not with a version of another date', () => {
    const base = digestOf('lump-sum@2020-01-01');
    const lumpSum = defaultParameters.lumpSum;
    const editedVersion = {
      ...lumpSum,
      versions: lumpSum.versions.map((v, i) => (i === 0 ? { ...v, requiredLocalMonths: v.requiredLocalMonths + 1 } : v)),
    };
    expect(digestOf('lump-sum@2020-01-01', { ...defaultParameters, lumpSum: editedVersion })).not.toBe(base);
    const editedBases = { ...lumpSum, contributionBases: lumpSum.contributionBases.map((b) => ({ ...b, rate: '0.090' })) };
    expect(digestOf('lump-sum@2020-01-01', { ...defaultParameters, lumpSum: editedBases })).not.toBe(base);
    const calendar = { ...defaultParameters.calendar, holidays: new Set([...defaultParameters.calendar.holidays, '2099-01-02']) };
    expect(digestOf('lump-sum@2020-01-01', { ...defaultParameters, calendar })).not.toBe(base);
    const added = { ...lumpSum, versions: [...lumpSum.versions, { ...lumpSum.versions.at(-1)!, effectiveFrom: '2099-01-01' }] };
    expect(digestOf('lump-sum@2020-01-01', { ...defaultParameters, lumpSum: added })).toBe(base);
    // Another business's file is not part of a lump-sum decision.
    const transfer = { ...defaultParameters.transfer, source: 'edited' };
    expect(digestOf('lump-sum@2020-01-01', { ...defaultParameters, transfer })).toBe(base);
    expect(ruleSetDigest('lump-sum@1999-01-01')).toEqual({ error: expect.stringContaining('no longer among rules/params') });
    // Recording a later step of a case decided under a version since removed still works: bare, as before.
    expect(ruleSetVersionOf('lump-sum@1999-01-01')).toBe('lump-sum@1999-01-01');
  });

  it('leaves out what decides nothing: decisions recorded before versions carried citations keep their digests', () => {
    // The digests of the shipped versions as recorded by the build before citations (文号, 条款) were added.
    expect(digestOf('transfer@2021-11-01')).toBe('7327f216f0cfb926a36c60d46b31609517139fdfc73fd4127063782c9ab1f041');
    expect(digestOf('reimbursement@2024-09-01')).toBe('fe53b2dbaf7b8b3f67d9a4bd1ccf870ec26e2fa02b9c8b736b245e139c6b0bc0');
    expect(digestOf('lump-sum@2020-01-01')).toBe('149651e6b49cc89f71a10cd01246823028482ed88667f80613e485bd9a878b13');
    const transfer = defaultParameters.transfer;
    const recited = {
      ...transfer,
      versions: transfer.versions.map((v) => ({
        ...v,
        citation: { ...v.citation, documentNumber: '另一文号' },
        approval: { id: 1, proposedBy: 'li', approvedBy: 'wang', approvedAt: '2026-12-02T02:00:00.000Z' },
      })),
    };
    expect(digestOf('transfer@2021-11-01', { ...defaultParameters, transfer: recited })).toBe(digestOf('transfer@2021-11-01'));
  });

  it('takes the build from ZHISHEN_BUILD, else the git commit of the checkout', () => {
    expect(currentBuild({ ZHISHEN_BUILD: 'v1.2.3+9abbef1' })).toBe('v1.2.3+9abbef1');
    expect(() => currentBuild({ ZHISHEN_BUILD: 'a b; rm -rf' })).toThrow(/ZHISHEN_BUILD/);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: path.resolve(import.meta.dirname, '..'), encoding: 'utf8' }).trim();
    expect(currentBuild({})).toBe(head);
  });
});
