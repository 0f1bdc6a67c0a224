import { isoUtc } from './sqlTime';
import type { Store } from './store';

/** One entry of a person's notification list in the console. */
export interface InboxNotification {
  id: string;
  kind: string;
  subject: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

interface Row {
  id: string;
  kind: string;
  subject: string;
  body: string;
  link: string | null;
  created_at: string;
  read_at: string | null;
}

/** A person's latest notifications, newest first. */
export async function listNotifications(store: Store, username: string, limit = 100): Promise<InboxNotification[]> {
  const rows = await store.db.query<Row>(
    `SELECT id::text AS id, kind, subject, body, link, ${isoUtc('created_at')} AS created_at, ${isoUtc('read_at')} AS read_at
     FROM notifications WHERE username = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
    [username, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    body: r.body,
    link: r.link,
    createdAt: r.created_at,
    readAt: r.read_at,
  }));
}

/** How many of a person's notifications are unread: the badge in the console's navigation. */
export async function unreadNotifications(store: Store, username: string): Promise<number> {
  const [row] = await store.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM notifications WHERE username = $1 AND read_at IS NULL',
    [username],
  );
  return row?.n ?? 0;
}

/** Marks one of a person's notifications read (or all of them, `id` 'all'); only their own. Returns how many changed. */
export async function markNotificationsRead(store: Store, username: string, id: string | 'all', at: Date): Promise<number> {
  const rows = await store.db.query(
    `UPDATE notifications SET read_at = $3::text::timestamptz
     WHERE username = $1 AND read_at IS NULL AND ($2::text = 'all' OR id = $2::text::bigint) RETURNING id`,
    [username, id, at.toISOString()],
  );
  return rows.length;
}
