/**
 * The case's short store steps taken together, so that a case costs Temporal fewer round trips
 * (workflows/caseWorkflow.ts, patch `lean-case-v1`): each is the steps it replaces run one after
 * the other in one activity. Every step keeps its own idempotency (audit keys per run, register
 * upserts, the notice's atomic file, the archive's longer-history-wins), so a retry of the whole,
 * or the workflow running it again as an ordinary activity after its local attempts, records
 * nothing twice.
 */
import type { CaseInput, CaseResult } from '../workflows/types';
import type { DefaultQueueActivities, LeanCaseActivities } from '../workflows/activityContracts';
import type { IssuedNotice, IssueNoticeInput } from '../notices/activities';
import type { AuditStep } from '../store/auditSteps';

interface Parts {
  acceptCase: DefaultQueueActivities['acceptCase'];
  resumeFromTrail: DefaultQueueActivities['resumeFromTrail'];
  closeCase: DefaultQueueActivities['closeCase'];
  issueNotice(input: IssueNoticeInput): Promise<IssuedNotice>;
  archiveHistory(input: { caseId: string; after?: AuditStep }): Promise<unknown>;
}

function leanCaseActivities(parts: Parts): LeanCaseActivities {
  return {
    async openCase(input: CaseInput) {
      await parts.acceptCase(input);
      return parts.resumeFromTrail({ caseId: input.caseRow.caseId });
    },

    async finishCase(input: CaseInput & { result: CaseResult }) {
      await parts.closeCase(input);
      await parts.issueNotice({ caseId: input.caseRow.caseId });
      // The history so far (up to this step): what an auditor replays once Temporal's retention has
      // removed it; the post-close sweep later replaces it with the complete one.
      await parts.archiveHistory({ caseId: input.caseRow.caseId, after: 'notice-issued' });
    },
  };
}

/** A worker's activities with the combined steps added, built from the same functions. */
export function withLeanCase<T extends Parts>(parts: T): T & LeanCaseActivities {
  return { ...parts, ...leanCaseActivities(parts) };
}
