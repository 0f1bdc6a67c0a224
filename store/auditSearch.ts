/**
 * The auditors' search across every case's trail: by case ID, business, Beijing date range, outcome,
 * failed rule, actor and kind of human act. One row per case, newest activity first, 50 a page.
 */
import { z } from 'zod';
import { isoUtc } from './sqlTime';
import type { Store } from './store';

/**
 * The kinds of human act an auditor looks for, each as the trail shows it:
 * - `override`: a clerk proposed an outcome other than the rules' (the `proposed` event's reasons for a
 *   second look name 改变规则结果: every override needs one);
 * - `amount-changed`: a decision with a changed amount (`reviewed` with an amountReason, or a
 *   `proposed` whose reasons name 更改金额);
 * - `corrected`: a clerk corrected the case file and the rules re-decided (`corrected`);
 * - `four-eyes`: a supervisor's second look at a proposal (`second-look-approved` / `-sent-back`);
 * - `returned`: returned for documents (`returned`).
 */
const ACT_KINDS = ['override', 'amount-changed', 'corrected', 'four-eyes', 'returned'] as const;
type ActKind = (typeof ACT_KINDS)[number];

/** Each kind as a condition on an audit event `e` (SQL, no parameters). */
const ACT_SQL: Record<ActKind, string> = {
  override: `(e.step = 'proposed' AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(e.inputs -> 'needs') = 'array' THEN e.inputs -> 'needs' ELSE '[]'::jsonb END) n WHERE n LIKE '改变规则结果%'))`,
  'amount-changed': `((e.step = 'reviewed' AND coalesce(e.inputs ->> 'amountReason', '') <> '') OR (e.step = 'proposed' AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(e.inputs -> 'needs') = 'array' THEN e.inputs -> 'needs' ELSE '[]'::jsonb END) n WHERE n LIKE '更改金额%')))`,
  corrected: `(e.step = 'corrected')`,
  'four-eyes': `(e.step IN ('second-look-approved', 'second-look-sent-back'))`,
  returned: `(e.step = 'returned')`,
};

const BeijingDate = z.iso.date();

export const AuditSearch = z.strictObject({
  /** Part of a case ID. */
  caseId: z.string().min(1).max(40).optional(),
  business: z.string().min(1).max(40).optional(),
  /** Beijing dates, both inclusive: an event at 23:30 Beijing on `to` is in. */
  from: BeijingDate.optional(),
  to: BeijingDate.optional(),
  /** The case's outcome now (register): approve, reject, review. */
  outcome: z.enum(['approve', 'reject', 'review']).optional(),
  /** A rule the case failed in any of its decisions (or fails now). */
  rule: z.string().min(1).max(40).optional(),
  /** Who acted: a user name or a bot's name, exactly. */
  actor: z.string().min(1).max(100).optional(),
  act: z.enum(ACT_KINDS).optional(),
});
export type AuditSearch = z.infer<typeof AuditSearch>;

export interface AuditSearchRow {
  caseId: string;
  business: string;
  status: string;
  outcome: string | null;
  amount: string | null;
  reasons: string[];
  /** Events of the case that matched the event filters (dates, actor, act). */
  matchedEvents: number;
  firstAt: string;
  lastAt: string;
  /** The kinds of human act in the case's whole trail. */
  acts: ActKind[];
}

export interface AuditSearchPage {
  rows: AuditSearchRow[];
  total: number;
  page: number;
  pageSize: number;
}

export const AUDIT_PAGE_SIZE = 50;
/** The most rows an export holds: a search wider than this should be narrowed. */
const AUDIT_EXPORT_LIMIT = 10_000;

/** The start of a Beijing date as a UTC instant. */
const beijingMidnight = (date: string): string => new Date(`${date}T00:00:00+08:00`).toISOString();
const dayAfter = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

interface Row {
  case_id: string;
  type: string;
  status: string;
  outcome: string | null;
  amount: string | null;
  reasons: string[];
  matched: number | string;
  first_at: string;
  last_at: string;
  total: number | string;
  [kind: `act_${number}`]: boolean;
}

/** One page of the search (page 1 first), or every row up to AUDIT_EXPORT_LIMIT when `page` is 'all'. */
export async function searchAuditTrails(store: Store, search: AuditSearch, page: number | 'all' = 1): Promise<AuditSearchPage> {
  const f = AuditSearch.parse(search);
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  // Reserved trails (`_admin`, `_samples`) belong to no case.
  const eventWhere = [`e.case_id NOT LIKE '\\_%'`];
  if (f.from) eventWhere.push(`e.at >= ${p(beijingMidnight(f.from))}::timestamptz`);
  if (f.to) eventWhere.push(`e.at < ${p(beijingMidnight(dayAfter(f.to)))}::timestamptz`);
  if (f.actor) eventWhere.push(`e.actor ->> 'name' = ${p(f.actor)}`);
  if (f.act) eventWhere.push(ACT_SQL[f.act]);
  const caseWhere: string[] = [];
  if (f.caseId) caseWhere.push(`strpos(c.case_id, ${p(f.caseId)}) > 0`);
  if (f.business) caseWhere.push(`c.type = ${p(f.business)}`);
  if (f.outcome) caseWhere.push(`c.outcome = ${p(f.outcome)}`);
  if (f.rule) {
    const rule = p(f.rule);
    caseWhere.push(`(c.reasons @> jsonb_build_array(${rule}::text) OR EXISTS (
      SELECT 1 FROM audit_events d WHERE d.case_id = c.case_id AND d.step IN ('decided', 'corrected', 'closed')
        AND jsonb_typeof(d.outcome -> 'reasons') = 'array' AND d.outcome -> 'reasons' @> jsonb_build_array(${rule}::text)))`);
  }
  const pageSize = page === 'all' ? AUDIT_EXPORT_LIMIT : AUDIT_PAGE_SIZE;
  const offset = page === 'all' ? 0 : (Math.max(1, Math.floor(page)) - 1) * AUDIT_PAGE_SIZE;
  const actColumns = ACT_KINDS.map((kind, i) => `bool_or(${ACT_SQL[kind]}) AS act_${i}`).join(',\n      ');
  const rows = await store.db.query<Row>(
    `WITH matched AS (
       SELECT e.case_id, count(*) AS matched, min(e.at) AS first_at, max(e.at) AS last_at
       FROM audit_events e
       WHERE ${eventWhere.join(' AND ')}
       GROUP BY e.case_id
     ),
     -- The kinds of human act anywhere in a matched case's trail, whatever the filters matched.
     acts AS (
       SELECT e.case_id, ${actColumns}
       FROM audit_events e JOIN matched USING (case_id)
       GROUP BY e.case_id
     )
     SELECT c.case_id, c.type, c.status, c.outcome, c.amount::text AS amount, c.reasons, m.matched,
       ${isoUtc('m.first_at')} AS first_at, ${isoUtc('m.last_at')} AS last_at,
       ${ACT_KINDS.map((_, i) => `a.act_${i}`).join(', ')},
       count(*) OVER () AS total
     FROM matched m JOIN cases c ON c.case_id = m.case_id JOIN acts a ON a.case_id = m.case_id
     ${caseWhere.length ? `WHERE ${caseWhere.join(' AND ')}` : ''}
     ORDER BY m.last_at DESC, c.case_id
     LIMIT ${pageSize} OFFSET ${offset}`,
    params,
  );
  const total = rows[0] ? Number(rows[0].total) : page === 'all' || offset === 0 ? 0 : await countOnly(store, f);
  return {
    rows: rows.map((r) => ({
      caseId: r.case_id,
      business: r.type,
      status: r.status,
      outcome: r.outcome,
      amount: r.amount,
      reasons: r.reasons,
      matchedEvents: Number(r.matched),
      firstAt: r.first_at,
      lastAt: r.last_at,
      acts: ACT_KINDS.filter((_, i) => r[`act_${i}`]),
    })),
    total,
    page: page === 'all' ? 1 : Math.max(1, Math.floor(page)),
    pageSize,
  };
}

/** A page past the end has no row to carry the total: count from the first page. */
async function countOnly(store: Store, f: AuditSearch): Promise<number> {
  const first = await searchAuditTrails(store, f, 1);
  return first.total;
}
