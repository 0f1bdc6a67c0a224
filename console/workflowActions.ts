import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { claimUpdate, correctUpdate, releaseUpdate, reviewUpdate } from '../workflows/messages';
import type { CorrectionInput, ReviewDecisionInput, Reviewer } from '../workflows/reviewTypes';
import { caseWorkflowId } from '../workflows/types';

export type ActionResult = { ok: true } | { ok: false; message: string };

/**
 * One review act sent to the case's workflow as an Update. The workflow's validators are the
 * authority on claims and state; their refusal (a Chinese sentence) comes back to show the user.
 */
async function send(run: () => Promise<unknown>): Promise<ActionResult> {
  try {
    await run();
    return { ok: true };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return { ok: false, message: err.cause?.message ?? '流程拒绝了该操作' };
    if (err instanceof WorkflowNotFoundError || (err instanceof Error && /not found|already completed|workflow execution already/i.test(err.message))) {
      return { ok: false, message: '该案件的流程已不在审核中（可能已办结）' };
    }
    throw err;
  }
}

/** The Updates of the review, bound to a Temporal client. */
export function reviewActions(temporal: Client) {
  const handle = (caseId: string) => temporal.workflow.getHandle(caseWorkflowId(caseId));
  return {
    claim: (caseId: string, reviewer: Reviewer) => send(() => handle(caseId).executeUpdate(claimUpdate, { args: [{ reviewer }] })),
    release: (caseId: string, reviewer: Reviewer) => send(() => handle(caseId).executeUpdate(releaseUpdate, { args: [{ reviewer }] })),
    correct: (caseId: string, input: CorrectionInput) => send(() => handle(caseId).executeUpdate(correctUpdate, { args: [input] })),
    decide: (caseId: string, input: ReviewDecisionInput) => send(() => handle(caseId).executeUpdate(reviewUpdate, { args: [input] })),
  };
}

export type ReviewActions = ReturnType<typeof reviewActions>;
