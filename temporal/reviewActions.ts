import { randomUUID, type KeyObject } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { signAct, type HumanAction } from '../security/humanActs';
import { claimUpdate, correctUpdate, releaseUpdate, reviewUpdate, secondLookUpdate, supplyUpdate } from '../workflows/messages';
import type { CorrectionInput, ReviewDecisionInput, ReviewState, SecondLookInput, SupplyInput } from '../workflows/reviewTypes';
import type { CaseResult } from '../workflows/types';
import { caseWorkflowId } from '../workflows/types';

export type ActionResult<T = unknown> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Options of one act. `updateId` makes the act happen once however often it is sent: a form
 * carries one, so a double click or a retried request gets the first answer back.
 */
export interface ActOptions {
  updateId?: string;
}

/**
 * The review's human acts, sent to a case's workflow as Updates, each signed for the person the
 * caller has authenticated (console session, CLI password). The workflow checks the signature and
 * reads the person's role from the store; its refusal (a Chinese sentence) comes back to show them.
 */
export function reviewActions(temporal: Client, signingKey: KeyObject) {
  const handle = (caseId: string) => temporal.workflow.getHandle(caseWorkflowId(caseId));

  async function send<P extends object, R>(
    caseId: string,
    username: string,
    action: HumanAction,
    payload: P,
    update: (args: P & { proof: ReturnType<typeof signAct> }, updateId: string) => Promise<R>,
    options: ActOptions,
  ): Promise<ActionResult<R>> {
    const proof = signAct(signingKey, { caseId, action, username, payload: payload as Record<string, unknown> });
    try {
      return { ok: true, value: await update({ ...payload, proof }, options.updateId ?? randomUUID()) };
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) return { ok: false, message: err.cause?.message ?? '流程拒绝了该操作' };
      if (
        err instanceof WorkflowNotFoundError ||
        (err instanceof Error && /not found|already completed|workflow execution already/i.test(err.message))
      ) {
        return { ok: false, message: '该案件的流程已不在审核中（可能已办结）' };
      }
      throw err;
    }
  }

  return {
    claim: (caseId: string, username: string, options: ActOptions = {}): Promise<ActionResult<ReviewState>> =>
      send(
        caseId,
        username,
        'claim',
        {},
        (args, updateId) => handle(caseId).executeUpdate(claimUpdate, { args: [args], updateId }),
        options,
      ),
    release: (caseId: string, username: string, options: ActOptions = {}): Promise<ActionResult<ReviewState>> =>
      send(
        caseId,
        username,
        'release',
        {},
        (args, updateId) => handle(caseId).executeUpdate(releaseUpdate, { args: [args], updateId }),
        options,
      ),
    correct: (
      caseId: string,
      username: string,
      input: Omit<CorrectionInput, 'proof'>,
      options: ActOptions = {},
    ): Promise<ActionResult<CaseResult>> =>
      send(
        caseId,
        username,
        'correct',
        input,
        (args, updateId) => handle(caseId).executeUpdate(correctUpdate, { args: [args], updateId }),
        options,
      ),
    decide: (
      caseId: string,
      username: string,
      input: Omit<ReviewDecisionInput, 'proof'>,
      options: ActOptions = {},
    ): Promise<ActionResult<ReviewState>> =>
      send(
        caseId,
        username,
        'review',
        input,
        (args, updateId) => handle(caseId).executeUpdate(reviewUpdate, { args: [args], updateId }),
        options,
      ),
    secondLook: (
      caseId: string,
      username: string,
      input: Omit<SecondLookInput, 'proof'>,
      options: ActOptions = {},
    ): Promise<ActionResult<ReviewState>> =>
      send(
        caseId,
        username,
        'second-look',
        input,
        (args, updateId) => handle(caseId).executeUpdate(secondLookUpdate, { args: [args], updateId }),
        options,
      ),
    supply: (
      caseId: string,
      username: string,
      input: Omit<SupplyInput, 'proof'>,
      options: ActOptions = {},
    ): Promise<ActionResult<{ round: number }>> =>
      send(
        caseId,
        username,
        'supply',
        input,
        (args, updateId) => handle(caseId).executeUpdate(supplyUpdate, { args: [args], updateId }),
        options,
      ),
  };
}

export type ReviewActions = ReturnType<typeof reviewActions>;
