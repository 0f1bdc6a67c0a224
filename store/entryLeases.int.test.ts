import { expect, it } from 'vitest';
import { currentEntryLease, takeEntryLease } from './entryLeases';
import type { Store } from './store';
import { backendKinds, storeForSuite } from './testing/backends';
import { describeEachBackend } from './testing/onPostgres';

const at = (second: number) => new Date(Date.UTC(2026, 11, 1, 8, 0, second)).toISOString();
const minutes = 3 * 60_000;

describeEachBackend(backendKinds, 'entry leases on $name', (kind) => {
  let store: Store;
  storeForSuite(kind, (opened) => (store = opened));

  it('gives token 1 to the first attempt, the same token to it again, and the next to a newer attempt', async () => {
    const caseId = 'LEASE-1';
    expect(await currentEntryLease(store, caseId)).toBeUndefined();
    expect(await takeEntryLease(store, { caseId, holder: 'wf/run/5/1', attemptScheduledAt: at(0), ttlMs: minutes })).toEqual({
      ok: true,
      token: 1,
    });
    expect(await takeEntryLease(store, { caseId, holder: 'wf/run/5/1', attemptScheduledAt: at(0), ttlMs: minutes })).toEqual({
      ok: true,
      token: 1,
    });
    expect(await takeEntryLease(store, { caseId, holder: 'wf/run/5/2', attemptScheduledAt: at(12), ttlMs: minutes })).toEqual({
      ok: true,
      token: 2,
    });
    expect(await currentEntryLease(store, caseId)).toMatchObject({
      token: 2,
      holder: 'wf/run/5/2',
      attemptScheduledAt: at(12),
      live: true,
    });
  });

  it('refuses a stale attempt while a newer one holds the lease, and leaves the lease as it was', async () => {
    const caseId = 'LEASE-2';
    await takeEntryLease(store, { caseId, holder: 'wf/run/5/2', attemptScheduledAt: at(12), ttlMs: minutes });
    const stale = await takeEntryLease(store, { caseId, holder: 'wf/run/5/1', attemptScheduledAt: at(0), ttlMs: minutes });
    expect(stale).toMatchObject({ ok: false, current: { token: 1, holder: 'wf/run/5/2', live: true } });
    expect(await currentEntryLease(store, caseId)).toMatchObject({ token: 1, holder: 'wf/run/5/2' });
  });

  it('lets anyone take over an expired lease, with the next token', async () => {
    const caseId = 'LEASE-3';
    await takeEntryLease(store, { caseId, holder: 'wf/run/5/3', attemptScheduledAt: at(30), ttlMs: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect(await currentEntryLease(store, caseId)).toMatchObject({ token: 1, live: false });
    // Even an attempt Temporal scheduled earlier (another run, say) once the holder's time is up.
    expect(await takeEntryLease(store, { caseId, holder: 'other/run/5/1', attemptScheduledAt: at(0), ttlMs: minutes })).toEqual({
      ok: true,
      token: 2,
    });
  });

  it('lets exactly one of many attempts racing for a case win each token', async () => {
    const caseId = 'LEASE-4';
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        takeEntryLease(store, { caseId, holder: `wf/run/5/${i + 1}`, attemptScheduledAt: at(i), ttlMs: minutes }),
      ),
    );
    const tokens = results.flatMap((r) => (r.ok ? [r.token] : []));
    expect(new Set(tokens).size).toBe(tokens.length);
    // Whoever holds it now is the newest attempt that got in, and its token is the highest handed out.
    const current = await currentEntryLease(store, caseId);
    expect(current!.token).toBe(Math.max(...tokens));
  });

  it('names what is wrong with a request', async () => {
    await expect(takeEntryLease(store, { caseId: '', holder: 'h', attemptScheduledAt: at(0), ttlMs: minutes })).rejects.toThrow(/caseId/);
    await expect(takeEntryLease(store, { caseId: 'X', holder: 'h', attemptScheduledAt: 'yesterday', ttlMs: minutes })).rejects.toThrow(
      /attemptScheduledAt/,
    );
  });
});
