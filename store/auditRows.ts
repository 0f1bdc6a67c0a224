import type { AuditEvent, HashedEvent } from './auditEvent';
import type { AuditStep } from './auditSteps';
import { isoUtc } from './sqlTime';

/** The columns read back for an event; times as UTC ISO text so both drivers agree. */
export const auditEventColumns = `case_id, seq, workflow_id, run_id, step, actor,
  ${isoUtc('at')} AS at,
  inputs, rule_set_version, outcome, evidence, idempotency_key, prev_hash, hash, canonical,
  to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS recorded_at`;

export interface AuditEventRow {
  case_id: string;
  seq: number;
  workflow_id: string;
  run_id: string;
  /** Only appendEvent writes the table, and it admits AUDIT_STEPS only. */
  step: AuditStep;
  actor: HashedEvent['actor'];
  at: string;
  inputs: HashedEvent['inputs'];
  rule_set_version: string | null;
  outcome: HashedEvent['outcome'];
  evidence: HashedEvent['evidence'];
  idempotency_key: string;
  prev_hash: string | null;
  hash: string;
  canonical: string;
  recorded_at: string;
}

/** The hashed fields as the columns hold them now (which may differ from what was hashed). */
export function hashedEventOfRow(row: AuditEventRow): HashedEvent {
  return {
    caseId: row.case_id,
    seq: row.seq,
    prevHash: row.prev_hash,
    workflowId: row.workflow_id,
    runId: row.run_id,
    step: row.step,
    actor: row.actor,
    at: row.at,
    inputs: row.inputs,
    ruleSetVersion: row.rule_set_version,
    outcome: row.outcome,
    evidence: row.evidence,
    idempotencyKey: row.idempotency_key,
  };
}

/** A stored event as the rest of the system sees it. */
export function auditEventOfRow(row: AuditEventRow): AuditEvent {
  return { ...hashedEventOfRow(row), hash: row.hash, recordedAt: row.recorded_at };
}
