import { expect, it } from 'vitest';
import { parseParameterProposalData } from '../rules/parameterProposal';
import { defaultParameters } from '../rules/params';
import { reimbursementProposal, transferProposal } from '../rules/testkit/proposals';
import { listEvents } from './auditTrail';
import {
  approveParameterVersion,
  getParameterVersion,
  listParameterVersions,
  loadPublishedParameters,
  ParameterVersionRefused,
  proposeParameterVersion,
  type PolicyActor,
} from './parameterVersions';
import type { Store } from './store';
import { backendKinds, storeForSuite } from './testing/backends';
import { describeEachBackend } from './testing/onPostgres';
import { ADMIN_TRAIL_ID } from './userAdmin';
import { verifyChain } from './verifyChain';

const manager = (name: string): PolicyActor => ({ actor: { kind: 'user', name }, role: 'manager', via: 'cli' });
const SHA = 'a'.repeat(64);
const TODAY = '2026-12-01';

describeEachBackend(backendKinds, 'parameter versions on $name', (kind) => {
  let store: Store;
  storeForSuite(kind, (opened) => (store = opened));
  const propose = (by: PolicyActor, data: unknown, today = TODAY) =>
    proposeParameterVersion(store, by, { proposal: parseParameterProposalData(data), file: 'p.json', sha256: SHA }, today);

  it('start from the shipped files alone, the calendar from the store', async () => {
    const params = await loadPublishedParameters(store);
    expect(params.reimbursement).toEqual(defaultParameters.reimbursement);
    expect(params.calendar.years).toEqual(defaultParameters.calendar.years);
    expect(await listParameterVersions(store)).toEqual([]);
  });

  it('publish a proposed version only when a second manager approves it, and merge it over the seed', async () => {
    const proposed = await propose(manager('li'), reimbursementProposal('2027-01-01'));
    expect(proposed).toMatchObject({
      business: 'reimbursement',
      effectiveFrom: '2027-01-01',
      documentNumber: '示例医保发〔2026〕1号',
      status: 'proposed',
      proposedBy: 'li',
      approvedBy: null,
      fileSha256: SHA,
    });
    // Proposed is not in force.
    expect((await loadPublishedParameters(store)).reimbursement.versions.map((v) => v.effectiveFrom)).toEqual(['2023-01-01', '2024-09-01']);
    await expect(approveParameterVersion(store, manager('li'), proposed.id, TODAY)).rejects.toThrow(/second manager/);
    await expect(approveParameterVersion(store, { ...manager('zhao'), role: 'supervisor' }, proposed.id, TODAY)).rejects.toBeInstanceOf(
      ParameterVersionRefused,
    );
    const approved = await approveParameterVersion(store, manager('wang'), proposed.id, TODAY);
    expect(approved).toMatchObject({ status: 'published', proposedBy: 'li', approvedBy: 'wang' });
    expect(approved.approvedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await expect(approveParameterVersion(store, manager('zhang'), proposed.id, TODAY)).rejects.toThrow(/already published/);

    const params = await loadPublishedParameters(store);
    const published = params.reimbursement.versions.at(-1)!;
    expect(published).toMatchObject({
      effectiveFrom: '2027-01-01',
      deductible: { 2: '400.00' },
      citation: { documentNumber: '示例医保发〔2026〕1号' },
      approval: { id: proposed.id, proposedBy: 'li', approvedBy: 'wang', approvedAt: approved.approvedAt },
    });
    expect(await getParameterVersion(store, proposed.id)).toEqual(approved);
    expect(await getParameterVersion(store, 999_999)).toBeUndefined();
  });

  it("refuse a date not in the future, or on a published version's date, and a non-manager", async () => {
    await expect(propose(manager('li'), transferProposal('2026-12-01'))).rejects.toThrow(/not in the future/);
    await expect(propose(manager('li'), reimbursementProposal('2027-01-01'))).rejects.toThrow(
      /reimbursement@2027-01-01 is already published: two versions on one date would overlap/,
    );
    await expect(propose({ ...manager('chen'), role: 'clerk' }, transferProposal('2027-03-01'))).rejects.toThrow(
      /chen is clerk; only a manager proposes/,
    );
    // Two proposals for the same date: whichever is approved first wins; the other may no longer be.
    const first = await propose(manager('li'), transferProposal('2027-03-01'));
    const rival = await propose(manager('zhao'), transferProposal('2027-03-01'));
    const later = await propose(manager('li'), transferProposal('2027-06-01'));
    await approveParameterVersion(store, manager('wang'), later.id, TODAY);
    // A version dated before a published later one is in force until it.
    await approveParameterVersion(store, manager('wang'), first.id, TODAY);
    await expect(approveParameterVersion(store, manager('wang'), rival.id, TODAY)).rejects.toThrow(
      /transfer@2027-03-01 is already published/,
    );
    // A proposal whose date has passed by the time it is approved.
    const soon = await propose(manager('li'), reimbursementProposal('2027-02-01'));
    await expect(approveParameterVersion(store, manager('wang'), soon.id, '2027-02-01')).rejects.toThrow(/not in the future/);
    expect((await listParameterVersions(store, { business: 'transfer' })).map((v) => [v.effectiveFrom, v.status])).toEqual([
      ['2027-03-01', 'published'],
      ['2027-03-01', 'proposed'],
      ['2027-06-01', 'published'],
    ]);
  });

  it('keep a published version as it is: no update, no delete', async () => {
    const [published] = await listParameterVersions(store, { business: 'reimbursement' });
    await expect(store.db.query(`UPDATE parameter_versions SET document_number = 'x' WHERE id = $1`, [published!.id])).rejects.toThrow(
      /is published/,
    );
    await expect(store.db.query(`DELETE FROM parameter_versions WHERE id = $1`, [published!.id])).rejects.toThrow(/is published/);
  });

  it('write every act and refusal to the _admin trail, with who, the file sha256 and the version', async () => {
    const events = await listEvents(store, ADMIN_TRAIL_ID);
    const steps = events.map((e) => [e.step, e.actor.name]);
    expect(steps.slice(0, 5)).toEqual([
      ['policy-proposed', 'li'],
      ['policy-refused', 'li'],
      ['policy-refused', 'zhao'],
      ['policy-approved', 'wang'],
      ['policy-refused', 'zhang'],
    ]);
    const approved = events.find((e) => e.step === 'policy-approved')!;
    expect(approved.outcome).toMatchObject({
      policyVersion: 'reimbursement@2027-01-01',
      proposedBy: 'li',
      approvedBy: 'wang',
      sha256: SHA,
    });
    expect(approved.evidence).toEqual([{ kind: 'parameter-file', ref: 'p.json', sha256: SHA }]);
    const refused = events.find((e) => e.step === 'policy-refused' && e.actor.name === 'chen')!;
    expect(refused.outcome).toEqual({ reason: expect.stringMatching(/only a manager/) });
    expect(refused.inputs).toMatchObject({ act: 'propose', business: 'transfer', effectiveFrom: '2027-03-01', sha256: SHA });
    expect((await verifyChain(store, ADMIN_TRAIL_ID)).ok).toBe(true);
  });
});
