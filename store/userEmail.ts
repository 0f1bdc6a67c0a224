import { z } from 'zod';
import type { Role } from './users';
import type { Store } from './store';
import { recordAdminAct, type AdminActor } from './userAdmin';

/** An e-mail address as notifications are sent to it: one address, no display name. */
export const EmailAddress = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^@\s<>,;"]+@[^@\s<>,;"]+\.[^@\s<>,;"]+$/, 'email: one address like name@bureau.example');

/** A person notifications go to: who, in what role, and where mail reaches them (null: the console only). */
export interface Recipient {
  username: string;
  displayName: string;
  role: Role;
  email: string | null;
}

/** The enabled users holding any of `roles`, by name. */
export async function recipientsByRole(store: Store, roles: readonly Role[]): Promise<Recipient[]> {
  const rows = await store.db.query<{ username: string; display_name: string; role: Role; email: string | null }>(
    'SELECT username, display_name, role, email FROM users WHERE NOT disabled AND role = ANY($1::text[]) ORDER BY username',
    [roles],
  );
  return rows.map((r) => ({ username: r.username, displayName: r.display_name, role: r.role, email: r.email }));
}

/** One enabled user as a recipient, or undefined. */
export async function recipientNamed(store: Store, username: string): Promise<Recipient | undefined> {
  const [r] = await store.db.query<{ username: string; display_name: string; role: Role; email: string | null }>(
    'SELECT username, display_name, role, email FROM users WHERE NOT disabled AND username = $1',
    [username],
  );
  return r && { username: r.username, displayName: r.display_name, role: r.role, email: r.email };
}

/** Every user's e-mail address (null: none), by username, for the admin's page. */
export async function emailsByUser(store: Store): Promise<Map<string, string | null>> {
  const rows = await store.db.query<{ username: string; email: string | null }>('SELECT username, email FROM users');
  return new Map(rows.map((r) => [r.username, r.email]));
}

/**
 * Sets (or with null clears) a user's e-mail address and writes who did it to the `_admin` trail
 * (whether an address is set, not the address). False when there is no such user.
 */
export async function setEmailAsAdmin(store: Store, by: AdminActor, username: string, email: string | null): Promise<boolean> {
  const address = email === null ? null : EmailAddress.parse(email);
  const rows = await store.db.query('UPDATE users SET email = $2 WHERE username = $1 RETURNING username', [username, address]);
  if (rows.length === 0) return false;
  await recordAdminAct(store, {
    area: 'user-admin',
    via: by.via,
    step: 'user-email-set',
    actor: by.actor,
    inputs: { username, via: by.via },
    outcome: { emailSet: address !== null },
    about: username,
  });
  return true;
}
