import { isoUtc } from './sqlTime';
import type { Store } from './store';

/**
 * The notifications' store: the console's list (one row per event and person) and the outbox of
 * messages leaving the system (one row per event, recipient and channel). Both are keyed by the
 * event, so a producer that is retried writes nothing twice (docs/notifications.md).
 */

export type OutboxChannel = 'email' | 'webhook';

/** One message to send: to a person's address by e-mail, or to the webhook (recipient `*`). */
export interface OutboxMessage {
  recipient: string;
  channel: OutboxChannel;
  address: string;
  subject: string;
  body: string;
}

/** What an event produces: its list entries (by username) and its outgoing messages. */
export interface NotificationRecord {
  eventKey: string;
  kind: string;
  subject: string;
  body: string;
  link: string | null;
  inbox: readonly string[];
  outbox: readonly OutboxMessage[];
}

/**
 * Writes an event's list entries and outbox rows in one transaction; rows its key already has are
 * left as they are. Returns how many of each were new (0 and 0 for a repeated producer).
 */
export async function recordNotification(store: Store, n: NotificationRecord): Promise<{ inbox: number; outbox: number }> {
  return store.db.transaction(async (tx) => {
    let inbox = 0;
    let outbox = 0;
    for (const username of n.inbox) {
      const rows = await tx.query(
        `INSERT INTO notifications (event_key, username, kind, subject, body, link) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (event_key, username) DO NOTHING RETURNING id`,
        [n.eventKey, username, n.kind, n.subject, n.body, n.link],
      );
      inbox += rows.length;
    }
    for (const m of n.outbox) {
      const rows = await tx.query(
        `INSERT INTO notification_outbox (event_key, recipient, channel, address, subject, body) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (event_key, recipient, channel) DO NOTHING RETURNING id`,
        [n.eventKey, m.recipient, m.channel, m.address, m.subject, m.body],
      );
      outbox += rows.length;
    }
    return { inbox, outbox };
  });
}

/** An outbox row as delivery and its readers see it. */
export interface OutboxRow extends OutboxMessage {
  id: string;
  eventKey: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  attemptId: string | null;
  lastError: string | null;
  nextAttemptAt: string;
  sentAt: string | null;
}

interface Row {
  id: string;
  event_key: string;
  recipient: string;
  channel: OutboxChannel;
  address: string;
  subject: string;
  body: string;
  status: OutboxRow['status'];
  attempts: number;
  attempt_id: string | null;
  last_error: string | null;
  next_attempt_at: string;
  sent_at: string | null;
}

const COLUMNS = `id::text AS id, event_key, recipient, channel, address, subject, body, status, attempts, attempt_id, last_error,
  ${isoUtc('next_attempt_at')} AS next_attempt_at, ${isoUtc('sent_at')} AS sent_at`;

const ofRow = (r: Row): OutboxRow => ({
  id: r.id,
  eventKey: r.event_key,
  recipient: r.recipient,
  channel: r.channel,
  address: r.address,
  subject: r.subject,
  body: r.body,
  status: r.status,
  attempts: r.attempts,
  attemptId: r.attempt_id,
  lastError: r.last_error,
  nextAttemptAt: r.next_attempt_at,
  sentAt: r.sent_at,
});

/**
 * Takes up to `limit` rows that are due for one attempt: pending rows whose back-off has passed, and
 * rows whose earlier attempt's claim ran out (its process died mid-send). Each gets `attemptId` and a
 * claim until `leaseUntil`; two deliverers never hold the same row at once (SKIP LOCKED, and the
 * conditional UPDATE on engines without it).
 */
export async function claimDueMessages(
  store: Store,
  args: { attemptId: string; now: Date; leaseUntil: Date; limit: number; except?: readonly string[] },
): Promise<OutboxRow[]> {
  const rows = await store.db.query<Row>(
    `UPDATE notification_outbox SET status = 'sending', attempt_id = $1, attempts = attempts + 1, claimed_until = $3::text::timestamptz
     WHERE id IN (
       SELECT id FROM notification_outbox
       WHERE ((status = 'pending' AND next_attempt_at <= $2::text::timestamptz)
          OR (status = 'sending' AND claimed_until < $2::text::timestamptz))
       AND NOT (id = ANY($5::bigint[]))
       ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
     AND (status = 'pending' OR claimed_until < $2::text::timestamptz)
     RETURNING ${COLUMNS}`,
    [args.attemptId, args.now.toISOString(), args.leaseUntil.toISOString(), args.limit, args.except ?? []],
  );
  return rows.map(ofRow).sort((a, b) => Number(a.id) - Number(b.id));
}

/** Records that an attempt sent its row; false when the attempt no longer held it. */
export async function markMessageSent(store: Store, id: string, attemptId: string, at: Date): Promise<boolean> {
  const rows = await store.db.query(
    `UPDATE notification_outbox SET status = 'sent', sent_at = $3::text::timestamptz, claimed_until = NULL, last_error = NULL
     WHERE id = $1::bigint AND attempt_id = $2 AND status = 'sending' RETURNING id`,
    [id, attemptId, at.toISOString()],
  );
  return rows.length === 1;
}

/**
 * Records that an attempt failed: back to pending until `retryAt`, or `failed` for good when the
 * receiving side refused the message itself (no retry would change its answer).
 */
export async function markMessageFailed(
  store: Store,
  id: string,
  attemptId: string,
  error: string,
  retryAt: Date | 'never',
): Promise<void> {
  await store.db.query(
    `UPDATE notification_outbox
     SET status = CASE WHEN $4::text IS NULL THEN 'failed' ELSE 'pending' END,
         next_attempt_at = COALESCE($4::text::timestamptz, next_attempt_at), claimed_until = NULL, last_error = $3
     WHERE id = $1::bigint AND attempt_id = $2 AND status = 'sending'`,
    [id, attemptId, error.slice(0, 2000), retryAt === 'never' ? null : retryAt.toISOString()],
  );
}

/** The outbox rows of events whose key starts with `prefix` (all when empty), oldest first. */
export async function listOutbox(store: Store, prefix = ''): Promise<OutboxRow[]> {
  const rows = await store.db.query<Row>(`SELECT ${COLUMNS} FROM notification_outbox WHERE starts_with(event_key, $1) ORDER BY id`, [
    prefix,
  ]);
  return rows.map(ofRow);
}

/** The bot faults recorded since `since` across all cases, and the latest one's message: a storm's measure. */
export async function botFaultsSince(store: Store, since: Date): Promise<{ count: number; lastMessage: string | null }> {
  const [row] = await store.db.query<{ count: number; last: string | null }>(
    `SELECT count(*)::int AS count,
            (SELECT outcome->>'message' FROM audit_events WHERE step = 'bot-fault' AND at > $1::text::timestamptz ORDER BY at DESC LIMIT 1) AS last
     FROM audit_events WHERE step = 'bot-fault' AND at > $1::text::timestamptz`,
    [since.toISOString()],
  );
  return { count: row?.count ?? 0, lastMessage: row?.last ?? null };
}
