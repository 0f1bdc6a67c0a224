import { Context } from '@temporalio/activity';
import { decide, parseCaseFile, type Parameters } from '../rules';
import { calendarRecord } from '../rules/calendar';
import { loadPublishedParameters } from '../store/parameterVersions';
import type { CaseFile, Decision } from '../rules/schemas';
import { appendEvent } from '../store/auditTrail';
import { upsertCase, type CaseStatus } from '../store/caseRegister';
import type { Actor, AuditStep, EvidenceRef, Store } from '../store';
import type { CaseRowRef, CaseResult } from '../workflows/types';
import type { DecidedCase } from '../workflows/activityContracts';
import { sha256Json } from './hashing';
import { ZHISHEN_VERSION } from './version';
import { ruleSetVersionOf } from '../audit/ruleSetVersion';

export const rulebookActor = { kind: 'bot' as const, name: 'zhishen-rulebook', version: ZHISHEN_VERSION };
export const systemActor = { kind: 'system' as const, name: 'zhishen', version: ZHISHEN_VERSION };

/** The audit key of a step in a given pass over the case (the first pass keeps the plain step name). */
export function roundStep(step: AuditStep, round: number | undefined): string {
  return round && round > 1 ? `${step}@${round}` : step;
}

/** Workflow and run of the activity being executed, and an idempotency key for one step of it. */
export function execution(step: string) {
  const exec = Context.current().info.workflowExecution;
  if (!exec) throw new Error(`activity step ${step} must run inside a workflow`);
  const { workflowId, runId } = exec;
  return { workflowId, runId, idempotencyKey: `${runId}/${step}` };
}

/**
 * Where the running case stands now, in the case register, with the workflow run that says so;
 * `result` null keeps no outcome (a case just accepted).
 */
export function registerCase(
  store: Store,
  input: { batchId: string; caseRow: CaseRowRef },
  status: CaseStatus,
  result: Pick<CaseResult, 'outcome' | 'amount' | 'reasons'> | null,
) {
  const { workflowId, runId } = execution('register');
  return upsertCase(store, {
    caseId: input.caseRow.caseId,
    type: input.caseRow.type,
    batchId: input.batchId,
    workflowId,
    runId,
    status,
    outcome: result?.outcome ?? null,
    amount: result?.amount ?? null,
    reasons: result?.reasons ?? [],
    rowNumber: input.caseRow.rowNumber,
  });
}

/** The case result a workflow carries, from a full decision. */
export function resultOf(caseRow: CaseRowRef, decision: Decision): CaseResult {
  return {
    caseId: caseRow.caseId,
    type: caseRow.type,
    outcome: decision.outcome,
    amount: decision.amount,
    reasons: decision.reasons,
    messages: decision.checks.filter((c) => c.result === 'fail').map((c) => `${c.rule} ${c.message}`),
    policyVersion: decision.policyVersion,
    details: decision.details as Record<string, unknown>,
  };
}

/** What the rules give when the review rules are left aside: a clerk deciding otherwise overrides them. */
function provisionalOutcome(decision: Decision): 'approve' | 'reject' {
  return decision.checks.some((c) => c.result === 'fail' && c.severity === 'reject') ? 'reject' : 'approve';
}

/**
 * Writes one step of the running workflow to its case's audit trail. `key` names the step within
 * the run, so a retried activity records it once.
 */
export async function recordStep(
  store: Store,
  event: {
    caseId: string;
    key: string;
    step: AuditStep;
    actor: Actor;
    at: string;
    inputs: unknown;
    outcome: unknown;
    ruleSetVersion?: string | null;
    /** The parameters and calendar the step decided with, for the rule-set digest; default: those in force (shipped and published). */
    params?: Parameters;
    evidence?: EvidenceRef[];
  },
) {
  const { workflowId, runId, idempotencyKey } = execution(event.key);
  // A step that names a parameter version digests the data of that version: it may be one published in the store.
  const params = event.params ?? (event.ruleSetVersion ? await loadPublishedParameters(store) : undefined);
  return appendEvent(store, {
    caseId: event.caseId,
    workflowId,
    runId,
    step: event.step,
    actor: event.actor,
    at: event.at,
    inputs: event.inputs as never,
    // The parameter version a step names becomes the full rule-set version: date, data digest, build.
    ruleSetVersion: ruleSetVersionOf(event.ruleSetVersion ?? null, params),
    outcome: event.outcome as never,
    evidence: event.evidence ?? [],
    idempotencyKey,
  });
}

/**
 * What a decision's audit event holds so that it can be re-run from the record alone: the parsed
 * case file and the calendar as inputs, the decision as outcome, the case file's digest as evidence.
 */
export function decisionRecord(caseId: string, caseFile: CaseFile, decision: Decision, params: Parameters) {
  const evidence: EvidenceRef[] = [{ kind: 'case-file', ref: caseId, sha256: sha256Json(caseFile) }];
  return {
    inputs: { caseFile, calendar: calendarRecord(params.calendar) },
    outcome: {
      outcome: decision.outcome,
      amount: decision.amount,
      reasons: decision.reasons,
      checks: decision.checks,
      details: decision.details,
    },
    evidence,
  };
}

export type DecideOutcome = { ok: true; decided: DecidedCase & { caseFile: Record<string, unknown> } } | { ok: false; error: string };

/**
 * Decides a case file by the rulebook and records the decision with its exact inputs, each rule's
 * result, the parameter version and the bureau calendar it counted working days with (the store's
 * years over the shipped seed), so that it can be re-run from the record alone. The parameters are
 * the shipped files with the versions published in the store merged over them.
 */
export async function decideAndRecord(
  store: Store,
  args: {
    caseRow: CaseRowRef;
    caseFile: unknown;
    step: AuditStep;
    /** The audit key of the step, when it differs from its name (later rounds, review acts). */
    key?: string;
    actor: Actor;
    at: string;
    extraInputs?: Record<string, unknown>;
    /** Files the case file was read from (receipts), besides the case file itself. */
    evidence?: EvidenceRef[];
  },
): Promise<DecideOutcome> {
  const params: Parameters = await loadPublishedParameters(store);
  const parsed = parseCaseFile(args.caseFile, params);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const decision = decide(parsed.caseFile, params);
  const recorded = decisionRecord(args.caseRow.caseId, parsed.caseFile, decision, params);
  await recordStep(store, {
    caseId: args.caseRow.caseId,
    key: args.key ?? args.step,
    step: args.step,
    actor: args.actor,
    at: args.at,
    inputs: { ...(args.extraInputs ?? {}), ...recorded.inputs },
    ruleSetVersion: decision.policyVersion,
    params,
    outcome: recorded.outcome,
    evidence: [...recorded.evidence, ...(args.evidence ?? [])],
  });
  return {
    ok: true,
    decided: {
      result: resultOf(args.caseRow, decision),
      caseFile: parsed.caseFile as Record<string, unknown>,
      provisionalOutcome: provisionalOutcome(decision),
    },
  };
}
