import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { CaseWatchActivities } from '../workflows/activityContracts';
import { caseWorkflowId } from '../workflows/types';

/**
 * What a batch asks Temporal about cases an earlier run of it started (carried over a
 * continue-as-new, so it holds no child handle): which of them have closed.
 */
export function caseWatchActivities({ client }: { client: Client }): CaseWatchActivities {
  return {
    async closedCaseWorkflows({ caseIds }) {
      const closed: string[] = [];
      for (const caseId of caseIds) {
        try {
          const description = await client.workflow.getHandle(caseWorkflowId(caseId)).describe();
          if (description.status.name !== 'RUNNING') closed.push(caseId);
        } catch (err) {
          // Gone from Temporal (retention) cannot be running either.
          if (err instanceof WorkflowNotFoundError) closed.push(caseId);
          else throw err;
        }
      }
      return closed;
    },
  };
}
