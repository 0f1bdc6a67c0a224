/** Activities that keep workflow histories in the store; register them on the default task queue. */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Store } from '../store';
import type { AuditStep } from '../store/auditSteps';
import { archiveClosedCaseHistories, saveWorkflowHistory } from './history';

export interface AuditActivityDeps {
  store: Store;
  /** A client of the same namespace: the history is fetched from the server. */
  client: Client;
}

export function auditActivities(deps: AuditActivityDeps) {
  return {
    /**
     * Saves the calling workflow's history so far (it is still open while this runs: the history
     * ends at this activity's scheduling), `after` the audit step just recorded: once in review,
     * after each human act, at the close. A retry or a later call supersedes it in the store (one
     * row per run, the longer history wins); the post-close sweep (`archiveClosedHistories`) later
     * replaces it with the complete history.
     */
    async archiveHistory({ caseId, after }: { caseId: string; after?: AuditStep }): Promise<{ events: number; complete: boolean }> {
      const exec = Context.current().info.workflowExecution;
      if (!exec) throw ApplicationFailure.nonRetryable('archiveHistory must run inside a workflow');
      const saved = await saveWorkflowHistory(deps.store, deps.client, exec.workflowId, exec.runId, caseId, after);
      return { events: saved.eventCount, complete: saved.complete };
    },

    /** Saves the complete histories of closed cases not yet archived complete (a batch's, or all). */
    async archiveClosedHistories({ batchId }: { batchId?: string }): Promise<{ saved: number; stillOpen: number; missing: number }> {
      const r = await archiveClosedCaseHistories(deps.store, deps.client, batchId ? { batchId } : {});
      return { saved: r.saved.length, stillOpen: r.stillOpen.length, missing: r.missing.length };
    },
  };
}
