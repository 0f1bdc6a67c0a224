import { describe, expect, it } from 'vitest';
import { defaultParameters, withPublishedVersions } from '../rules/params';
import { parseParameterProposalData } from '../rules/parameterProposal';
import { transferProposal } from '../rules/testkit/proposals';
import { citationsOf } from './activities';
import { noticeBlocks, type NoticeRecord } from './noticeContent';

const rejected: NoticeRecord = {
  caseId: 'TR-2027-0001',
  type: 'transfer',
  outcome: 'reject',
  amount: null,
  person: { name: '张伟', idNumber: '440402198001010013' },
  failed: [{ rule: 'TR-01', message: '已退休' }],
  applied: [
    { rule: 'TR-01', result: 'fail' },
    { rule: 'TR-02', result: 'pass' },
  ],
  policyVersion: 'transfer@2021-11-01+sha256:' + 'a'.repeat(64) + '/build:x',
  decidedOn: '2026-12-01',
};

const textOf = (r: NoticeRecord) =>
  noticeBlocks(r)
    .map((b) => b.text)
    .join('\n');

describe('a notice cites the 文号 and article of each rule applied', () => {
  it('from the shipped version that decided', () => {
    const text = textOf({ ...rejected, citations: citationsOf(defaultParameters, rejected) });
    expect(text).toContain('1. 退休人员（TR-01）：已退休。依据：医保办发〔2021〕43号 POLICY.md §2 TR-01');
    expect(text).toContain('TR-02 转出地中止参保：符合，依据 医保办发〔2021〕43号 POLICY.md §2 TR-02');
  });

  it('from a version published in the store, by the version the decision names', () => {
    const proposal = parseParameterProposalData(transferProposal('2027-01-01'));
    proposal.version.citation.articles['TR-01'] = '第二条第二款';
    const params = withPublishedVersions(defaultParameters, [{ business: 'transfer', version: proposal.version }]);
    const under2027 = { ...rejected, policyVersion: 'transfer@2027-01-01' };
    expect(textOf({ ...under2027, citations: citationsOf(params, under2027) })).toContain('依据：示例医保发〔2026〕2号 第二条第二款');
    // A decision under the shipped version still cites the shipped one.
    expect(textOf({ ...rejected, citations: citationsOf(params, rejected) })).toContain('依据：医保办发〔2021〕43号 POLICY.md §2 TR-01');
  });

  it('without citations, reads as before', () => {
    const text = textOf(rejected);
    expect(text).toContain('1. 退休人员（TR-01）：已退休\n');
    expect(text).not.toContain('依据');
  });
});
