/**
 * Recorded decisions for the simulation benchmark and tests, as activities/decision.ts
 * `decideAndRecord` writes them: the same inputs (parsed case file, calendar), outcome, rule-set
 * version and evidence (`decisionRecord`). One at a time through `appendEvent`, or many at once
 * through `appendFirstEventsInBulk`, for a store of 100,000 decisions.
 */
import { decisionRecord, rulebookActor } from '../activities/decision';
import { ruleSetVersionOf } from '../audit/ruleSetVersion';
import { decide, parseCaseFile, type Parameters } from '../rules';
import type { Decision } from '../rules/schemas';
import { appendEvent, appendFirstEventsInBulk, type Store } from '../store';
import type { AuditEventInput } from '../store/auditEvent';

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
  const recorded = decisionRecord(caseId, parsed.caseFile, decision, params);
  const event: AuditEventInput = {
    caseId,
    workflowId: `case-${caseId}`,
    runId,
    step,
    actor: step === 'decided' ? rulebookActor : { kind: 'user', name: 'clerk1' },
    at: new Date(item.at).toISOString(),
    inputs: recorded.inputs as never,
    ruleSetVersion: ruleSetVersionFor(decision.policyVersion, params),
    outcome: recorded.outcome as never,
    evidence: recorded.evidence,
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
export async function recordFirstDecisionsInBulk(store: Store, items: DecisionToRecord[], params: Parameters): Promise<void> {
  await appendFirstEventsInBulk(
    store,
    items.map((item) => decisionEvent(item, params).event),
  );
}
