import { ApplicationFailure, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ReviewActivities } from '../activities/contracts';
import { claimUpdate, correctUpdate, releaseUpdate, reviewStateQuery, reviewUpdate } from './messages';
import { REVIEWER_ROLES, type Reviewer, type ReviewDecisionInput, type ReviewState, type CorrectionInput } from './reviewTypes';
import { reviewOptions } from './retryPolicies';
import type { CaseInput, CaseResult } from './types';

const MONEY = /^\d+\.\d{2}$/;
const CASE_FILE_PATH = /^[A-Za-z]+(\[\d+\])?(\.[A-Za-z]+(\[\d+\])?)*$/;

/** What the review stage ends with: a decided result, or a case returned for documents. */
export type ReviewEnd = { kind: 'decided'; result: CaseResult } | { kind: 'returned'; result: CaseResult };

function mustBeReviewer(reviewer: Reviewer): void {
  if (!reviewer || typeof reviewer.username !== 'string' || reviewer.username.length === 0) throw new Error('审核人未登录');
  if (!(REVIEWER_ROLES as readonly string[]).includes(reviewer.role)) {
    throw new Error(`角色 ${reviewer.role} 无权审核（须为经办员或科长）`);
  }
}

function mustHold(state: ReviewState, reviewer: Reviewer): void {
  mustBeReviewer(reviewer);
  if (state.status === 'decided' || state.status === 'returned') throw new Error('该案件已作出决定');
  if (state.claimedBy !== reviewer.username) {
    throw new Error(state.claimedBy ? `该案件已由 ${state.claimedBy} 认领` : '请先认领该案件');
  }
}

/**
 * A case the rules sent to a clerk: claimable, correctable and decidable through Updates, under an
 * SLA in bureau working days with a reminder before the deadline and escalation to a supervisor at it.
 */
export async function awaitReview(
  input: CaseInput,
  ruleResult: CaseResult,
  caseFile: Record<string, unknown> | null,
  provisionalOutcome: 'approve' | 'reject',
  round: number,
  /** Called once the case is in the inbox. */
  onOpened: () => Promise<void>,
): Promise<ReviewEnd> {
  const review = proxyActivities<ReviewActivities>(reviewOptions(input.retry));
  let currentCaseFile = caseFile;
  // Each act of this review gets its own audit key, so a retried activity records it once.
  let acts = 0;
  const key = (what: string) => `review-${round}/${what}-${++acts}`;
  const sla = await review.openReview({ ...input, key: key('open'), result: ruleResult, enteredAt: new Date().toISOString() });
  const state: ReviewState = {
    status: 'awaiting',
    claimedBy: null,
    reminderAt: sla.reminderAt,
    deadlineAt: sla.deadlineAt,
    reminded: false,
    escalated: false,
    ruleResult,
    provisionalOutcome,
    decision: null,
  };
  const standing = () => ({ claimedBy: state.claimedBy, slaReminder: state.reminderAt, slaDeadline: state.deadlineAt, escalated: state.escalated });
  setHandler(reviewStateQuery, () => state);
  await onOpened();

  setHandler(
    claimUpdate,
    async ({ reviewer }) => {
      if (state.claimedBy === reviewer.username) return state;
      state.claimedBy = reviewer.username;
      state.status = 'claimed';
      await review.recordReviewEvent({ ...input, key: key('claim'), step: 'claimed', reviewer, details: {}, standing: standing() });
      return state;
    },
    {
      validator: ({ reviewer }) => {
        mustBeReviewer(reviewer);
        if (state.status === 'decided' || state.status === 'returned') throw new Error('该案件已作出决定');
        if (state.claimedBy && state.claimedBy !== reviewer.username) throw new Error(`该案件已由 ${state.claimedBy} 认领`);
      },
    },
  );

  setHandler(
    releaseUpdate,
    async ({ reviewer }) => {
      const holder = state.claimedBy;
      state.claimedBy = null;
      state.status = 'awaiting';
      await review.recordReviewEvent({ ...input, key: key('release'), step: 'released', reviewer, details: { holder }, standing: standing() });
      return state;
    },
    {
      validator: ({ reviewer }) => {
        mustBeReviewer(reviewer);
        if (!state.claimedBy) throw new Error('该案件未被认领');
        // A supervisor may free a case a clerk left behind; a clerk only their own.
        if (state.claimedBy !== reviewer.username && reviewer.role !== 'supervisor') throw new Error(`该案件由 ${state.claimedBy} 认领，只能由其本人或科长释放`);
      },
    },
  );

  setHandler(
    correctUpdate,
    async (correction: CorrectionInput) => {
      const redecided = await review.redecideWithCorrections({ ...input, key: key('corrected'), caseFile: currentCaseFile!, ...correction });
      currentCaseFile = redecided.caseFile;
      state.ruleResult = redecided.result;
      state.provisionalOutcome = redecided.provisionalOutcome;
      return redecided.result;
    },
    {
      validator: (correction) => {
        mustHold(state, correction.reviewer);
        if (!currentCaseFile) throw new Error('该案件没有可更正的案卷（核心系统数据未读取）');
        if (!correction.reason?.trim()) throw new Error('更正须说明理由');
        if (!Array.isArray(correction.corrections) || correction.corrections.length === 0) throw new Error('没有要更正的字段');
        for (const c of correction.corrections) {
          if (!CASE_FILE_PATH.test(c.path)) throw new Error(`字段路径 ${c.path} 无效`);
          if (/^(caseId|type)$/.test(c.path)) throw new Error(`字段 ${c.path} 不可更正`);
        }
      },
    },
  );

  let ended: ReviewEnd | null = null;
  setHandler(
    reviewUpdate,
    async (decision: ReviewDecisionInput) => {
      const final = await review.recordReviewDecision({ ...input, key: key('decision'), ruleResult: state.ruleResult, ...decision, standing: standing() });
      state.status = decision.decision === 'return' ? 'returned' : 'decided';
      state.decision = {
        by: decision.reviewer.username,
        decision: decision.decision,
        comment: decision.comment,
        amount: final.amount,
        at: new Date().toISOString(),
      };
      ended = { kind: decision.decision === 'return' ? 'returned' : 'decided', result: final };
      return final;
    },
    {
      validator: (decision) => {
        mustHold(state, decision.reviewer);
        if (!['approve', 'reject', 'return'].includes(decision.decision)) throw new Error(`决定 ${String(decision.decision)} 无效`);
        const comment = decision.comment?.trim() ?? '';
        const overrides = decision.decision !== 'return' && decision.decision !== state.provisionalOutcome;
        if (overrides && !comment) throw new Error(`改变规则结果（${state.provisionalOutcome} → ${decision.decision}）须填写意见`);
        if (decision.decision === 'return' && !comment) throw new Error('退回补正须写明需补正的材料');
        if (decision.amount !== undefined) {
          if (decision.decision !== 'approve') throw new Error('只有通过时可更正金额');
          if (!MONEY.test(decision.amount)) throw new Error(`金额 ${decision.amount} 格式应为 1234.50`);
          if (!decision.amountReason?.trim()) throw new Error('更正金额须说明理由');
        }
      },
    },
  );

  const untilDecided = (iso: string | null) => (iso ? Math.max(1, Date.parse(iso) - Date.now()) : undefined);
  if (!(await condition(() => ended !== null, untilDecided(state.reminderAt) ?? 1))) {
    state.reminded = true;
    await review.remindReviewer({ ...input, key: key('reminder'), standing: standing() });
    if (!(await condition(() => ended !== null, untilDecided(state.deadlineAt) ?? 1))) {
      state.escalated = true;
      await review.escalateReview({ ...input, key: key('escalation'), standing: standing() });
      await condition(() => ended !== null);
    }
  }
  if (!ended) throw ApplicationFailure.nonRetryable(`review of ${workflowInfo().workflowId} ended without a decision`);
  return ended;
}
