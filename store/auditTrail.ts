import { setTimeout as sleep } from 'node:timers/promises';
import { AuditEventInput, type AuditEvent, type HashedEvent } from './auditEvent';
import { hashEvent } from './auditHash';
import { auditEventColumns, auditEventOfRow, type AuditEventRow } from './auditRows';
import type { Queryable } from './db';
import type { Store } from './store';

// Each lost race means another event for the same case was appended meanwhile; a case sees a
// handful of writers at most, so running out of attempts means something is wrong.
const maxAttempts = 50;

/**
 * Appends one event to its case's hash chain and returns it as stored. Idempotent: if the case
 * already has an event with the same idempotencyKey, that event is returned and nothing is written.
 * Needs no transaction: the unique (case_id, seq) and (case_id, idempotency_key) constraints decide
 * races, and the loser reads the chain again.
 */
export async function appendEvent(store: Store, input: AuditEventInput): Promise<AuditEvent> {
  const parsed = AuditEventInput.parse(input);
  const fields = { ...parsed, at: new Date(parsed.at).toISOString() };
  const db = store.db;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const existing = await findByIdempotencyKey(db, fields.caseId, fields.idempotencyKey);
    if (existing) return existing;
    const [last] = await db.query<{ seq: number; hash: string }>(
      'SELECT seq, hash FROM audit_events WHERE case_id = $1 ORDER BY seq DESC LIMIT 1',
      [fields.caseId],
    );
    const event: HashedEvent = { ...fields, seq: (last?.seq ?? 0) + 1, prevHash: last?.hash ?? null };
    const inserted = await insertEvent(db, event);
    if (inserted) return inserted;
    // Lost a race; a little jitter keeps many writers of one case from colliding in lockstep.
    await sleep(Math.random() * Math.min(50, attempt * 5));
  }
  throw new Error(`appendEvent: could not append to case ${fields.caseId} after ${maxAttempts} attempts`);
}

/** The events of one case, oldest first. */
export async function listEvents(store: Store, caseId: string): Promise<AuditEvent[]> {
  const rows = await store.db.query<AuditEventRow>(`SELECT ${auditEventColumns} FROM audit_events WHERE case_id = $1 ORDER BY seq`, [
    caseId,
  ]);
  return rows.map(auditEventOfRow);
}

async function findByIdempotencyKey(db: Queryable, caseId: string, key: string): Promise<AuditEvent | undefined> {
  const [row] = await db.query<AuditEventRow>(`SELECT ${auditEventColumns} FROM audit_events WHERE case_id = $1 AND idempotency_key = $2`, [
    caseId,
    key,
  ]);
  return row && auditEventOfRow(row);
}

async function insertEvent(db: Queryable, event: HashedEvent): Promise<AuditEvent | undefined> {
  const { canonical, hash } = hashEvent(event);
  // jsonb parameters travel as text and are cast in SQL: node-postgres and PGlite would
  // otherwise each serialise JS values their own way (arrays especially).
  const [row] = await db.query<AuditEventRow>(
    `INSERT INTO audit_events (case_id, seq, workflow_id, run_id, step, actor, at, inputs,
       rule_set_version, outcome, evidence, idempotency_key, prev_hash, hash, canonical)
     VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7::text::timestamptz, $8::text::jsonb,
       $9, $10::text::jsonb, $11::text::jsonb, $12, $13, $14, $15)
     ON CONFLICT DO NOTHING
     RETURNING ${auditEventColumns}`,
    [
      event.caseId,
      event.seq,
      event.workflowId,
      event.runId,
      event.step,
      JSON.stringify(event.actor),
      event.at,
      JSON.stringify(event.inputs),
      event.ruleSetVersion,
      event.outcome === null ? null : JSON.stringify(event.outcome),
      JSON.stringify(event.evidence),
      event.idempotencyKey,
      event.prevHash,
      hash,
      canonical,
    ],
  );
  return row && auditEventOfRow(row);
}
