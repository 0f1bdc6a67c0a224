import { ActivityFailure, log, patched, proxyActivities } from '@temporalio/workflow';
import type { auditActivities } from '../audit/activities';
import type { AuditStep } from '../store/auditSteps';
import { archiveWhileWaitingOptions } from './retryPolicies';
import type { CaseInput } from './types';

/** Runs recorded before a case's history was archived while it waited for people replay without it. */
const ARCHIVE_WHILE_WAITING = 'archive-while-waiting-v1';

type ArchiveActivities = Pick<ReturnType<typeof auditActivities>, 'archiveHistory'>;

/**
 * What keeps the case's history so far in the store at each point where it waits for a person (in
 * review, after each human act), named by the audit step just recorded: `audit replay` then works
 * on a case waiting for a clerk once Temporal no longer holds it. Decided once per stage with
 * patched(), where the stage begins, so that a run recorded before replays unchanged. An archive
 * that fails is let go: the act it follows stands, and the next archive supersedes it. `implied`:
 * the case took a later patch that includes this one (caseWorkflow.ts), and records no marker for it.
 */
export function historyArchiver(input: CaseInput, implied = false): (after: AuditStep) => Promise<void> {
  if (!implied && !patched(ARCHIVE_WHILE_WAITING)) return () => Promise.resolve();
  const { archiveHistory } = proxyActivities<ArchiveActivities>(archiveWhileWaitingOptions(input.retry));
  return async (after) => {
    try {
      await archiveHistory({ caseId: input.caseRow.caseId, after });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      log.warn(`case ${input.caseRow.caseId}: history not archived after ${after} (${err.cause?.message ?? err.message})`);
    }
  };
}
