import { afterAll, beforeAll, expect, it } from 'vitest';
import { drawSample } from '../audit/sampling';
import { listEvents } from './auditTrail';
import { automatedApprovals, getSample, listSamples, recordVerdict, saveSample, SAMPLES_TRAIL_ID } from './auditSamples';
import type { Store } from './store';
import { verifyChain } from './verifyChain';
import { writeAuditedCases } from './testing/auditedCases';
import { backendKinds, type TestBackend } from './testing/backends';
import { describeEachBackend } from './testing/onPostgres';

describeEachBackend(backendKinds, '抽检 samples on $name', (kind) => {
  let backend: TestBackend;
  let store: Store;
  beforeAll(async () => {
    backend = kind.create();
    store = await backend.open();
    await writeAuditedCases(store);
  });
  afterAll(async () => {
    await store?.close();
    await backend?.cleanup();
  });

  const auto = Array.from({ length: 12 }, (_, i) => `AUTO-${String(i + 1).padStart(2, '0')}`);

  it('takes as candidates only the automated approvals of the business decided in the Beijing month', async () => {
    // AMT-1 is approved but by a clerk; DEC-1 was decided on the last evening of October (Beijing).
    expect(await automatedApprovals(store, 'lump-sum', '2026-11')).toEqual(auto);
    expect(await automatedApprovals(store, 'lump-sum', '2026-10')).toEqual(['DEC-1']);
    expect(await automatedApprovals(store, 'transfer', '2026-11')).toEqual(['AUTO-T1']);
    await expect(automatedApprovals(store, 'lump-sum', '2026-13')).rejects.toThrow(/YYYY-MM/);
  });

  it('keeps a draw with its seed and digest, in the store and the _samples trail, and repeats it', async () => {
    const candidates = await automatedApprovals(store, 'lump-sum', '2026-11');
    const draw = drawSample(candidates, { rateBp: 500, minSize: 3, seed: 'fixed-seed' });
    const at = new Date('2026-12-01T02:00:00Z');
    const saved = await saveSample(
      store,
      {
        business: 'lump-sum',
        month: '2026-11',
        rateBp: 500,
        minSize: 3,
        seed: 'fixed-seed',
        method: draw.method,
        candidateCount: draw.ordered.length,
        candidatesDigest: draw.candidatesDigest,
        caseIds: draw.drawn,
        drawnBy: 'audit',
      },
      at,
    );
    expect(saved.caseIds).toHaveLength(3);
    expect(await getSample(store, saved.sampleId)).toMatchObject({
      seed: 'fixed-seed',
      caseIds: draw.drawn,
      drawnBy: 'audit',
      drawnAt: '2026-12-01T02:00:00.000Z',
      verdicts: [],
    });
    const [drawn] = await listEvents(store, SAMPLES_TRAIL_ID);
    expect(drawn).toMatchObject({ step: 'sample-drawn', actor: { kind: 'user', name: 'audit' }, outcome: { caseIds: draw.drawn } });
    expect(drawn!.inputs).toMatchObject({ seed: 'fixed-seed', candidatesDigest: draw.candidatesDigest, candidateCount: 12 });
    // Anyone with the record draws the same cases again.
    expect(
      drawSample(await automatedApprovals(store, 'lump-sum', '2026-11'), { rateBp: 500, minSize: 3, seed: 'fixed-seed' }).drawn,
    ).toEqual(saved.caseIds);

    const [first, second] = saved.caseIds as [string, string];
    expect(
      await recordVerdict(store, { sampleId: saved.sampleId, caseId: first, verdict: 'agree', rule: null, note: '', by: 'audit' }, at),
    ).toMatchObject({ ok: true });
    expect(
      await recordVerdict(
        store,
        { sampleId: saved.sampleId, caseId: second, verdict: 'disagree', rule: 'RB-07', note: '应不予受理', by: 'audit' },
        at,
      ),
    ).toMatchObject({ ok: true, verdict: { verdict: 'disagree', rule: 'RB-07' } });
    // Once per case, never overwritten; only drawn cases; a disagreement says why.
    expect(
      await recordVerdict(
        store,
        { sampleId: saved.sampleId, caseId: first, verdict: 'disagree', rule: 'RB-01', note: 'x', by: 'other' },
        at,
      ),
    ).toEqual({ ok: false, reason: 'already-judged' });
    expect(
      await recordVerdict(store, { sampleId: saved.sampleId, caseId: 'OVR-1', verdict: 'agree', rule: null, note: '', by: 'audit' }, at),
    ).toEqual({ ok: false, reason: 'not-in-sample' });
    expect(await recordVerdict(store, { sampleId: 999, caseId: first, verdict: 'agree', rule: null, note: '', by: 'audit' }, at)).toEqual({
      ok: false,
      reason: 'no-sample',
    });
    await expect(
      recordVerdict(
        store,
        { sampleId: saved.sampleId, caseId: saved.caseIds[2]!, verdict: 'disagree', rule: null, note: '', by: 'audit' },
        at,
      ),
    ).rejects.toThrow(/规则和理由/);

    const again = await getSample(store, saved.sampleId);
    expect(again!.verdicts.map((v) => [v.caseId, v.verdict, v.decidedBy]).sort()).toEqual(
      [
        [first, 'agree', 'audit'],
        [second, 'disagree', 'audit'],
      ].sort(),
    );
    const trail = await listEvents(store, second);
    expect(trail.at(-1)).toMatchObject({
      step: 'sample-verdict',
      actor: { kind: 'user', name: 'audit' },
      outcome: { verdict: 'disagree', rule: 'RB-07', note: '应不予受理' },
    });
    expect(await verifyChain(store, second)).toMatchObject({ ok: true });
    expect((await listSamples(store)).map((s) => s.sampleId)).toEqual([saved.sampleId]);
  });
});
