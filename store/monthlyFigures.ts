/**
 * The figures of the managers' monthly report as the store holds them, all from the audit trail
 * (when, who, what) and the case register (which business). Every query takes a UTC range
 * `[from, to)`; time/beijingMonth.ts turns a Beijing month into one. reports/monthly.ts shapes the
 * figures; docs/monthly-report.md defines each one.
 */
import type { AuditStep } from './auditSteps';
import type { Store } from './store';

/** The Beijing month (`2026-11`) of a timestamptz column: Beijing keeps +08:00 all year. */
const beijingMonthOf = (column: string) => `to_char((${column} AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM')`;

// Lists of steps travel as JSON text: node-postgres and PGlite would each serialise a JS array their own way.

/** A human act: an event whose actor is a proven person (bots and the system are not). */
const byPerson = (alias: string) => `${alias}.actor->>'kind' = 'user'`;

/** The steps at which a person decides a review: a decision, or a return for documents. */
const HUMAN_DECISIONS: readonly AuditStep[] = ['reviewed', 'returned'];

export interface ClosedCaseCount {
  /** Beijing month of the case's (last) `closed` event. */
  month: string;
  /** The case's business, from the register (`unknown` for a case it does not hold). */
  type: string;
  /** The outcome the case closed with. */
  outcome: string;
  cases: number;
  /** Cases closed with no act of a person before closing. */
  automated: number;
  /** Sum of the approved amounts (integer fen) of the approved cases. */
  approvedFen: bigint;
}

/**
 * Cases closed in `[from, to)`, by Beijing month, business and outcome. A case counts once, in the
 * month of its last `closed` event.
 */
export async function closedCaseCounts(store: Store, from: string, to: string): Promise<ClosedCaseCount[]> {
  const rows = await store.db.query<{
    month: string;
    type: string;
    outcome: string;
    cases: string | number;
    automated: string | number;
    approved_fen: string;
  }>(
    `WITH last_closed AS (
       SELECT DISTINCT ON (a.case_id) a.case_id, a.seq, a.at, a.outcome
       FROM audit_events a WHERE a.step = 'closed'
       ORDER BY a.case_id, a.seq DESC
     ), closed AS (
       SELECT l.*, COALESCE(c.type, 'unknown') AS type,
         NOT EXISTS (SELECT 1 FROM audit_events h WHERE h.case_id = l.case_id AND h.seq < l.seq AND ${byPerson('h')}) AS automated
       FROM last_closed l LEFT JOIN cases c ON c.case_id = l.case_id
       WHERE l.at >= $1::text::timestamptz AND l.at < $2::text::timestamptz
     )
     SELECT ${beijingMonthOf('at')} AS month, type, COALESCE(outcome->>'outcome', 'unknown') AS outcome,
       count(*) AS cases, count(*) FILTER (WHERE automated) AS automated,
       (COALESCE(sum(round((outcome->>'amount')::numeric * 100))
         FILTER (WHERE outcome->>'outcome' = 'approve' AND outcome->>'amount' IS NOT NULL), 0))::bigint::text AS approved_fen
     FROM closed GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [from, to],
  );
  return rows.map((r) => ({
    month: r.month,
    type: r.type,
    outcome: r.outcome,
    cases: Number(r.cases),
    automated: Number(r.automated),
    approvedFen: BigInt(r.approved_fen),
  }));
}

/** Cases received (their `intake` event) in `[from, to)`, by business. */
export async function receivedCaseCounts(store: Store, from: string, to: string): Promise<{ type: string; cases: number }[]> {
  const rows = await store.db.query<{ type: string; cases: string | number }>(
    `SELECT COALESCE(c.type, 'unknown') AS type, count(DISTINCT a.case_id) AS cases
     FROM audit_events a LEFT JOIN cases c ON c.case_id = a.case_id
     WHERE a.step = 'intake' AND a.at >= $1::text::timestamptz AND a.at < $2::text::timestamptz
     GROUP BY 1 ORDER BY 1`,
    [from, to],
  );
  return rows.map((r) => ({ type: r.type, cases: Number(r.cases) }));
}

export interface RuleExceptions {
  /** Cases whose first verdict of the rules (`decided`, or the `exception` that stopped them) fell in the range. */
  decided: number;
  /** Of those, the verdicts that sent the case to a clerk. */
  toReview: number;
  /** Per rule (or exception code): the cases whose first verdict named it among its reasons, most first. */
  rules: { rule: string; cases: number }[];
}

/** How often each rule failed or sent a case to review, among the cases first decided in `[from, to)`. */
export async function ruleExceptions(store: Store, from: string, to: string): Promise<RuleExceptions> {
  const firstVerdicts = `WITH first_verdict AS (
       SELECT DISTINCT ON (a.case_id) a.case_id, a.at, a.outcome
       FROM audit_events a WHERE a.step IN ('decided', 'exception')
       ORDER BY a.case_id, a.seq
     ), verdicts AS (
       SELECT * FROM first_verdict WHERE at >= $1::text::timestamptz AND at < $2::text::timestamptz
     )`;
  const [totals] = await store.db.query<{ decided: string | number; to_review: string | number }>(
    `${firstVerdicts} SELECT count(*) AS decided, count(*) FILTER (WHERE outcome->>'outcome' = 'review') AS to_review FROM verdicts`,
    [from, to],
  );
  const rules = await store.db.query<{ rule: string; cases: string | number }>(
    `${firstVerdicts}
     SELECT reason AS rule, count(DISTINCT v.case_id) AS cases
     FROM verdicts v, jsonb_array_elements_text(
       CASE WHEN jsonb_typeof(v.outcome->'reasons') = 'array' THEN v.outcome->'reasons' ELSE '[]'::jsonb END) AS reason
     GROUP BY reason ORDER BY count(DISTINCT v.case_id) DESC, reason`,
    [from, to],
  );
  return {
    decided: Number(totals?.decided ?? 0),
    toReview: Number(totals?.to_review ?? 0),
    rules: rules.map((r) => ({ rule: r.rule, cases: Number(r.cases) })),
  };
}

export interface ClerkWorkload {
  /** The username of the person who decided. */
  clerk: string;
  /** Review decisions (`reviewed` or `returned`) they recorded in the range. */
  decisions: number;
  /** Distinct cases among them. */
  cases: number;
  /** Decisions with a claim before them (in the same round of review), the ones timed. */
  timed: number;
  /** Claim to decision, in seconds (continuous percentiles); null when none was timed. */
  medianSeconds: number | null;
  p90Seconds: number | null;
}

/**
 * Each person's review decisions in `[from, to)` and the time from the case's claim to the
 * decision: the latest `claimed` before the decision and after the case's previous decision.
 */
export async function clerkWorkloads(store: Store, from: string, to: string): Promise<ClerkWorkload[]> {
  const rows = await store.db.query<{
    clerk: string;
    decisions: string | number;
    cases: string | number;
    timed: string | number;
    median_s: number | string | null;
    p90_s: number | string | null;
  }>(
    `WITH decisions AS (
       SELECT d.case_id, d.actor->>'name' AS clerk,
         extract(epoch FROM d.at - (
           SELECT c.at FROM audit_events c
           WHERE c.case_id = d.case_id AND c.step = 'claimed' AND c.seq < d.seq
             AND c.seq > COALESCE((SELECT max(p.seq) FROM audit_events p
                                   WHERE p.case_id = d.case_id AND p.step IN (SELECT jsonb_array_elements_text($3::text::jsonb)) AND p.seq < d.seq), 0)
           ORDER BY c.seq DESC LIMIT 1))::float8 AS seconds
       FROM audit_events d
       WHERE d.step IN (SELECT jsonb_array_elements_text($3::text::jsonb)) AND ${byPerson('d')}
         AND d.at >= $1::text::timestamptz AND d.at < $2::text::timestamptz
     )
     SELECT clerk, count(*) AS decisions, count(DISTINCT case_id) AS cases, count(seconds) AS timed,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS median_s,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds) AS p90_s
     FROM decisions GROUP BY clerk ORDER BY count(*) DESC, clerk`,
    [from, to, JSON.stringify(HUMAN_DECISIONS)],
  );
  const seconds = (v: number | string | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    clerk: r.clerk,
    decisions: Number(r.decisions),
    cases: Number(r.cases),
    timed: Number(r.timed),
    medianSeconds: seconds(r.median_s),
    p90Seconds: seconds(r.p90_s),
  }));
}

export interface ReviewSlaFigures {
  /** Review decisions in the range made by their deadline (the `deadlineAt` of the review it ended). */
  kept: number;
  /** Made after it. */
  late: number;
  /** Decisions with no `review-opened` deadline before them (not counted as kept or late). */
  noDeadline: number;
  /** Of the decided reviews, the ones that had been escalated to a supervisor before the decision. */
  escalatedBeforeDecision: number;
}

/** Whether the reviews decided in `[from, to)` kept their SLA (activities/reviewSla.ts). */
export async function reviewSlaFigures(store: Store, from: string, to: string): Promise<ReviewSlaFigures> {
  const [row] = await store.db.query<{
    kept: string | number;
    late: string | number;
    no_deadline: string | number;
    escalated: string | number;
  }>(
    `WITH decided AS (
       SELECT d.case_id, d.seq, d.at, o.seq AS opened_seq, o.deadline
       FROM audit_events d
       LEFT JOIN LATERAL (
         SELECT r.seq, (r.outcome->>'deadlineAt')::timestamptz AS deadline FROM audit_events r
         WHERE r.case_id = d.case_id AND r.step = 'review-opened' AND r.seq < d.seq
         ORDER BY r.seq DESC LIMIT 1) o ON true
       WHERE d.step IN (SELECT jsonb_array_elements_text($3::text::jsonb)) AND ${byPerson('d')}
         AND d.at >= $1::text::timestamptz AND d.at < $2::text::timestamptz
     )
     SELECT count(*) FILTER (WHERE deadline IS NOT NULL AND at <= deadline) AS kept,
       count(*) FILTER (WHERE deadline IS NOT NULL AND at > deadline) AS late,
       count(*) FILTER (WHERE deadline IS NULL) AS no_deadline,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM audit_events x WHERE x.case_id = decided.case_id
         AND x.step = 'review-escalated' AND x.seq > decided.opened_seq AND x.seq < decided.seq)) AS escalated
     FROM decided`,
    [from, to, JSON.stringify(HUMAN_DECISIONS)],
  );
  return {
    kept: Number(row?.kept ?? 0),
    late: Number(row?.late ?? 0),
    noDeadline: Number(row?.no_deadline ?? 0),
    escalatedBeforeDecision: Number(row?.escalated ?? 0),
  };
}

/** How many events of each of `steps` were recorded in `[from, to)` (every step named, 0 if none). */
export async function stepCounts<S extends AuditStep>(
  store: Store,
  steps: readonly S[],
  from: string,
  to: string,
): Promise<Record<S, number>> {
  const rows = await store.db.query<{ step: S; n: string | number }>(
    `SELECT step, count(*) AS n FROM audit_events
     WHERE step IN (SELECT jsonb_array_elements_text($3::text::jsonb)) AND at >= $1::text::timestamptz AND at < $2::text::timestamptz GROUP BY step`,
    [from, to, JSON.stringify(steps)],
  );
  const counts = Object.fromEntries(steps.map((s) => [s, 0])) as Record<S, number>;
  for (const r of rows) counts[r.step] = Number(r.n);
  return counts;
}
