import { z } from 'zod';
import { isoUtc } from './sqlTime';
import type { Store } from './store';

/** An attempt asking for the right to enter a case. */
export const EntryLeaseRequest = z.strictObject({
  caseId: z.string().min(1),
  /** Names the attempt (workflow, run, activity, attempt); the same holder asking again gets its own token back. */
  holder: z.string().min(1),
  /** When Temporal scheduled this attempt (ISO): a later one is newer and takes over a live lease. */
  attemptScheduledAt: z.string().datetime(),
  /** How long the lease lasts unless taken over: the attempt's start-to-close timeout. */
  ttlMs: z.number().int().positive(),
});
export type EntryLeaseRequest = z.infer<typeof EntryLeaseRequest>;

/** The lease of a case as stored. */
export interface EntryLease {
  caseId: string;
  token: number;
  holder: string;
  attemptScheduledAt: string;
  takenAt: string;
  expiresAt: string;
  /** Whether it is still in force by the database's clock. */
  live: boolean;
}

export type TakeLeaseResult = { ok: true; token: number } | { ok: false; current: EntryLease };

interface LeaseRow {
  case_id: string;
  token: string | number;
  holder: string;
  attempt_scheduled_at: string;
  taken_at: string;
  expires_at: string;
  live: boolean;
}

const leaseColumns = `case_id, token, holder, ${isoUtc('attempt_scheduled_at')} AS attempt_scheduled_at,
  ${isoUtc('taken_at')} AS taken_at, ${isoUtc('expires_at')} AS expires_at, expires_at > now() AS live`;

const leaseOfRow = (row: LeaseRow): EntryLease => ({
  caseId: row.case_id,
  token: Number(row.token),
  holder: row.holder,
  attemptScheduledAt: row.attempt_scheduled_at,
  takenAt: row.taken_at,
  expiresAt: row.expires_at,
  live: row.live,
});

/**
 * Takes the entry lease of a case for an attempt: a free case gets token 1; an expired lease, or
 * one held by an attempt scheduled earlier, is taken over with the next token. A live lease of
 * a newer (or the same-time) attempt is refused: the asker is the stale one. The decision is one
 * statement, so two attempts racing for it cannot both win.
 */
export async function takeEntryLease(store: Store, request: EntryLeaseRequest): Promise<TakeLeaseResult> {
  const r = EntryLeaseRequest.parse(request);
  const [taken] = await store.db.query<{ token: string | number }>(
    `INSERT INTO entry_leases AS l (case_id, token, holder, attempt_scheduled_at, taken_at, expires_at)
     VALUES ($1, 1, $2, $3::text::timestamptz, now(), now() + $4::int * interval '1 millisecond')
     ON CONFLICT (case_id) DO UPDATE SET
       token = l.token + 1, holder = EXCLUDED.holder, attempt_scheduled_at = EXCLUDED.attempt_scheduled_at,
       taken_at = EXCLUDED.taken_at, expires_at = EXCLUDED.expires_at
     WHERE l.expires_at <= now() OR (l.holder <> EXCLUDED.holder AND l.attempt_scheduled_at < EXCLUDED.attempt_scheduled_at)
     RETURNING token`,
    [r.caseId, r.holder, r.attemptScheduledAt, r.ttlMs],
  );
  if (taken) return { ok: true, token: Number(taken.token) };
  const current = await currentEntryLease(store, r.caseId);
  if (!current) throw new Error(`takeEntryLease: no lease for ${r.caseId} after a refused take`);
  // Asking again (e.g. after a re-login) keeps the token the holder already has.
  if (current.holder === r.holder && current.live) return { ok: true, token: current.token };
  return { ok: false, current };
}

/** The entry lease of a case, or undefined when no attempt has asked for one. */
export async function currentEntryLease(store: Store, caseId: string): Promise<EntryLease | undefined> {
  const [row] = await store.db.query<LeaseRow>(`SELECT ${leaseColumns} FROM entry_leases WHERE case_id = $1`, [caseId]);
  return row && leaseOfRow(row);
}
