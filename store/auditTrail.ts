import { setTimeout as sleep } from 'node:timers/promises';
import { AuditEventInput, type AuditEvent, type HashedEvent } from './auditEvent';
import { hashEvent } from './auditHash';
import { auditEventColumns, auditEventOfRow, type AuditEventRow } from './auditRows';
import type { Queryable } from './db';
import type { Store } from './store';
import { trailHeadsOf } from './trailHeads';

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
  const heads = trailHeadsOf(store);
  // Where this process last left the chain: one round trip instead of two when it still ends there.
  const known = heads.get(fields.caseId);
  if (known) {
    const inserted = await insertAfterHead(db, { ...fields, seq: known.seq + 1, prevHash: known.hash });
    if (inserted) {
      heads.remember(fields.caseId, { seq: inserted.seq, hash: inserted.hash });
      return inserted;
    }
    heads.forget(fields.caseId);
  }
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const { existing, head } = await existingOrHead(db, fields.caseId, fields.idempotencyKey);
    if (head) heads.remember(fields.caseId, head);
    if (existing) return existing;
    const event: HashedEvent = { ...fields, seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? null };
    const inserted = await insertEvent(db, event);
    if (inserted) {
      heads.remember(fields.caseId, { seq: inserted.seq, hash: inserted.hash });
      return inserted;
    }
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
  const events = rows.map(auditEventOfRow);
  const last = events.at(-1);
  if (last) trailHeadsOf(store).remember(caseId, { seq: last.seq, hash: last.hash });
  return events;
}

/**
 * In one round trip: the case's event already recorded under this idempotency key, if any, and
 * where its chain ends now (seq and hash of its last event; none for a new case).
 */
async function existingOrHead(
  db: Queryable,
  caseId: string,
  key: string,
): Promise<{ existing: AuditEvent | undefined; head: { seq: number; hash: string } | undefined }> {
  const [row] = await db.query<Partial<AuditEventRow> & { head_seq: number | null; head_hash: string | null }>(
    `SELECT head.seq AS head_seq, head.hash AS head_hash, recorded.*
       FROM (SELECT 1) AS one
       LEFT JOIN (SELECT seq, hash FROM audit_events WHERE case_id = $1 ORDER BY seq DESC LIMIT 1) AS head ON true
       LEFT JOIN (SELECT ${auditEventColumns} FROM audit_events WHERE case_id = $1 AND idempotency_key = $2) AS recorded ON true`,
    [caseId, key],
  );
  return {
    existing: row?.case_id ? auditEventOfRow(row as AuditEventRow) : undefined,
    head: row?.head_seq != null ? { seq: Number(row.head_seq), hash: row.head_hash! } : undefined,
  };
}

/** The columns an event is inserted with, in the order of `insertValues`. */
const INSERT_COLUMNS = `case_id, seq, workflow_id, run_id, step, actor, at, inputs,
  rule_set_version, outcome, evidence, idempotency_key, prev_hash, hash, canonical`;

/**
 * One event's placeholders from `$first` on: jsonb parameters travel as text and are cast in SQL,
 * since node-postgres and PGlite would otherwise each serialise JS values their own way (arrays especially).
 */
function insertPlaceholders(first: number): string {
  const $ = (i: number) => `$${first + i}`;
  return `(${$(0)}, ${$(1)}, ${$(2)}, ${$(3)}, ${$(4)}, ${$(5)}::text::jsonb, ${$(6)}::text::timestamptz, ${$(7)}::text::jsonb,
    ${$(8)}, ${$(9)}::text::jsonb, ${$(10)}::text::jsonb, ${$(11)}, ${$(12)}, ${$(13)}, ${$(14)})`;
}

/** The values of one event's row, hashed, for `insertPlaceholders`. */
function insertValues(event: HashedEvent): unknown[] {
  const { canonical, hash } = hashEvent(event);
  return [
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
  ];
}

async function insertEvent(db: Queryable, event: HashedEvent): Promise<AuditEvent | undefined> {
  const [row] = await db.query<AuditEventRow>(
    `INSERT INTO audit_events (${INSERT_COLUMNS}) VALUES ${insertPlaceholders(1)}
     ON CONFLICT DO NOTHING
     RETURNING ${auditEventColumns}`,
    insertValues(event),
  );
  return row && auditEventOfRow(row);
}

/**
 * Inserts the event only if its case's chain ends exactly where the event links (at seq - 1 with
 * hash prevHash; no event yet for seq 1) and its idempotency key is new — what appendEvent would
 * otherwise read first. Undefined when it does not: the caller reads the chain and tries again.
 */
async function insertAfterHead(db: Queryable, event: HashedEvent): Promise<AuditEvent | undefined> {
  const [row] = await db.query<AuditEventRow>(
    `INSERT INTO audit_events (${INSERT_COLUMNS})
     SELECT $1::text, $2::integer, $3::text, $4::text, $5::text, $6::text::jsonb, $7::text::timestamptz, $8::text::jsonb,
       $9::text, $10::text::jsonb, $11::text::jsonb, $12::text, $13::text, $14::text, $15::text
     WHERE NOT EXISTS (SELECT 1 FROM audit_events WHERE case_id = $1::text AND seq >= $2::integer)
       AND ($2::integer = 1 OR EXISTS (SELECT 1 FROM audit_events WHERE case_id = $1::text AND seq = $2::integer - 1 AND hash = $13::text))
     ON CONFLICT DO NOTHING
     RETURNING ${auditEventColumns}`,
    insertValues(event),
  );
  return row && auditEventOfRow(row);
}

/**
 * Writes each event as the first of a new case's chain, in multi-row INSERTs of the rows
 * appendEvent writes (the global order is still assigned by the store's trigger). For building
 * large stores (benchmarks): it does not read the chains, so a case already in the trail is
 * refused by the primary key rather than appended to.
 */
export async function appendFirstEventsInBulk(store: Store, inputs: readonly AuditEventInput[], rowsPerInsert = 200): Promise<void> {
  for (let i = 0; i < inputs.length; i += rowsPerInsert) {
    const rows = inputs.slice(i, i + rowsPerInsert).map((input) => {
      const parsed = AuditEventInput.parse(input);
      return insertValues({ ...parsed, at: new Date(parsed.at).toISOString(), seq: 1, prevHash: null });
    });
    await store.db.query(
      `INSERT INTO audit_events (${INSERT_COLUMNS}) VALUES ${rows.map((row, n) => insertPlaceholders(n * row.length + 1)).join(', ')}`,
      rows.flat(),
    );
  }
}
