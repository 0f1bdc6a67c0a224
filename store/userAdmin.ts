import crypto from 'node:crypto';
import type { Actor } from './auditEvent';
import type { AuditStep } from './auditSteps';
import { appendEvent } from './auditTrail';
import type { Store } from './store';
import { createUser, setUserDisabled, setUserPassword, type NewUser, type User } from './users';

/**
 * The audit trail of account administration. These acts belong to no case, so they are chained in
 * a trail of their own under a reserved id that no case number looks like (they are like LS-2024-0006).
 */
export const ADMIN_TRAIL_ID = '_admin';

type AdminStep = Extract<AuditStep, 'user-added' | 'user-disabled' | 'user-enabled' | 'password-reset'>;

/** Where an administrative act came from: the console (a logged-in admin) or the CLI (whoever holds the store). */
type AdminChannel = 'console' | 'cli';

export interface AdminActor {
  actor: Actor;
  via: AdminChannel;
}

async function record(
  store: Store,
  by: AdminActor,
  step: AdminStep,
  username: string,
  outcome: Record<string, string | boolean>,
): Promise<void> {
  await appendEvent(store, {
    caseId: ADMIN_TRAIL_ID,
    workflowId: 'user-admin',
    runId: by.via,
    step,
    actor: by.actor,
    at: new Date().toISOString(),
    inputs: { username, via: by.via },
    ruleSetVersion: null,
    outcome,
    evidence: [],
    // Each act is its own event: a second reset of the same user is a second act.
    idempotencyKey: `${step}/${username}/${crypto.randomUUID()}`,
  });
}

/** Adds a user and writes who did it; the password is never in the trail. */
export async function addUserAsAdmin(store: Store, by: AdminActor, input: NewUser): Promise<User> {
  const user = await createUser(store, input);
  await record(store, by, 'user-added', user.username, { role: user.role });
  return user;
}

/** Disables (or re-enables) a user, ending their sessions; undefined when there is no such user. */
export async function setDisabledAsAdmin(store: Store, by: AdminActor, username: string, disabled: boolean): Promise<User | undefined> {
  const user = await setUserDisabled(store, username, disabled);
  if (user) await record(store, by, disabled ? 'user-disabled' : 'user-enabled', username, { disabled });
  return user;
}

/** Sets a new password for a user, ending their sessions; undefined when there is no such user. */
export async function resetPasswordAsAdmin(store: Store, by: AdminActor, username: string, password: string): Promise<User | undefined> {
  const user = await setUserPassword(store, username, password);
  if (user) await record(store, by, 'password-reset', username, { sessionsEnded: true });
  return user;
}
