import crypto from 'node:crypto';
import type { Actor, EvidenceRef } from './auditEvent';
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

/** One administrative act for the `_admin` trail. */
export interface AdminAct {
  /** What was administered (`user-admin`, `calendar-admin`, `policy-admin`): the event's workflow ID. */
  area: string;
  /** Where it came from (`cli`, `console`): the event's run ID. */
  via: string;
  step: AuditStep;
  actor: Actor;
  at?: Date;
  inputs: Record<string, unknown>;
  outcome: Record<string, unknown>;
  evidence?: EvidenceRef[];
  /** What the act was about (a username, a year, a draft's digest), in its idempotency key. */
  about?: string;
}

/** Writes an administrative act to the `_admin` trail. Each act is its own event: the same act done twice is two acts. */
export async function recordAdminAct(store: Store, act: AdminAct): Promise<void> {
  await appendEvent(store, {
    caseId: ADMIN_TRAIL_ID,
    workflowId: act.area,
    runId: act.via,
    step: act.step,
    actor: act.actor,
    at: (act.at ?? new Date()).toISOString(),
    inputs: act.inputs as never,
    ruleSetVersion: null,
    outcome: act.outcome as never,
    evidence: act.evidence ?? [],
    idempotencyKey: [act.step, ...(act.about === undefined ? [] : [act.about]), crypto.randomUUID()].join('/'),
  });
}

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
  // Each act is its own event: a second reset of the same user is a second act.
  await recordAdminAct(store, {
    area: 'user-admin',
    via: by.via,
    step,
    actor: by.actor,
    inputs: { username, via: by.via },
    outcome,
    about: username,
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
