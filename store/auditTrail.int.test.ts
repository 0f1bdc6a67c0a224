import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendEvent, listEvents } from './auditTrail';
import { hashEvent } from './auditHash';
import type { AuditStep } from './auditSteps';
import { verifyChain } from './verifyChain';
import type { Store } from './store';
import { backendKinds, type TestBackend } from './testing/backends';
import { sampleEvent } from './testing/sampleEvent';
import { describeEachBackend } from './testing/onPostgres';
import { trailHeadsOf } from './trailHeads';

describeEachBackend(backendKinds, 'audit trail on $name', (kind) => {
  let backend: TestBackend;
  let store: Store;
  beforeAll(async () => {
    backend = kind.create();
    store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
    await backend?.cleanup();
  });

  /** Lets a test tamper with events the way an attacker with database access could. */
  async function withTriggerDisabled(fn: () => Promise<unknown>): Promise<void> {
    await store.db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    try {
      await fn();
    } finally {
      await store.db.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    }
  }

  it('chains the events of a case: seq from 1, each prevHash the previous hash', async () => {
    const caseId = 'CHAIN-1';
    const steps = ['intake', 'facts-read', 'decided', 'entered', 'closed'] as const;
    for (const step of steps) await appendEvent(store, sampleEvent({ caseId, step }));
    const events = await listEvents(store, caseId);
    expect(events.map((e) => [e.seq, e.step])).toEqual(steps.map((step, i) => [i + 1, step]));
    expect(events[0]?.prevHash).toBeNull();
    for (let i = 1; i < events.length; i++) expect(events[i]?.prevHash).toBe(events[i - 1]?.hash);
    expect(await verifyChain(store, caseId)).toEqual({ ok: true, cases: 1, events: 5 });
  });

  it('stores every field as given, with the time normalised to UTC, and the hash is over all of them', async () => {
    const input = sampleEvent({ caseId: 'FIELDS-1', actor: { kind: 'user', name: '王芳' } });
    const stored = await appendEvent(store, input);
    expect(stored).toMatchObject({ ...input, at: '2025-03-03T01:15:00.123Z', seq: 1, prevHash: null });
    const { hash, recordedAt, ...hashed } = stored;
    expect(hash).toBe(hashEvent(hashed).hash);
    expect(recordedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await listEvents(store, 'FIELDS-1')).toEqual([stored]);
  });

  it('writes a retried event once: same idempotency key, same stored event', async () => {
    const caseId = 'RETRY-1';
    const first = await appendEvent(store, sampleEvent({ caseId, step: 'decided', runId: 'r1' }));
    // The retry runs later on its own clock; it is still the same event.
    const retry = await appendEvent(store, sampleEvent({ caseId, step: 'decided', runId: 'r1', at: '2025-03-03T09:20:00+08:00' }));
    expect(retry).toEqual(first);
    expect(await listEvents(store, caseId)).toHaveLength(1);
  });

  it('writes a retried event once even when the attempts race', async () => {
    const caseId = 'RETRY-RACE-1';
    await appendEvent(store, sampleEvent({ caseId, step: 'intake' }));
    const attempts = await Promise.all(Array.from({ length: 8 }, () => appendEvent(store, sampleEvent({ caseId, step: 'decided' }))));
    expect(new Set(attempts.map((e) => e.hash)).size).toBe(1);
    expect((await listEvents(store, caseId)).map((e) => e.step)).toEqual(['intake', 'decided']);
  });

  it('keeps one contiguous chain when many events of one case are appended at once', async () => {
    const caseId = 'CONCURRENT-1';
    const appended = await Promise.all(
      Array.from({ length: 20 }, (_, i) => appendEvent(store, sampleEvent({ caseId, runId: `run-${i}` }))),
    );
    expect(appended.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await verifyChain(store, caseId)).toEqual({ ok: true, cases: 1, events: 20 });
  });

  it('links to the chain as stored when the head this process remembers is stale or wrong', async () => {
    const caseId = 'HINT-1';
    const first = await appendEvent(store, sampleEvent({ caseId, step: 'intake' }));
    const second = await appendEvent(store, sampleEvent({ caseId, step: 'decided' }));
    // As if another process had appended the second event: this one still remembers the first.
    trailHeadsOf(store).remember(caseId, { seq: first.seq, hash: first.hash });
    const third = await appendEvent(store, sampleEvent({ caseId, step: 'entered' }));
    expect([third.seq, third.prevHash]).toEqual([3, second.hash]);
    trailHeadsOf(store).remember(caseId, { seq: 3, hash: 'f'.repeat(64) });
    const fourth = await appendEvent(store, sampleEvent({ caseId, step: 'closed' }));
    expect([fourth.seq, fourth.prevHash]).toEqual([4, third.hash]);
    // A retry with the head remembered right writes nothing.
    expect(await appendEvent(store, sampleEvent({ caseId, step: 'closed' }))).toEqual(fourth);
    expect((await listEvents(store, caseId)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect((await verifyChain(store, caseId)).ok).toBe(true);
  });

  it('refuses to update or delete an event, and to truncate the table', async () => {
    await appendEvent(store, sampleEvent({ caseId: 'LOCKED-1' }));
    await expect(store.db.query(`UPDATE audit_events SET step = 'x' WHERE case_id = 'LOCKED-1'`)).rejects.toThrow(/append-only/);
    await expect(store.db.query(`DELETE FROM audit_events WHERE case_id = 'LOCKED-1'`)).rejects.toThrow(/append-only/);
    await expect(store.db.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    expect(await listEvents(store, 'LOCKED-1')).toHaveLength(1);
  });

  it('catches an edited payload and names the case and seq', async () => {
    const caseId = 'TAMPER-PAYLOAD';
    for (const step of ['intake', 'decided', 'closed'] as const) await appendEvent(store, sampleEvent({ caseId, step }));
    await withTriggerDisabled(() =>
      store.db.query(`UPDATE audit_events SET outcome = jsonb_set(outcome, '{amount}', '"9987.60"') WHERE case_id = $1 AND seq = 2`, [
        caseId,
      ]),
    );
    expect(await verifyChain(store, caseId)).toMatchObject({ ok: false, caseId, seq: 2, problem: 'payload mismatch' });
  });

  it('catches an event whose hashed text was rewritten', async () => {
    const caseId = 'TAMPER-CANONICAL';
    for (const step of ['intake', 'decided'] as const) await appendEvent(store, sampleEvent({ caseId, step }));
    await withTriggerDisabled(() =>
      store.db.query(
        `UPDATE audit_events SET canonical = replace(canonical, '987.60', '9987.60'),
           outcome = jsonb_set(outcome, '{amount}', '"9987.60"') WHERE case_id = $1 AND seq = 2`,
        [caseId],
      ),
    );
    expect(await verifyChain(store, caseId)).toMatchObject({ ok: false, caseId, seq: 2, problem: 'hash mismatch' });
  });

  it('catches an event rewritten with a fresh hash: the next event no longer links to it', async () => {
    const caseId = 'TAMPER-REHASH';
    for (const step of ['intake', 'decided', 'closed'] as const) await appendEvent(store, sampleEvent({ caseId, step }));
    const [original] = (await listEvents(store, caseId)).filter((e) => e.seq === 2);
    if (!original) throw new Error('event 2 missing');
    const { hash: _hash, recordedAt: _recordedAt, ...fields } = original;
    const forged = hashEvent({ ...fields, outcome: { outcome: 'approve', amount: '9987.60', reasons: [], checks: [] } });
    await withTriggerDisabled(() =>
      store.db.query(`UPDATE audit_events SET outcome = $3::text::jsonb, canonical = $4, hash = $5 WHERE case_id = $1 AND seq = $2`, [
        caseId,
        2,
        JSON.stringify({ outcome: 'approve', amount: '9987.60', reasons: [], checks: [] }),
        forged.canonical,
        forged.hash,
      ]),
    );
    expect(await verifyChain(store, caseId)).toMatchObject({ ok: false, caseId, seq: 3, problem: 'broken link' });
  });

  it('catches a deleted event as missing, and the whole-store check finds the one bad case', async () => {
    const caseId = 'TAMPER-DELETE';
    for (const step of ['intake', 'decided', 'entered', 'closed'] as const) await appendEvent(store, sampleEvent({ caseId, step }));
    await withTriggerDisabled(() => store.db.query('DELETE FROM audit_events WHERE case_id = $1 AND seq = 2', [caseId]));
    expect(await verifyChain(store, caseId)).toMatchObject({ ok: false, caseId, seq: 2, problem: 'missing event' });
    const whole = await verifyChain(store);
    expect(whole.ok).toBe(false);
  });

  it('catches a deleted first event', async () => {
    const caseId = 'TAMPER-DELETE-FIRST';
    for (const step of ['intake', 'decided'] as const) await appendEvent(store, sampleEvent({ caseId, step }));
    await withTriggerDisabled(() => store.db.query('DELETE FROM audit_events WHERE case_id = $1 AND seq = 1', [caseId]));
    expect(await verifyChain(store, caseId)).toMatchObject({ ok: false, caseId, seq: 1, problem: 'missing event' });
  });

  it('rejects an event that does not fit the schema before touching the database', async () => {
    await expect(appendEvent(store, sampleEvent({ caseId: '' }))).rejects.toThrow();
    await expect(appendEvent(store, sampleEvent({ at: 'yesterday' }))).rejects.toThrow();
    await expect(
      appendEvent(store, sampleEvent({ evidence: [{ kind: 'receipt', ref: 'r.png', sha256: 'not-a-hash' }] })),
    ).rejects.toThrow();
    // A step outside AUDIT_STEPS (here from untyped code) would be a trail nobody can read by name.
    await expect(appendEvent(store, sampleEvent({ caseId: 'STEP-1', step: 'decidd' as AuditStep }))).rejects.toThrow(/step/);
    expect(await listEvents(store, 'STEP-1')).toEqual([]);
  });
});

describeEachBackend(backendKinds, 'whole-store verification on $name', (kind) => {
  it('counts every case and event of an untouched store', async () => {
    const backend = kind.create();
    const store = await backend.open();
    try {
      for (const caseId of ['A', 'B', 'C']) {
        for (const step of ['intake', 'decided'] as const) await appendEvent(store, sampleEvent({ caseId, step }));
      }
      expect(await verifyChain(store)).toEqual({ ok: true, cases: 3, events: 6 });
    } finally {
      await store.close();
      await backend.cleanup();
    }
  });
});
