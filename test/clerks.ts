import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config/env';
import { actSigningKey } from '../security/actKeys';
import type { Store } from '../store';
import { createUser, getUser } from '../store/users';
import { reviewActions, type ActionResult } from '../temporal/reviewActions';
import { reviewStateQuery } from '../workflows/messages';
import type { HumanDecisionKind } from '../workflows/reviewTypes';

/** The value of an act that went through; a refused act fails the test with the workflow's words. */
export function must<T>(result: ActionResult<T>): T {
  if (!result.ok) throw new Error(`refused: ${result.message}`);
  return result.value;
}

/**
 * A clerk and a supervisor, registered in the stack's store, who clear what waits for a person as
 * the console would: claim, decide, and the second look where a decision needs one.
 */
export async function reviewTeam(
  store: Store,
  client: Client,
  config: AppConfig,
  names = { clerk: 'clerk.test', supervisor: 'chief.test' },
) {
  for (const [username, role] of [
    [names.clerk, 'clerk'],
    [names.supervisor, 'supervisor'],
  ] as const) {
    if (!(await getUser(store, username)))
      await createUser(store, { username, displayName: username, role, password: 'review-team-password' });
  }
  const acts = reviewActions(client, actSigningKey(config));
  return {
    acts,
    clerk: names.clerk,
    supervisor: names.supervisor,
    /** Claims and decides a case waiting for review (false when it waits for none); approves a proposal. */
    async decide(caseId: string, decision: HumanDecisionKind, comment: string): Promise<boolean> {
      const state = await client.workflow
        .getHandle(`case-${caseId}`)
        .query(reviewStateQuery)
        .catch(() => null);
      if (!state || state.status === 'decided' || state.status === 'returned') return false;
      if (state.status !== 'proposed') {
        if (state.claimedBy !== names.clerk) must(await acts.claim(caseId, names.clerk));
        const after = must(await acts.decide(caseId, names.clerk, { decision, comment }));
        if (after.status !== 'proposed') return true;
      }
      must(await acts.secondLook(caseId, names.supervisor, { verdict: 'approve', comment: '复核同意' }));
      return true;
    },
  };
}
