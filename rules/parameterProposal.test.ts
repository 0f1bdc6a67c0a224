import { describe, expect, it } from 'vitest';
import { citationText } from './citation';
import { ParameterFileError, parseParameterProposal, parseParameterProposalData } from './parameterProposal';
import { citedVersionOf, defaultParameters, ruleCitationOf, withPublishedVersions } from './params';
import { rulesOf } from './catalogue';
import { decide } from './engine';
import { parseCaseFile } from './parseCaseFile';
import { exampleInput } from './testkit/examples';
import { reimbursementProposal, shiftedYears, transferProposal } from './testkit/proposals';

/** The message a broken proposal is refused with. */
const refusal = (data: unknown): string => {
  try {
    parseParameterProposalData(data);
  } catch (err) {
    expect(err).toBeInstanceOf(ParameterFileError);
    return (err as Error).message;
  }
  throw new Error('the proposal was accepted');
};

describe('the shipped parameter files', () => {
  it('cite a document and one article for every rule of their business', () => {
    for (const [business, key] of [
      ['lump-sum', 'lumpSum'],
      ['transfer', 'transfer'],
      ['reimbursement', 'reimbursement'],
    ] as const) {
      for (const version of defaultParameters[key].versions) {
        expect(version.citation.documentNumber).not.toBe('');
        expect(Object.keys(version.citation.articles).sort()).toEqual(rulesOf(business).map((r) => r.id));
      }
    }
  });

  it('cite 医保办发〔2021〕43号 for transfers, as POLICY.md does, and the POLICY.md section where it names no document', () => {
    expect(ruleCitationOf(defaultParameters, 'transfer@2021-11-01', 'TR-01')).toEqual({
      documentNumber: '医保办发〔2021〕43号',
      article: 'POLICY.md §2 TR-01',
    });
    expect(citationText(ruleCitationOf(defaultParameters, 'transfer@2021-11-01+sha256:ab/build:x', 'TR-01')!)).toBe(
      '医保办发〔2021〕43号 POLICY.md §2 TR-01',
    );
    expect(citationText(ruleCitationOf(defaultParameters, 'reimbursement@2024-09-01', 'RB-13')!)).toBe('POLICY.md §3 RB-13');
    expect(ruleCitationOf(defaultParameters, 'reimbursement@2024-09-01', 'LS-01')).toBeUndefined();
    expect(ruleCitationOf(defaultParameters, 'reimbursement@2019-01-01', 'RB-01')).toBeUndefined();
    expect(ruleCitationOf(defaultParameters, null, 'RB-01')).toBeUndefined();
  });
});

describe('a proposal file', () => {
  it('reads one version of one business, citation included', () => {
    const proposal = parseParameterProposal(JSON.stringify(reimbursementProposal('2027-01-01')));
    expect(proposal.business).toBe('reimbursement');
    expect(proposal.version).toMatchObject({ effectiveFrom: '2027-01-01', deductible: { 2: '400.00' } });
    expect(proposal.version.citation).toMatchObject({ documentNumber: '示例医保发〔2026〕1号', articles: { 'RB-13': '第13条' } });
    expect(parseParameterProposal('\ufeff' + JSON.stringify(transferProposal('2027-01-01'))).business).toBe('transfer');
  });

  it('is refused with the field named: wrong type, range, missing 文号 or article, unknown field', () => {
    const p = () => reimbursementProposal('2027-01-01');
    const ratio = p();
    ratio.version.bFirstPay = '1.5';
    expect(refusal(ratio)).toBe('version.bFirstPay: must be between 0 and 1');
    const money = p();
    money.version.deductible['3'] = '1000';
    expect(refusal(money)).toMatch(/^version\.deductible\.3: expected money like "123\.45"/);
    const months = p();
    months.version.limits.claimDeadlineMonths = 1200;
    expect(refusal(months)).toBe('version.limits.claimDeadlineMonths: must be at most 120');
    const noNumber = p();
    noNumber.version.citation.documentNumber = '  ';
    expect(refusal(noNumber)).toBe('version.citation.documentNumber: the document number (文号) must not be empty');
    const noArticle = p();
    delete noArticle.version.citation.articles['RB-07'];
    expect(refusal(noArticle)).toBe('version.citation.articles.RB-07: the article (条款) rule RB-07 applies is missing');
    const foreign = p();
    foreign.version.citation.articles['TR-01'] = '第一条';
    expect(refusal(foreign)).toBe('version.citation.articles.TR-01: TR-01 is not a rule of 零星报销 (reimbursement)');
    const typo = p();
    typo.version.limits.largePayble = '60000.00';
    expect(refusal(typo)).toBe('version.limits.largePayble: not a field of the format');
    const date = p();
    date.version.effectiveFrom = '2027-02-30';
    expect(refusal(date)).toBe('version.effectiveFrom: 2027-02-30 is not a real date');
    expect(refusal({ business: 'pension', version: {} })).toMatch(/^business: expected business lump-sum, transfer or reimbursement/);
    const approved = p();
    approved.version.approval = { id: 1, proposedBy: 'a', approvedBy: 'b', approvedAt: 'now' };
    expect(refusal(approved)).toMatch(/^version\.approval: /);
    expect(() => parseParameterProposal('{"business":')).toThrow(/^\(file\): not valid JSON/);
  });
});

describe('published versions over the seed', () => {
  it('decide the cases from their effective date on, and leave earlier cases to the version before', () => {
    const proposal = parseParameterProposalData(reimbursementProposal('2027-01-01'));
    const approval = { id: 7, proposedBy: 'li', approvedBy: 'wang', approvedAt: '2026-12-02T02:00:00.000Z' };
    const params = withPublishedVersions(defaultParameters, [{ business: 'reimbursement', version: { ...proposal.version, approval } }]);
    expect(params.reimbursement.versions.map((v) => v.effectiveFrom)).toEqual(['2023-01-01', '2024-09-01', '2027-01-01']);
    expect(citedVersionOf(params, 'reimbursement@2027-01-01')?.approval).toEqual(approval);
    const decideUnder = (caseFile: unknown) => {
      const parsed = parseCaseFile(caseFile, params);
      if (!parsed.ok) throw new Error(parsed.error);
      return decide(parsed.caseFile, params);
    };
    // Admitted 2027-06-06 (the worked example two years on): the new version, deductible 400.00.
    const after = decideUnder(shiftedYears(exampleInput('RB-2026-0019'), 2));
    expect(after).toMatchObject({ policyVersion: 'reimbursement@2027-01-01', details: { deductible: '400.00' } });
    // Admitted 2026-06-06: still the shipped 2024-09-01 version, as the worked example says.
    const before = decideUnder(shiftedYears(exampleInput('RB-2026-0019'), 1));
    expect(before).toMatchObject({ policyVersion: 'reimbursement@2024-09-01', details: { deductible: '500.00' } });
    expect(withPublishedVersions(defaultParameters, [])).toBe(defaultParameters);
  });
});
