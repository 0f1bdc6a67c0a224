/**
 * Recorded decisions for the simulation benchmark and tests, as activities/decision.ts
 * `decideAndRecord` writes them: the same inputs (parsed case file, calendar), outcome, rule-set
 * version and evidence. One at a time through `appendEvent`, or many at once as the same rows
 * (hashed by store/auditHash.ts) in multi-row INSERTs, for a store of 100,000 decisions.
 */
import { sha256Json } from '../activities/hashing';
import { rulebookActor } from '../activities/decision';
import { ruleSetVersionOf } from '../audit/ruleSetVersion';
import { decide, parseCaseFile, type Parameters } from '../rules';
import { calendarRecord } from '../rules/calendar';
import type { Decision } from '../rules/schemas';
import { appendEvent, type Store } from '../store';
import { AuditEventInput, type HashedEvent } from '../store/auditEvent';
import { hashEvent } from '../store/auditHash';

export interface DecisionToRecord {
  caseFile: unknown;
  /** When it was decided (ISO). */
  at: string;
  /** `decided` (default) or `corrected` (a clerk's correction re-decided). */
  step?: 'decided' | 'corrected';
  /** The audit key of the step (`decided@2` for a later round); default the step. */
  key?: string;
}

// The digest of the parameter data is the same for every case of a version: computed once each.
const digests = new WeakMap<Parameters, Map<string, string | null>>();
function ruleSetVersionFor(policyVersion: string, params: Parameters): string | null {
  let known = digests.get(params);
  if (!known) digests.set(params, (known = new Map()));
  if (!known.has(policyVersion)) known.set(policyVersion, ruleSetVersionOf(policyVersion, params));
  return known.get(policyVersion)!;
}

/** The event decideAndRecord would append for this case file under these parameters, and the decision. */
export function decisionEvent(item: DecisionToRecord, params: Parameters): { event: AuditEventInput; decision: Decision } {
  const parsed = parseCaseFile(item.caseFile, params);
  if (!parsed.ok) throw new Error(`case file does not parse: ${parsed.error}`);
  const decision = decide(parsed.caseFile, params);
  const caseId = parsed.caseFile.caseId;
  const step = item.step ?? 'decided';
  const runId = `bench-run-${caseId}`;
  const event: AuditEventInput = {
    caseId,
    workflowId: `case-${caseId}`,
    runId,
    step,
    actor: step === 'decided' ? rulebookActor : { kind: 'user', name: 'clerk1' },
    at: new Date(item.at).toISOString(),
    inputs: { caseFile: parsed.caseFile, calendar: calendarRecord(params.calendar) } as never,
    ruleSetVersion: ruleSetVersionFor(decision.policyVersion, params),
    outcome: {
      outcome: decision.outcome,
      amount: decision.amount,
      reasons: decision.reasons,
      checks: decision.checks,
      details: decision.details,
    } as never,
    evidence: [{ kind: 'case-file', ref: caseId, sha256: sha256Json(parsed.caseFile) }],
    idempotencyKey: `${runId}/${item.key ?? step}`,
  };
  return { event, decision };
}

/** Records one decision through the trail's own append (hash chain, idempotency). */
export async function recordDecision(store: Store, item: DecisionToRecord, params: Parameters): Promise<Decision> {
  const { event, decision } = decisionEvent(item, params);
  await appendEvent(store, event);
  return decision;
}

/**
 * Records each case's first decision as the first event of its chain, in multi-row INSERTs of the
 * same columns appendEvent writes (the global order is still assigned by the store's trigger).
 * Only for new cases: it does not read the chain, so a case already in the trail is refused by the
 * primary key rather than appended to.
 */
export async function recordFirstDecisionsInBulk(
  store: Store,
  items: DecisionToRecord[],
  params: Parameters,
  rowsPerInsert = 200,
): Promise<void> {
  for (let i = 0; i < items.length; i += rowsPerInsert) {
    const chunk = items.slice(i, i + rowsPerInsert);
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (const item of chunk) {
      const input = AuditEventInput.parse(decisionEvent(item, params).event);
      const event: HashedEvent = { ...input, seq: 1, prevHash: null };
      const { canonical, hash } = hashEvent(event);
      const n = values.length;
      tuples.push(
        `($${n + 1}, 1, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}::text::jsonb, $${n + 6}::text::timestamptz, $${n + 7}::text::jsonb, ` +
          `$${n + 8}, $${n + 9}::text::jsonb, $${n + 10}::text::jsonb, $${n + 11}, NULL, $${n + 12}, $${n + 13})`,
      );
      values.push(
        event.caseId,
        event.workflowId,
        event.runId,
        event.step,
        JSON.stringify(event.actor),
        event.at,
        JSON.stringify(event.inputs),
        event.ruleSetVersion,
        JSON.stringify(event.outcome),
        JSON.stringify(event.evidence),
        event.idempotencyKey,
        hash,
        canonical,
      );
    }
    await store.db.query(
      `INSERT INTO audit_events (case_id, seq, workflow_id, run_id, step, actor, at, inputs,
         rule_set_version, outcome, evidence, idempotency_key, prev_hash, hash, canonical)
       VALUES ${tuples.join(', ')}`,
      values,
    );
  }
}
