import { hashEvent, sha256Hex } from './auditHash';
import { auditEventColumns, hashedEventOfRow, type AuditEventRow } from './auditRows';
import type { Store } from './store';

export type ChainProblem =
  /** The stored hash is not the sha256 of the stored canonical text. */
  | 'hash mismatch'
  /** The columns no longer say what was hashed (someone edited the row's data). */
  | 'payload mismatch'
  /** prevHash is not the previous event's hash: that event was rewritten, or this one re-linked. */
  | 'broken link'
  /** A sequence number is missing: an event was deleted. */
  | 'missing event';

export type ChainVerdict =
  { ok: true; cases: number; events: number } | { ok: false; caseId: string; seq: number; problem: ChainProblem; detail: string };

/**
 * Recomputes every hash of one case (or of every case) and checks the links and the sequence.
 * Reports the first problem found. Deleting a case's latest events cannot be seen from the chain
 * alone; compare with the case register for that.
 */
export async function verifyChain(store: Store, caseId?: string): Promise<ChainVerdict> {
  const caseIds =
    caseId === undefined
      ? (await store.db.query<{ case_id: string }>('SELECT DISTINCT case_id FROM audit_events ORDER BY case_id')).map((row) => row.case_id)
      : [caseId];
  let events = 0;
  for (const id of caseIds) {
    const rows = await store.db.query<AuditEventRow>(`SELECT ${auditEventColumns} FROM audit_events WHERE case_id = $1 ORDER BY seq`, [id]);
    const problem = firstChainProblem(rows);
    if (problem) return { ok: false, caseId: id, ...problem };
    events += rows.length;
  }
  return { ok: true, cases: caseIds.length, events };
}

/** The first problem in one case's rows (ordered by seq), if any. */
export function firstChainProblem(rows: readonly AuditEventRow[]): { seq: number; problem: ChainProblem; detail: string } | undefined {
  let previousHash: string | null = null;
  for (const [index, row] of rows.entries()) {
    const expectedSeq = index + 1;
    if (row.seq !== expectedSeq) {
      return { seq: expectedSeq, problem: 'missing event', detail: `expected seq ${expectedSeq}, found ${row.seq}` };
    }
    if (sha256Hex(row.canonical) !== row.hash) {
      return { seq: row.seq, problem: 'hash mismatch', detail: 'stored hash is not the sha256 of the stored canonical text' };
    }
    if (hashEvent(hashedEventOfRow(row)).canonical !== row.canonical) {
      return { seq: row.seq, problem: 'payload mismatch', detail: 'the row data differs from the text that was hashed' };
    }
    if (row.prev_hash !== previousHash) {
      return {
        seq: row.seq,
        problem: 'broken link',
        detail: `prevHash does not match the hash of event ${row.seq - 1}: that event was rewritten or this one re-linked`,
      };
    }
    previousHash = row.hash;
  }
  return undefined;
}
