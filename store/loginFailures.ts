import { isoUtc } from './sqlTime';
import type { Store } from './store';

/**
 * The store's side of login throttling: one row per login attempt that has not succeeded. Kept in
 * the store (not in a console's memory) so that several console processes count the same attempts
 * and a restart does not hand an attacker a fresh allowance.
 */

/** Records an attempt before its password is checked; returns the row's id. */
export async function recordLoginAttempt(store: Store, username: string, address: string, at: Date): Promise<string> {
  const [row] = await store.db.query<{ id: string }>(
    'INSERT INTO login_failures (username, address, at) VALUES ($1, $2, $3::text::timestamptz) RETURNING id::text AS id',
    [username, address, at.toISOString()],
  );
  return row!.id;
}

export type AttemptScope = 'pair' | 'account' | 'address';

/**
 * Times (ms since epoch) of the latest `limit` attempts since `since` in a scope, newest first,
 * leaving out one attempt (the caller's own).
 */
export async function recentLoginAttempts(
  store: Store,
  scope: AttemptScope,
  who: { username: string; address: string },
  since: Date,
  limit: number,
  except: string,
): Promise<number[]> {
  const where = {
    pair: 'username = $1 AND address = $2',
    account: 'username = $1 AND $2::text IS NOT NULL',
    address: 'address = $2 AND $1::text IS NOT NULL',
  }[scope];
  const rows = await store.db.query<{ at: string }>(
    `SELECT ${isoUtc('at')} AS at FROM login_failures WHERE ${where} AND at > $3::text::timestamptz AND id <> $4::bigint ORDER BY at DESC LIMIT $5`,
    [who.username, who.address, since.toISOString(), except, limit],
  );
  return rows.map((r) => Date.parse(r.at));
}

/** Forgets one attempt (refused before its password was checked). */
export async function forgetLoginAttempt(store: Store, id: string): Promise<void> {
  await store.db.query('DELETE FROM login_failures WHERE id = $1::bigint', [id]);
}

/** A successful login clears the failures of that account from that address (its owner's own typos). */
export async function clearLoginFailures(store: Store, username: string, address: string): Promise<void> {
  await store.db.query('DELETE FROM login_failures WHERE username = $1 AND address = $2', [username, address]);
}

/** Deletes attempts older than every window, so the table holds one window's worth at most. */
export async function pruneLoginFailures(store: Store, before: Date): Promise<void> {
  await store.db.query('DELETE FROM login_failures WHERE at < $1::text::timestamptz', [before.toISOString()]);
}
