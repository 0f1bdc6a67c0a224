import { maskIdNumbersIn } from '../rules/idNumber';
import { ApplicationFailure } from '@temporalio/activity';
import { getCase, upsertCase } from '../store/caseRegister';
import { setReviewStanding } from '../store/reviewQueue';
import type { CaseInput, CaseResult } from '../workflows/types';
import { applyCorrections } from './corrections';
import type { ReviewActivities, ReviewStandingInput } from './contracts';
import { decideAndRecord, execution, recordStep, systemActor } from './decision';
import type { ActivityDeps } from './deps';
import { reviewSla } from './reviewSla';

/** The activities of the exception review: the inbox, the SLA and every human act on the record. */
export function createReviewActivities(deps: ActivityDeps): ReviewActivities {
  const { store, logger } = deps;
  const now = deps.now ?? (() => new Date());

  const record = async (
    input: CaseInput & { key: string },
    event: { step: string; actor: { kind: 'user' | 'system'; name: string; version?: string }; inputs: Record<string, unknown>; outcome: Record<string, unknown> | null; ruleSetVersion?: string | null },
  ) => {
    await recordStep(store, { ...event, caseId: input.caseRow.caseId, key: input.key, at: now().toISOString() });
  };

  const register = async (input: CaseInput, status: 'review' | 'closed', result: CaseResult) => {
    const { workflowId, runId } = execution('register');
    await upsertCase(store, {
      caseId: input.caseRow.caseId,
      type: input.caseRow.type,
      batchId: input.batchId,
      workflowId,
      runId,
      status,
      outcome: result.outcome,
      amount: result.amount,
      reasons: result.reasons,
      rowNumber: input.caseRow.rowNumber,
    });
  };

  const stand = (caseId: string, standing: ReviewStandingInput) => setReviewStanding(store, caseId, standing);

  return {
    async openReview(input) {
      const sla = reviewSla(input.enteredAt);
      await register(input, 'review', input.result);
      await stand(input.caseRow.caseId, { claimedBy: null, slaReminder: sla.reminderAt, slaDeadline: sla.deadlineAt, escalated: false });
      await record(input, { step: 'review-opened', actor: systemActor, inputs: { reasons: input.result.reasons }, outcome: { ...sla } });
      return sla;
    },

    async recordReviewEvent(input) {
      await stand(input.caseRow.caseId, input.standing);
      await record(input, {
        step: input.step,
        actor: { kind: 'user', name: input.reviewer.username },
        inputs: { role: input.reviewer.role, ...input.details },
        outcome: { claimedBy: input.standing.claimedBy },
      });
    },

    async redecideWithCorrections(input) {
      let corrected;
      try {
        corrected = applyCorrections(input.caseFile, input.corrections);
      } catch (err) {
        throw ApplicationFailure.nonRetryable(maskIdNumbersIn(err instanceof Error ? err.message : String(err)));
      }
      const outcome = await decideAndRecord(store, {
        caseRow: input.caseRow,
        caseFile: corrected.caseFile,
        step: 'corrected',
        key: input.key,
        actor: { kind: 'user', name: input.reviewer.username },
        at: now().toISOString(),
        extraInputs: { corrected: { by: input.reviewer.username, reason: input.reason, changes: corrected.changes } },
      });
      if (!outcome.ok) throw ApplicationFailure.nonRetryable(maskIdNumbersIn(`更正后的案卷无效：${outcome.error}`));
      await register(input, 'review', outcome.decided.result);
      logger.info(`case ${input.caseRow.caseId}: corrected by ${input.reviewer.username}, now ${outcome.decided.result.outcome}`, { caseId: input.caseRow.caseId });
      return outcome.decided;
    },

    async recordReviewDecision(input) {
      const before = input.ruleResult;
      const outcome = input.decision === 'return' ? 'review' : input.decision;
      const amount = input.decision === 'approve' ? (input.amount ?? before.amount) : null;
      const result: CaseResult = {
        ...before,
        outcome,
        amount,
        messages: [...before.messages, `人工审核（${input.reviewer.username}）：${input.decision === 'return' ? '退回补正' : input.decision === 'approve' ? '通过' : '不予受理'}${input.comment ? ' — ' + input.comment : ''}`],
      };
      await record(input, {
        step: input.decision === 'return' ? 'returned' : 'reviewed',
        actor: { kind: 'user', name: input.reviewer.username },
        inputs: { role: input.reviewer.role, decision: input.decision, comment: input.comment, amountReason: input.amountReason ?? null },
        outcome: { before: { outcome: before.outcome, amount: before.amount }, after: { outcome, amount } },
        ruleSetVersion: before.policyVersion,
      });
      const stored = await getCase(store, input.caseRow.caseId);
      await register(input, input.decision === 'return' ? 'review' : 'closed', result);
      await stand(input.caseRow.caseId, { ...input.standing, claimedBy: input.decision === 'return' ? null : input.standing.claimedBy });
      logger.info(`case ${input.caseRow.caseId}: ${input.decision} by ${input.reviewer.username} (was ${stored?.outcome ?? '?'})`, { caseId: input.caseRow.caseId });
      return result;
    },

    async remindReviewer(input) {
      await record(input, { step: 'review-reminder', actor: systemActor, inputs: {}, outcome: { to: input.standing.claimedBy ?? 'inbox', deadline: input.standing.slaDeadline } });
      logger.warn(`case ${input.caseRow.caseId}: review due ${input.standing.slaDeadline} (${input.standing.claimedBy ?? 'unclaimed'})`, { caseId: input.caseRow.caseId });
    },

    async escalateReview(input) {
      await stand(input.caseRow.caseId, { ...input.standing, escalated: true });
      await record(input, { step: 'review-escalated', actor: systemActor, inputs: {}, outcome: { to: 'supervisor', holder: input.standing.claimedBy } });
      logger.warn(`case ${input.caseRow.caseId}: review overdue, escalated to a supervisor`, { caseId: input.caseRow.caseId });
    },
  };
}
