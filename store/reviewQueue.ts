import type { Store } from './store';
import { isoUtc } from './sqlTime';

/** Where a case under review stands: who holds it and its SLA. */
export interface ReviewStanding {
  claimedBy: string | null;
  /** A decision waiting for a supervisor's second look (待复核), with who proposed it. */
  proposal?: { by: string; decision: string; amount: string | null; needs: string[] } | null;
  slaReminder: string | null;
  slaDeadline: string | null;
  escalated: boolean;
}

export type SlaState = 'on-time' | 'due-soon' | 'overdue';

export interface InboxEntry extends ReviewStanding {
  caseId: string;
  type: string;
  batchId: string | null;
  workflowId: string;
  reasons: string[];
  amount: string | null;
  updatedAt: string;
  sla: SlaState | null;
}

export interface InboxFilter {
  type?: string;
  rule?: string;
  batchId?: string;
  sla?: SlaState;
  claimedBy?: string;
  /** Only decisions waiting for a second look (true), or only those that are not (false). */
  proposed?: boolean;
}

/** Records who holds a case and its SLA, alongside its place in the case register. */
export async function setReviewStanding(store: Store, caseId: string, standing: ReviewStanding): Promise<void> {
  await store.db.query(
    `UPDATE cases SET claimed_by = $2, sla_reminder = $3::text::timestamptz, sla_deadline = $4::text::timestamptz, escalated = $5,
            proposed_by = $6, proposal = $7::text::jsonb, updated_at = now()
     WHERE case_id = $1`,
    [
      caseId,
      standing.claimedBy,
      standing.slaReminder,
      standing.slaDeadline,
      standing.escalated,
      standing.proposal?.by ?? null,
      standing.proposal ? JSON.stringify(standing.proposal) : null,
    ],
  );
}

/** The exception inbox: cases waiting for a clerk, filtered, the most urgent first. */
export async function listReviewInbox(store: Store, filter: InboxFilter = {}, now = new Date()): Promise<InboxEntry[]> {
  const rows = await store.db.query<{
    case_id: string;
    type: string;
    batch_id: string | null;
    workflow_id: string;
    reasons: string[];
    amount: string | null;
    updated_at: string;
    claimed_by: string | null;
    sla_reminder: string | null;
    sla_deadline: string | null;
    escalated: boolean;
    proposal: InboxEntry['proposal'];
  }>(
    `SELECT case_id, type, batch_id, workflow_id, reasons, amount::text AS amount, ${isoUtc('updated_at')} AS updated_at,
            claimed_by, ${isoUtc('sla_reminder')} AS sla_reminder, ${isoUtc('sla_deadline')} AS sla_deadline, escalated, proposal
     FROM cases
     WHERE status = 'review'
       AND ($1::text IS NULL OR type = $1)
       AND ($2::text IS NULL OR reasons ? $2)
       AND ($3::text IS NULL OR batch_id = $3)
       AND ($4::text IS NULL OR claimed_by = $4)
       AND ($5::boolean IS NULL OR (proposal IS NOT NULL) = $5)
     ORDER BY sla_deadline NULLS LAST, case_id`,
    [filter.type ?? null, filter.rule ?? null, filter.batchId ?? null, filter.claimedBy ?? null, filter.proposed ?? null],
  );
  const entries = rows.map((r): InboxEntry => ({
    caseId: r.case_id,
    type: r.type,
    batchId: r.batch_id,
    workflowId: r.workflow_id,
    reasons: r.reasons,
    amount: r.amount,
    updatedAt: r.updated_at,
    claimedBy: r.claimed_by,
    slaReminder: r.sla_reminder,
    slaDeadline: r.sla_deadline,
    escalated: r.escalated,
    proposal: r.proposal ?? null,
    sla: slaState(r.sla_reminder, r.sla_deadline, now),
  }));
  return filter.sla ? entries.filter((e) => e.sla === filter.sla) : entries;
}

/** on-time before the reminder, due-soon between reminder and deadline, overdue after. */
export function slaState(reminder: string | null, deadline: string | null, now: Date): SlaState | null {
  if (!deadline) return null;
  if (now.getTime() >= Date.parse(deadline)) return 'overdue';
  if (reminder && now.getTime() >= Date.parse(reminder)) return 'due-soon';
  return 'on-time';
}
