import { describe, expect, it } from 'vitest';
import { defaultParameters, withPublishedVersions } from '../rules/params';
import { parseParameterProposalData } from '../rules/parameterProposal';
import { reimbursementProposal } from '../rules/testkit/proposals';
import { withCitations, type CaseView } from './caseView';

const viewDecidedUnder = (ruleSetVersion: string): CaseView =>
  ({
    decision: {
      step: 'decided',
      at: '2027-02-01T02:00:00.000Z',
      outcome: 'review',
      amount: '100.00',
      reasons: ['RB-13'],
      checks: [
        { rule: 'RB-13', result: 'fail', severity: 'review', message: '大额' },
        { rule: 'EX-99', result: 'fail', severity: 'review', message: 'not a rule', basis: 'kept' },
      ],
      details: {},
      ruleSetVersion,
      caseFile: null,
    },
  }) as unknown as CaseView;

describe("the case page's 依据", () => {
  it('cites the 文号 and article of the version that decided, shipped or published', () => {
    const proposal = parseParameterProposalData(reimbursementProposal('2027-01-01'));
    const params = withPublishedVersions(defaultParameters, [{ business: 'reimbursement', version: proposal.version }]);
    const published = withCitations(viewDecidedUnder(`reimbursement@2027-01-01+sha256:${'b'.repeat(64)}/build:x`), params);
    expect(published.decision!.checks.map((c) => c.basis)).toEqual(['示例医保发〔2026〕1号 第13条', 'kept']);
    const shipped = withCitations(viewDecidedUnder('reimbursement@2024-09-01'), params);
    expect(shipped.decision!.checks[0]!.basis).toBe('POLICY.md §3 RB-13');
  });
});
