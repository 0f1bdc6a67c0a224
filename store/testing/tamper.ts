import type { HashedEvent } from '../auditEvent';
import { hashEvent } from '../auditHash';
import { listEvents } from '../auditTrail';
import type { Store } from '../store';

// What an insider with full database access (the superuser) can do to the trail, for tamper tests.

/** Runs fn with the append-only triggers of the trail and its checkpoints off, as a superuser can. */
export async function withTriggersOff(store: Store, fn: () => Promise<unknown>): Promise<void> {
  const triggers = [
    ['audit_events', 'audit_events_append_only'],
    ['audit_checkpoints', 'audit_checkpoints_append_only'],
  ] as const;
  for (const [table, trigger] of triggers) await store.db.query(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`);
  try {
    await fn();
  } finally {
    for (const [table, trigger] of triggers) await store.db.query(`ALTER TABLE ${table} ENABLE TRIGGER ${trigger}`);
  }
}

/**
 * Changes one event's outcome and recomputes its hash and every later hash and link of its case,
 * so that the case's chain verifies again: the forgery the chain alone cannot see.
 */
export async function rewriteWithChain(store: Store, caseId: string, seq: number, outcome: HashedEvent['outcome']): Promise<void> {
  const events = await listEvents(store, caseId);
  let prevHash: string | null = events.find((e) => e.seq === seq - 1)?.hash ?? null;
  await withTriggersOff(store, async () => {
    for (const event of events.filter((e) => e.seq >= seq)) {
      const { hash: _hash, recordedAt: _recordedAt, ...fields } = event;
      const changed = { ...fields, prevHash, ...(event.seq === seq ? { outcome } : {}) };
      const { canonical, hash } = hashEvent(changed);
      await store.db.query(
        `UPDATE audit_events SET outcome = $3::text::jsonb, prev_hash = $4, hash = $5, canonical = $6 WHERE case_id = $1 AND seq = $2`,
        [caseId, event.seq, changed.outcome === null ? null : JSON.stringify(changed.outcome), prevHash, hash, canonical],
      );
      prevHash = hash;
    }
  });
}

/** Swaps the global places of two events. */
export async function swapGlobalPlaces(store: Store, a: number, b: number): Promise<void> {
  await withTriggersOff(store, async () => {
    const parking = 1_000_000_000;
    await store.db.query('UPDATE audit_events SET global_seq = $2 WHERE global_seq = $1', [a, parking]);
    await store.db.query('UPDATE audit_events SET global_seq = $2 WHERE global_seq = $1', [b, a]);
    await store.db.query('UPDATE audit_events SET global_seq = $2 WHERE global_seq = $1', [parking, b]);
  });
}

/** Deletes events matching a condition on audit_events (e.g. a case, or a chain's tail). */
export async function deleteEvents(store: Store, where: string, params: unknown[]): Promise<void> {
  await withTriggersOff(store, () => store.db.query(`DELETE FROM audit_events WHERE ${where}`, params));
}
