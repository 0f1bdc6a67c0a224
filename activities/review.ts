import { ApplicationFailure, Context } from '@temporalio/activity';
import type { KeyObject } from 'node:crypto';
import { actVerifyKey } from '../security/actKeys';
import { claimedBy, verifyActProof } from '../security/humanActs';
import { spendActNonce } from '../store/humanActs';
import { getUser } from '../store/users';
import { maskIdNumbersIn } from '../rules/idNumber';
import { getCase } from '../store/caseRegister';
import type { AuditStep } from '../store/auditSteps';
import { setReviewStanding } from '../store/reviewQueue';
import type { CaseInput, CaseResult } from '../workflows/types';
import { applyCorrections, touchesCoreSystemData } from './corrections';
import type { ReviewActivities, ReviewStandingInput } from '../workflows/activityContracts';
import { decideAndRecord, recordStep, registerCase, systemActor } from './decision';
import type { ActivityDeps } from './deps';
import { reviewSla } from './reviewSla';
import { loadBureauCalendar } from '../store/calendarYears';

/** The activities of the exception review: the inbox, the SLA and every human act on the record. */
export function createReviewActivities(deps: ActivityDeps): ReviewActivities {
  const { store, logger } = deps;
  const now = deps.now ?? (() => new Date());

  const record = async (
    input: CaseInput & { key: string },
    event: {
      step: AuditStep;
      actor: { kind: 'user' | 'system'; name: string; version?: string };
      inputs: Record<string, unknown>;
      outcome: Record<string, unknown> | null;
      ruleSetVersion?: string | null;
    },
  ) => {
    await recordStep(store, { ...event, caseId: input.caseRow.caseId, key: input.key, at: now().toISOString() });
  };

  const register = (input: CaseInput, status: 'review' | 'decided' | 'returned', result: CaseResult) =>
    registerCase(store, input, status, result);

  const stand = (caseId: string, standing: ReviewStandingInput) =>
    setReviewStanding(store, caseId, { ...standing, proposal: standing.proposal ?? null });
  // A notification's key is the audit key of the step it tells of: a retried activity produces it once.
  const caseEvent = (input: CaseInput & { key: string }) => ({
    key: `${input.caseRow.caseId}/${input.key}`,
    caseId: input.caseRow.caseId,
    caseType: input.caseRow.type,
  });
  const userActor = (person: { username: string }) => ({ kind: 'user' as const, name: person.username });
  // Read once per process: workers hold the public key only (or derive it on the embedded stack).
  let verifyKey: KeyObject | undefined;

  return {
    async openReview(input) {
      const counted = reviewSla(input.enteredAt, await loadBureauCalendar(store));
      const sla = { reminderAt: counted.reminderAt, deadlineAt: counted.deadlineAt };
      if (counted.weekdaysOnlyFor !== null) {
        logger.warn(
          `case ${input.caseRow.caseId}: the bureau calendar has no ${counted.weekdaysOnlyFor}; review deadline counted Monday to Friday (holidays unknown): import ${counted.weekdaysOnlyFor} with calendar import`,
          { caseId: input.caseRow.caseId },
        );
      }
      await register(input, 'review', input.result);
      await stand(input.caseRow.caseId, { claimedBy: null, slaReminder: sla.reminderAt, slaDeadline: sla.deadlineAt, escalated: false });
      await record(input, {
        step: 'review-opened',
        actor: systemActor,
        inputs: { reasons: input.result.reasons },
        outcome: { ...sla, ...(counted.weekdaysOnlyFor === null ? {} : { weekdaysOnlyFor: counted.weekdaysOnlyFor }) },
      });
      return sla;
    },

    async verifyHumanAct(input) {
      const caseId = input.caseRow.caseId;
      const refuse = async (reason: string, claimed = claimedBy(input.payload.proof)) => {
        await record(input, {
          step: 'act-refused',
          actor: systemActor,
          inputs: { action: input.action, claimed },
          outcome: { refused: reason },
        });
        logger.warn(`case ${caseId}: ${input.action} refused (claimed ${claimed.username ?? 'nobody'}): ${reason}`, { caseId });
        return { ok: false as const, reason };
      };
      verifyKey ??= actVerifyKey(deps.config);
      const checked = verifyActProof(verifyKey, input.payload.proof, { caseId, action: input.action, payload: input.payload }, now());
      if (!checked.ok) return refuse(checked.reason, checked.claimed);
      const { assertion } = checked;
      const info = Context.current().info;
      const spentBy = `${info.workflowExecution?.workflowId}/${info.workflowExecution?.runId}/${info.activityId}`;
      const fresh = await spendActNonce(store, {
        nonce: assertion.nonce,
        caseId,
        action: assertion.action,
        username: assertion.username,
        spentBy,
      });
      if (!fresh) return refuse('身份证明已被使用过（重放）');
      const user = await getUser(store, assertion.username);
      if (!user) return refuse(`用户 ${assertion.username} 不存在`);
      if (user.disabled) return refuse(`用户 ${assertion.username} 已停用`);
      if (!input.allowedRoles.includes(user.role)) return refuse(`${user.displayName}（${user.role}）的角色无权执行此操作`);
      return { ok: true as const, person: { username: user.username, displayName: user.displayName, role: user.role } };
    },

    async recordReviewEvent(input) {
      await stand(input.caseRow.caseId, input.standing);
      await record(input, {
        step: input.step,
        actor: userActor(input.reviewer),
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
        actor: userActor(input.reviewer),
        at: now().toISOString(),
        extraInputs: {
          corrected: { by: input.reviewer.username, role: input.reviewer.role, reason: input.reason, changes: corrected.changes },
        },
      });
      if (!outcome.ok) throw ApplicationFailure.nonRetryable(maskIdNumbersIn(`更正后的案卷无效：${outcome.error}`));
      await register(input, 'review', outcome.decided.result);
      logger.info(`case ${input.caseRow.caseId}: corrected by ${input.reviewer.username}, now ${outcome.decided.result.outcome}`, {
        caseId: input.caseRow.caseId,
      });
      return { ...outcome.decided, touchesCoreSystemData: touchesCoreSystemData(input.caseRow.type, input.corrections) };
    },

    async recordProposal(input) {
      await stand(input.caseRow.caseId, input.standing);
      await record(input, {
        step: 'proposed',
        actor: userActor(input.reviewer),
        inputs: {
          role: input.reviewer.role,
          decision: input.proposal.decision,
          comment: input.proposal.comment,
          amountReason: input.proposal.amountReason,
          needs: input.proposal.needs,
        },
        outcome: {
          before: { outcome: input.ruleResult.outcome, amount: input.ruleResult.amount },
          proposed: { outcome: input.proposal.decision, amount: input.proposal.amount },
        },
        ruleSetVersion: input.ruleResult.policyVersion,
      });
      await deps.notifier?.notify({
        kind: 'second-look',
        ...caseEvent(input),
        proposer: input.reviewer.username,
        decision: input.proposal.decision,
        amount: input.proposal.amount,
        needs: input.proposal.needs,
      });
      logger.info(
        `case ${input.caseRow.caseId}: ${input.proposal.decision} proposed by ${input.reviewer.username}, waiting for a second look`,
        { caseId: input.caseRow.caseId },
      );
    },

    async recordSecondLook(input) {
      const sentBack = input.verdict === 'send-back';
      await stand(input.caseRow.caseId, {
        ...input.standing,
        proposal: sentBack ? null : input.standing.proposal,
        claimedBy: sentBack ? input.proposal.by : input.standing.claimedBy,
      });
      await record(input, {
        step: sentBack ? 'second-look-sent-back' : 'second-look-approved',
        actor: userActor(input.reviewer),
        inputs: { role: input.reviewer.role, comment: input.comment, proposedBy: input.proposal.by },
        outcome: { proposal: { outcome: input.proposal.decision, amount: input.proposal.amount }, verdict: input.verdict },
      });
      logger.info(
        `case ${input.caseRow.caseId}: proposal of ${input.proposal.by} ${sentBack ? 'sent back' : 'approved'} by ${input.reviewer.username}`,
        { caseId: input.caseRow.caseId },
      );
    },

    async recordReviewDecision(input) {
      const before = input.ruleResult;
      const outcome = input.decision === 'return' ? 'review' : input.decision;
      const amount = input.decision === 'approve' ? (input.amount ?? before.amount) : null;
      const result: CaseResult = {
        ...before,
        outcome,
        amount,
        messages: [
          ...before.messages,
          `人工审核（${input.reviewer.username}${input.approvedBy ? `，${input.approvedBy.username} 复核` : ''}）：${input.decision === 'return' ? '退回补正' : input.decision === 'approve' ? '通过' : '不予受理'}${input.comment ? ' — ' + input.comment : ''}`,
        ],
      };
      await record(input, {
        step: input.decision === 'return' ? 'returned' : 'reviewed',
        actor: userActor(input.reviewer),
        inputs: {
          role: input.reviewer.role,
          decision: input.decision,
          comment: input.comment,
          amountReason: input.amountReason ?? null,
          approvedBy: input.approvedBy ? { username: input.approvedBy.username, role: input.approvedBy.role } : null,
        },
        outcome: { before: { outcome: before.outcome, amount: before.amount }, after: { outcome, amount } },
        ruleSetVersion: before.policyVersion,
      });
      const stored = await getCase(store, input.caseRow.caseId);
      // Decided is not closed: the case is closed once the core system has it.
      await register(input, input.decision === 'return' ? 'returned' : 'decided', result);
      await stand(input.caseRow.caseId, { ...input.standing, claimedBy: input.decision === 'return' ? null : input.standing.claimedBy });
      logger.info(`case ${input.caseRow.caseId}: ${input.decision} by ${input.reviewer.username} (was ${stored?.outcome ?? '?'})`, {
        caseId: input.caseRow.caseId,
      });
      return result;
    },

    async openReturn(input) {
      await stand(input.caseRow.caseId, {
        claimedBy: null,
        slaReminder: null,
        slaDeadline: input.deadlineAt,
        escalated: false,
        proposal: null,
      });
      await record(input, { step: 'awaiting-documents', actor: systemActor, inputs: {}, outcome: { deadlineAt: input.deadlineAt } });
    },

    async recordSupply(input) {
      // Running again: the earlier outcome stays on the register until the new decision replaces it.
      const stored = await getCase(store, input.caseRow.caseId);
      await registerCase(
        store,
        input,
        'running',
        stored ? { outcome: stored.outcome as CaseResult['outcome'], amount: stored.amount, reasons: stored.reasons } : null,
      );
      await recordStep(store, {
        caseId: input.caseRow.caseId,
        key: input.key,
        step: 'documents-supplied',
        actor: userActor(input.reviewer),
        at: now().toISOString(),
        inputs: {
          role: input.reviewer.role,
          note: input.note,
          receipts: input.receipts ?? null,
          attachmentsDir: input.attachmentsDir ?? null,
        },
        outcome: { files: input.files.map((f) => f.name) },
        evidence: input.files.map((f) => ({ kind: 'supplement', ref: f.name, sha256: f.sha256 })),
      });
      logger.info(`case ${input.caseRow.caseId}: documents supplied by ${input.reviewer.username} (${input.files.length} file(s))`, {
        caseId: input.caseRow.caseId,
      });
    },

    async expireReturn(input) {
      const message = `退回补正后 ${input.deadlineDays} 日内未补交材料，不予受理`;
      const result: CaseResult = {
        caseId: input.caseRow.caseId,
        type: input.caseRow.type,
        outcome: 'reject',
        amount: null,
        reasons: ['RETURN-EXPIRED'],
        messages: [message],
        policyVersion: null,
      };
      await record(input, {
        step: 'return-expired',
        actor: systemActor,
        inputs: { deadlineDays: input.deadlineDays },
        outcome: { outcome: 'reject', reasons: result.reasons, message },
      });
      await register(input, 'decided', result);
      logger.info(`case ${input.caseRow.caseId}: ${message}`, { caseId: input.caseRow.caseId });
      return result;
    },

    async remindReviewer(input) {
      await record(input, {
        step: 'review-reminder',
        actor: systemActor,
        inputs: {},
        outcome: { to: input.standing.claimedBy ?? 'inbox', deadline: input.standing.slaDeadline },
      });
      await deps.notifier?.notify({
        kind: 'review-reminder',
        ...caseEvent(input),
        deadlineAt: input.standing.slaDeadline,
        holder: input.standing.claimedBy,
      });
      logger.warn(`case ${input.caseRow.caseId}: review due ${input.standing.slaDeadline} (${input.standing.claimedBy ?? 'unclaimed'})`, {
        caseId: input.caseRow.caseId,
      });
    },

    async escalateReview(input) {
      await stand(input.caseRow.caseId, { ...input.standing, escalated: true });
      await record(input, {
        step: 'review-escalated',
        actor: systemActor,
        inputs: {},
        outcome: { to: 'supervisor', holder: input.standing.claimedBy },
      });
      await deps.notifier?.notify({
        kind: 'review-escalated',
        ...caseEvent(input),
        deadlineAt: input.standing.slaDeadline,
        holder: input.standing.claimedBy,
      });
      logger.warn(`case ${input.caseRow.caseId}: review overdue, escalated to a supervisor`, { caseId: input.caseRow.caseId });
    },
  };
}
