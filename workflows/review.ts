import { ApplicationFailure, allHandlersFinished, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { HumanAction } from '../security/humanActs';
import type { ReviewActivities } from './activityContracts';
import { claimUpdate, correctUpdate, releaseUpdate, reviewStateQuery, reviewUpdate, secondLookUpdate, supplyUpdate } from './messages';
import { secondLookNeeds } from './fourEyes';
import { Mutex } from './mutex';
import {
  REVIEWER_ROLES,
  SECOND_LOOK_ROLES,
  type CorrectionInput,
  type ProvenPerson,
  type Proposal,
  type ReviewDecisionInput,
  type ReviewState,
  type SecondLookInput,
  type SupplyInput,
} from './reviewTypes';
import { historyArchiver } from './historyArchive';
import { reviewOptions } from './retryPolicies';
import type { CaseInput, CaseResult } from './types';

const MONEY = /^\d+\.\d{2}$/;
const CASE_FILE_PATH = /^[A-Za-z]+(\[\d+\])?(\.[A-Za-z]+(\[\d+\])?)*$/;

/** What the review stage ends with: a decided result, or a case returned for documents. */
export type ReviewEnd = { kind: 'decided'; result: CaseResult } | { kind: 'returned'; result: CaseResult };

/** The review's activities, retried as the case's batch asked. */
const reviewActivities = (input: CaseInput) => proxyActivities<ReviewActivities>(reviewOptions(input.retry));

/** A refusal the person sees, in Chinese; it fails the Update, not the case. */
const refuse = (message: string) => ApplicationFailure.nonRetryable(message, 'ReviewRefused');

/**
 * Runs a human act on a case: one at a time per case (`gate`); first the signed assertion is
 * checked and the person's current role read from the store (a refusal is recorded there); then
 * the act, as that person.
 */
function provenAct<T>(
  gate: Mutex,
  input: CaseInput,
  key: string,
  action: HumanAction,
  payload: object,
  roles: readonly string[],
  act: (person: ProvenPerson) => Promise<T>,
): Promise<T> {
  const review = reviewActivities(input);
  return gate.runExclusive(async () => {
    const verdict = await review.verifyHumanAct({
      ...input,
      key,
      action,
      payload: payload as Record<string, unknown>,
      allowedRoles: roles,
    });
    if (!verdict.ok) throw refuse(verdict.reason);
    return act(verdict.person);
  });
}

function mustBeOpen(state: ReviewState): void {
  if (state.status === 'decided' || state.status === 'returned') throw refuse('该案件已作出决定');
}

function mustHold(state: ReviewState, person: ProvenPerson): void {
  mustBeOpen(state);
  if (state.status === 'proposed') throw refuse(`该案件已提交复核（${state.proposal?.by ?? ''}），等待科长复核`);
  if (state.claimedBy !== person.username) throw refuse(state.claimedBy ? `该案件已由 ${state.claimedBy} 认领` : '请先认领该案件');
}

/**
 * A case the rules sent to a clerk: claimable, correctable and decidable through Updates, each
 * proven by a signed assertion and run one at a time; a decision that needs four eyes waits for a
 * supervisor's second look; all under an SLA in bureau working days with a reminder before the
 * deadline and escalation to a supervisor at it.
 */
export async function awaitReview(
  input: CaseInput,
  ruleResult: CaseResult,
  caseFile: Record<string, unknown> | null,
  provisionalOutcome: 'approve' | 'reject',
  round: number,
  /** Called once the case is in the inbox. */
  onOpened: () => Promise<void>,
  /** The case's one-at-a-time gate for human acts, shared with the acts outside the review. */
  gate: Mutex,
  /** The case's patch already covers archiving while waiting (workflows/historyArchive.ts). */
  archiveImplied = false,
): Promise<ReviewEnd> {
  const review = reviewActivities(input);
  // The history so far is archived once the case is in the inbox and after each act recorded.
  const archive = historyArchiver(input, archiveImplied);
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
    factsCorrected: false,
    proposal: null,
    decision: null,
  };
  const standing = () => ({
    claimedBy: state.claimedBy,
    slaReminder: state.reminderAt,
    slaDeadline: state.deadlineAt,
    escalated: state.escalated,
    proposal: state.proposal,
  });
  // Archived before the batch is told: whoever waits for the batch (the demo) may stop the workers then.
  await archive('review-opened');
  await onOpened();

  const proven = <T>(
    action: HumanAction,
    payload: object,
    roles: readonly string[],
    act: (person: ProvenPerson) => Promise<T>,
  ): Promise<T> => provenAct(gate, input, key(`verify-${action}`), action, payload, roles, act);

  setHandler(
    claimUpdate,
    (claim) =>
      proven('claim', claim, REVIEWER_ROLES, async (person) => {
        mustBeOpen(state);
        if (state.claimedBy === person.username) return state;
        if (state.claimedBy) throw refuse(`该案件已由 ${state.claimedBy} 认领`);
        if (state.status === 'proposed') throw refuse('该案件正在等待复核');
        state.claimedBy = person.username;
        state.status = 'claimed';
        await review.recordReviewEvent({
          ...input,
          key: key('claim'),
          step: 'claimed',
          reviewer: person,
          details: {},
          standing: standing(),
        });
        await archive('claimed');
        return state;
      }),
    { validator: (_act) => mustBeOpen(state) },
  );

  setHandler(
    releaseUpdate,
    (release) =>
      proven('release', release, REVIEWER_ROLES, async (person) => {
        mustBeOpen(state);
        if (!state.claimedBy) throw refuse('该案件未被认领');
        if (state.status === 'proposed') throw refuse('该案件正在等待复核，不能释放');
        // A supervisor may free a case a clerk left behind; a clerk only their own.
        if (state.claimedBy !== person.username && person.role !== 'supervisor')
          throw refuse(`该案件由 ${state.claimedBy} 认领，只能由其本人或科长释放`);
        const holder = state.claimedBy;
        state.claimedBy = null;
        state.status = 'awaiting';
        await review.recordReviewEvent({
          ...input,
          key: key('release'),
          step: 'released',
          reviewer: person,
          details: { holder },
          standing: standing(),
        });
        await archive('released');
        return state;
      }),
    { validator: (_act) => mustBeOpen(state) },
  );

  setHandler(
    correctUpdate,
    (correction: CorrectionInput) =>
      proven('correct', correction, REVIEWER_ROLES, async (person) => {
        mustHold(state, person);
        const { proof: _proof, ...asked } = correction;
        const redecided = await review.redecideWithCorrections({
          ...input,
          ...asked,
          key: key('corrected'),
          reviewer: person,
          caseFile: currentCaseFile!,
        });
        currentCaseFile = redecided.caseFile;
        state.ruleResult = redecided.result;
        state.provisionalOutcome = redecided.provisionalOutcome;
        // Facts the bots read are the core system's: changing them is never one clerk's call.
        if (redecided.touchesCoreSystemData) state.factsCorrected = true;
        await archive('corrected');
        return redecided.result;
      }),
    {
      validator: (correction) => {
        mustBeOpen(state);
        if (!currentCaseFile) throw refuse('该案件没有可更正的案卷（核心系统数据未读取）');
        if (!correction.reason?.trim()) throw refuse('更正须说明理由');
        if (!Array.isArray(correction.corrections) || correction.corrections.length === 0) throw refuse('没有要更正的字段');
        for (const c of correction.corrections) {
          if (!CASE_FILE_PATH.test(c.path)) throw refuse(`字段路径 ${c.path} 无效`);
          if (/^(caseId|type)$/.test(c.path)) throw refuse(`字段 ${c.path} 不可更正`);
        }
      },
    },
  );

  let ended: ReviewEnd | null = null;
  /** Records the final decision (with the supervisor who approved it, if it needed one) and ends the review. */
  const decide = async (decision: Omit<ReviewDecisionInput, 'proof'>, by: ProvenPerson, approvedBy: ProvenPerson | null) => {
    const final = await review.recordReviewDecision({
      ...input,
      ...decision,
      key: key('decision'),
      reviewer: by,
      approvedBy,
      ruleResult: state.ruleResult,
      standing: { ...standing(), proposal: null },
    });
    state.status = decision.decision === 'return' ? 'returned' : 'decided';
    state.proposal = null;
    state.decision = {
      by: by.username,
      decision: decision.decision,
      comment: decision.comment,
      amount: final.amount,
      at: new Date().toISOString(),
      approvedBy: approvedBy?.username ?? null,
    };
    ended = { kind: decision.decision === 'return' ? 'returned' : 'decided', result: final };
    await archive(decision.decision === 'return' ? 'returned' : 'reviewed');
  };
  // Who proposed, as proven when they did: the supervisor's approval is recorded as theirs.
  let proposer: ProvenPerson | null = null;

  setHandler(
    reviewUpdate,
    (decision: ReviewDecisionInput) =>
      proven('review', decision, REVIEWER_ROLES, async (person) => {
        mustHold(state, person);
        const { proof: _proof, ...asked } = decision;
        const needs = secondLookNeeds(state, decision);
        if (needs.length === 0) {
          await decide(asked, person, null);
          return state;
        }
        const proposal: Proposal = {
          by: person.username,
          decision: decision.decision as Proposal['decision'],
          comment: decision.comment,
          amount: decision.decision === 'approve' ? (decision.amount ?? state.ruleResult.amount) : null,
          amountReason: decision.amountReason ?? null,
          needs,
          at: new Date().toISOString(),
        };
        await review.recordProposal({
          ...input,
          key: key('proposal'),
          reviewer: person,
          proposal,
          ruleResult: state.ruleResult,
          standing: { ...standing(), proposal },
        });
        state.proposal = proposal;
        state.status = 'proposed';
        proposer = person;
        await archive('proposed');
        return state;
      }),
    {
      validator: (decision) => {
        mustBeOpen(state);
        if (!['approve', 'reject', 'return'].includes(decision.decision)) throw refuse(`决定 ${String(decision.decision)} 无效`);
        const comment = decision.comment?.trim() ?? '';
        const overrides = decision.decision !== 'return' && decision.decision !== state.provisionalOutcome;
        if (overrides && !comment) throw refuse(`改变规则结果（${state.provisionalOutcome} → ${decision.decision}）须填写意见`);
        if (decision.decision === 'return' && !comment) throw refuse('退回补正须写明需补正的材料');
        if (decision.amount !== undefined) {
          if (decision.decision !== 'approve') throw refuse('只有通过时可更正金额');
          if (!MONEY.test(decision.amount)) throw refuse(`金额 ${decision.amount} 格式应为 1234.50`);
          if (!decision.amountReason?.trim()) throw refuse('更正金额须说明理由');
        }
      },
    },
  );

  setHandler(
    secondLookUpdate,
    (look: SecondLookInput) =>
      proven('second-look', look, SECOND_LOOK_ROLES, async (person) => {
        mustBeOpen(state);
        const proposal = state.proposal;
        if (state.status !== 'proposed' || !proposal || !proposer) throw refuse('该案件没有待复核的决定');
        if (person.username === proposal.by) throw refuse('提出决定的人不能复核自己的决定');
        await review.recordSecondLook({
          ...input,
          key: key('second-look'),
          reviewer: person,
          verdict: look.verdict,
          comment: look.comment,
          proposal,
          standing: standing(),
        });
        if (look.verdict === 'approve') {
          const { by: _by, needs: _needs, at: _at, amount, amountReason, ...decided } = proposal;
          const amountChanged = amount !== null && amount !== state.ruleResult.amount;
          await decide({ ...decided, ...(amountChanged ? { amount, amountReason: amountReason ?? '' } : {}) }, proposer, person);
        } else {
          // Back to the proposer, who holds the case again and may decide otherwise.
          state.proposal = null;
          state.status = 'claimed';
          state.claimedBy = proposal.by;
          await archive('second-look-sent-back');
        }
        return state;
      }),
    {
      validator: (look) => {
        mustBeOpen(state);
        if (look.verdict !== 'approve' && look.verdict !== 'send-back') throw refuse(`复核结论 ${String(look.verdict)} 无效`);
        if (look.verdict === 'send-back' && !look.comment?.trim()) throw refuse('退回重审须写明意见');
        if (state.status !== 'proposed') throw refuse('该案件没有待复核的决定');
      },
    },
  );

  // Shown in review only once every act has its handler: whoever sees it awaiting (a clerk's page, a
  // test) can claim it, and a returned case's next round never shows while the last round's handlers
  // still answer.
  setHandler(reviewStateQuery, () => state);
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

/** What waiting for a returned case's documents ends with. */
export type DocumentsEnd = { kind: 'supplied'; supply: Omit<SupplyInput, 'proof'> } | { kind: 'expired'; result: CaseResult };

/**
 * A case returned for documents (退回补正) waits for a clerk to hand in what the claimant supplied,
 * until the 补正 deadline: an unanswered case then closes as 不予受理.
 */
export async function awaitDocuments(
  input: CaseInput,
  round: number,
  gate: Mutex,
  deadlineDays: number,
  archiveImplied = false,
): Promise<DocumentsEnd> {
  const review = reviewActivities(input);
  const archive = historyArchiver(input, archiveImplied);
  let acts = 0;
  const key = (what: string) => `supply-${round}/${what}-${++acts}`;
  const deadlineAt = new Date(Date.now() + deadlineDays * 86_400_000).toISOString();
  await review.openReturn({ ...input, key: key('open'), deadlineAt });
  await archive('awaiting-documents');
  let supplied: Omit<SupplyInput, 'proof'> | null = null;
  setHandler(
    supplyUpdate,
    (supply) =>
      provenAct(gate, input, key('verify-supply'), 'supply', supply, REVIEWER_ROLES, async (person) => {
        if (supplied) throw refuse('补正材料已提交');
        const { proof: _proof, ...handedIn } = supply;
        await review.recordSupply({ ...input, key: key('supplied'), reviewer: person, ...handedIn });
        supplied = handedIn;
        await archive('documents-supplied');
        return { round: round + 1 };
      }),
    {
      validator: (supply) => {
        if (supplied) throw refuse('补正材料已提交');
        if (!Array.isArray(supply.files)) throw refuse('补正材料清单无效');
        if (supply.receipts !== undefined && (!Array.isArray(supply.receipts) || !supply.attachmentsDir))
          throw refuse('补正票据须随附其目录');
      },
    },
  );
  if (await condition(() => supplied !== null, Math.max(1, Date.parse(deadlineAt) - Date.now())))
    return { kind: 'supplied', supply: supplied! };
  // Handed in at the last moment: the hand-in being recorded wins over the deadline.
  await condition(allHandlersFinished);
  if (supplied) return { kind: 'supplied', supply: supplied };
  return { kind: 'expired', result: await review.expireReturn({ ...input, key: key('expired'), deadlineDays }) };
}
