import path from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { EntryRequestSchema, TechnicalFault, type EntryRequest, type EvidenceFile, type FactsQuery } from '../bots';
import type { IntakeRow } from '../intake/schemas';
import { maskIdNumber } from '../rules/idNumber';
import type { AuditStep } from '../store/auditSteps';
import type { CaseInput, CaseResult } from '../workflows/types';
import type { LegacyBotActivities } from '../workflows/activityContracts';
import { recordStep, roundStep } from './decision';
import type { ActivityDeps } from './deps';
import { EntryFenced, fencedSubmitGuard, mayHaveBeenEntered, takeEntryLeaseForAttempt } from './entryFence';
import { sha256Json } from './hashing';

/** How often a bot step tells Temporal it is alive; the workflows allow a few missed beats. */
const HEARTBEAT_MS = 2_000;

/** The activities of the `legacy-bots` task queue: bots that work the core business system's screens. */
export function legacyBotActivities(deps: ActivityDeps): LegacyBotActivities {
  const coreSystem = deps.coreSystem;
  if (!coreSystem) throw new Error('the legacy-bots activities need the core system (a browser pool)');
  const { store, config } = deps;
  const now = deps.now ?? (() => new Date());
  const actor = { kind: 'bot' as const, ...coreSystem.actor };
  const evidenceRefs = (files: EvidenceFile[]) =>
    files.map((f) => ({ kind: f.kind, ref: path.relative(config.dataDir, f.path), sha256: f.sha256 }));

  /**
   * Runs a bot step; a technical fault is put on the record with its screenshot and trace, then
   * thrown again for Temporal to retry (a new session, a new attempt).
   */
  async function onRecord<T>(input: CaseInput, step: AuditStep, work: () => Promise<T>): Promise<T> {
    // Heartbeats let Temporal notice a dead worker in seconds instead of at the step's timeout.
    const context = Context.current();
    const beat = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof TechnicalFault)) throw err;
      const { attempt, activityId } = Context.current().info;
      await recordStep(store, {
        caseId: input.caseRow.caseId,
        // One event per failed attempt: each is its own fault with its own evidence.
        key: `bot-fault/${step}/${activityId}/${attempt}`,
        step: 'bot-fault',
        actor,
        at: now().toISOString(),
        inputs: { step, attempt },
        outcome: { kind: err.kind, message: err.message, retried: true },
        evidence: evidenceRefs(err.evidence),
      });
      // Many faults at once are the core system failing: the managers are told (notifications/notifier.ts).
      await deps.notifier?.botFault(now()).catch((notifyErr: unknown) => {
        deps.logger.error(`bot-fault storm check failed: ${notifyErr instanceof Error ? notifyErr.message : String(notifyErr)}`);
      });
      throw ApplicationFailure.retryable(err.message, `TechnicalFault:${err.kind}`);
    } finally {
      clearInterval(beat);
    }
  }

  /**
   * Runs an entry; an attempt stopped by its fence is put on the record with both tokens, then
   * ends as Temporal expects: cancelled when it was cancelled, else a retryable failure (a stale
   * attempt's result is dropped by the server; a current one looks before it submits next time).
   */
  async function fenced<T>(input: CaseInput, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof EntryFenced)) throw err;
      const context = Context.current();
      const { attempt, activityId } = context.info;
      await recordStep(store, {
        caseId: input.caseRow.caseId,
        key: `entry-fenced/${activityId}/${attempt}`,
        step: 'entry-fenced',
        actor,
        at: now().toISOString(),
        inputs: { attempt, token: err.token },
        outcome: {
          submitted: false,
          reason: err.reason,
          token: err.token,
          currentToken: err.current?.token ?? null,
          currentHolder: err.current?.holder ?? null,
          ...(err.cancellation ? { cancellation: err.cancellation } : {}),
        },
      });
      if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
      throw ApplicationFailure.retryable(err.message, 'EntryFenced');
    }
  }

  return {
    async readFacts(input) {
      const row = input.caseRow.row as IntakeRow;
      const query = factsQuery(row);
      const reading = await onRecord(input, 'facts-read', () =>
        coreSystem.readFacts(query, `${row.caseId}-facts`, Context.current().info.attempt),
      );
      await recordStep(store, {
        caseId: row.caseId,
        key: roundStep('facts-read', input.round),
        step: 'facts-read',
        actor,
        at: now().toISOString(),
        inputs: { query: { ...query, idNumber: maskIdNumber(query.idNumber) } },
        outcome: reading.ok ? { found: true, facts: reading.facts } : { found: false, code: reading.code, message: reading.message },
        evidence: reading.ok
          ? [{ kind: 'core-system-record', ref: `person/${maskIdNumber(row.idNumber)}`, sha256: sha256Json(reading.facts) }]
          : [],
      });
      return reading;
    },

    async enterResult(input) {
      const row = input.caseRow.row as IntakeRow;
      const request = entryRequestOf(row, input.result);
      // Only the newest attempt may click 确定: one that stalled past its heartbeat timeout while
      // Temporal retried the entry elsewhere finds its token overtaken when it wakes.
      const entry = await fenced(input, async () => {
        const token = await takeEntryLeaseForAttempt(store, row.caseId);
        const { attempt } = Context.current().info;
        const look = await mayHaveBeenEntered(store, row.caseId, attempt, token);
        return onRecord(input, 'entered', () =>
          coreSystem.enterResult(request, `${row.caseId}-enter`, fencedSubmitGuard(store, row.caseId, token), { look }, attempt),
        );
      });
      await recordStep(store, {
        caseId: row.caseId,
        key: roundStep('entered', input.round),
        step: entry.ok ? 'entered' : 'entry-refused',
        actor,
        at: now().toISOString(),
        inputs: { request: { ...request, idNumber: maskIdNumber(request.idNumber) } },
        ruleSetVersion: input.result.policyVersion,
        outcome: entry.ok
          ? { entryNumber: entry.entryNumber, alreadyEntered: entry.alreadyEntered }
          : { code: entry.code, message: entry.message },
        evidence: entry.ok ? [] : evidenceRefs(entry.evidence),
      });
      return entry.ok ? entry : { ok: false, code: entry.code, message: entry.message };
    },
  };
}

/** What the bot looks up in the core system for a case's intake row. */
export function factsQuery(row: IntakeRow): FactsQuery {
  const query: FactsQuery = { type: row.type, idNumber: row.idNumber, name: row.name };
  if (row.type === 'reimbursement')
    Object.assign(query, { hospitalCode: row.hospitalCode, admissionDate: row.admissionDate, visitKind: row.visitKind });
  return query;
}

/** What the entry screen is given for a case's final result. */
export function entryRequestOf(row: IntakeRow, result: CaseResult): EntryRequest {
  const common = { caseId: row.caseId, idNumber: row.idNumber, outcome: result.outcome, reasons: result.reasons };
  const details = result.details ?? {};
  switch (row.type) {
    case 'lump-sum':
      return EntryRequestSchema.parse({ type: 'lump-sum', ...common, amount: result.amount });
    case 'transfer':
      return EntryRequestSchema.parse({
        type: 'transfer',
        ...common,
        benefitStartMonth: details.benefitStartMonth,
        waitingMonths: details.waitingMonths,
        mergedMonths: details.mergedMonths,
        dueDate: details.dueDate,
      });
    case 'reimbursement':
      return EntryRequestSchema.parse({ type: 'reimbursement', ...common, amount: result.amount, hospitalCode: row.hospitalCode });
  }
}
