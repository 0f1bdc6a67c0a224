/**
 * What a draft of parameter changes would have done to the cases already decided: each case's
 * latest recorded decision is decided again from its recorded inputs, under the parameters in force
 * and under them with the draft's sets, page by page from the audit trail.
 */
import { decide, loadCalendar, parseCaseFile, type CaseType, type Parameters } from '../rules';
import type { Decision } from '../rules/schemas';
import { isRealDate } from '../rules/dates';
import type { Store } from '../store';
import { isoUtc } from '../store/sqlTime';
import { AS_IF_IN_FORCE_FROM, sidesOf, type Draft } from './draft';
import { loadPublishedParameters } from '../store/parameterVersions';
import { ImpactTally, type ImpactTotals, type RecordedSide } from './impact';

export interface SimulateOptions {
  draft: Draft;
  /** Beijing dates (YYYY-MM-DD), inclusive, of the cases' latest decisions; open when absent. */
  from?: string;
  to?: string;
  /** Only cases of this business. */
  type?: CaseType;
  /** The parameters in force the draft is set against; default: the published versions (store over the shipped files). */
  base?: Parameters;
  /** Audit events per page (a page takes every event of its cases, so memory stays bounded by it). */
  pageSize?: number;
  /** Affected cases kept for listing (all are counted). */
  maxAffected?: number;
}

export interface SimulationResult extends ImpactTotals {
  draft: { sha256: string; parts: { business: CaseType; file: string; sha256: string }[] };
  range: { from: string | null; to: string | null };
  type: CaseType | null;
  /** Cases with a recorded decision read from the trail (before the range and business filters). */
  scanned: number;
  elapsedMs: number;
}

/** The steps that record a decision with its inputs: the rules' own, and a clerk's correction re-decided. */
const DECISION_STEPS = ['decided', 'corrected'];

/** A range date is a Beijing calendar date. */
const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface PageRow {
  case_id: string;
  at: string;
  hit: boolean;
  case_file: Record<string, unknown> | null;
  calendar_key: string | null;
  seq: number;
  recorded_outcome: unknown;
  recorded_amount: unknown;
  recorded_reasons: unknown;
}

/** Simulates the draft on every case whose latest decision falls in the range (and business). */
export async function simulateDraft(store: Store, options: SimulateOptions): Promise<SimulationResult> {
  const started = performance.now();
  for (const [name, value] of [
    ['from', options.from],
    ['to', options.to],
  ] as const) {
    if (value !== undefined && (!DATE.test(value) || !isRealDate(value)))
      throw new RangeError(`${name}: expected a date YYYY-MM-DD, got ${value}`);
  }
  if (options.from && options.to && options.from > options.to) throw new RangeError(`from ${options.from} is after to ${options.to}`);
  const base = options.base ?? (await loadPublishedParameters(store));
  // A proposed version is compared as if in force with the one it follows; whether the parameters in
  // force reproduce the record is still asked of them as they are (each case by its own date).
  const proposals = new Map(options.draft.parts.flatMap((p) => (p.proposed ? [[p.business, p.proposed.effectiveFrom] as const] : [])));
  const drafted = new Set(options.draft.parts.map((p) => p.business));
  const fromInstant = options.from ? new Date(`${options.from}T00:00:00+08:00`).toISOString() : null;
  const toInstant = options.to ? new Date(Date.parse(`${options.to}T00:00:00+08:00`) + 86_400_000).toISOString() : null;
  const pageSize = options.pageSize ?? 2000;

  // Parameters per recorded calendar: the decision is re-run with the calendar it counted days with.
  const byCalendar = new Map<string, { byDate: Parameters; base: Parameters; draft: Parameters }>();
  const plain = { byDate: base, ...sidesOf(base, options.draft) };
  const paramsFor = async (row: PageRow) => {
    if (row.calendar_key === null) return plain;
    let found = byCalendar.get(row.calendar_key);
    if (!found) {
      const [cal] = await store.db.query<{ calendar: unknown }>(
        `SELECT inputs->'calendar' AS calendar FROM audit_events WHERE case_id = $1 AND seq = $2`,
        [row.case_id, row.seq],
      );
      const withCalendar = { ...base, calendar: loadCalendar(cal!.calendar) };
      found = { byDate: withCalendar, ...sidesOf(withCalendar, options.draft) };
      byCalendar.set(row.calendar_key, found);
    }
    return found;
  };

  const tally = new ImpactTally(options.maxAffected);
  let scanned = 0;
  // The next page is asked for before this one is decided: on a PostgreSQL server the query runs meanwhile.
  const fetchPage = async (after: string): Promise<{ rows: PageRow[]; last: string; more: boolean } | null> => {
    const [bound] = await store.db.query<{ last: string | null; n: number }>(NEXT_IDS_SQL, [after, pageSize]);
    if (!bound || bound.last === null) return null;
    const rows = await store.db.query<PageRow>(PAGE_SQL, [after, bound.last, fromInstant, toInstant, options.type ?? null, DECISION_STEPS]);
    return { rows, last: bound.last, more: Number(bound.n) >= pageSize };
  };
  let next = fetchPage('');
  for (;;) {
    const page = await next;
    if (!page) break;
    next = page.more ? fetchPage(page.last) : Promise.resolve(null);
    // Awaited on the next turn; until then a failure must not count as unhandled.
    next.catch(() => undefined);
    const { rows } = page;
    scanned += rows.length;
    for (const row of rows) {
      if (!row.hit || row.case_file === null) continue;
      let params;
      try {
        params = await paramsFor(row);
      } catch (err) {
        tally.error(row.case_id, `the recorded bureau calendar cannot be read: ${(err as Error).message}`);
        continue;
      }
      const parsed = parseCaseFile(row.case_file, params.byDate);
      if (!parsed.ok) {
        tally.error(row.case_id, parsed.error);
        continue;
      }
      const proposed = proposals.has(parsed.caseFile.type);
      let baseDecision: Decision;
      let inForceDecision: Decision;
      let draftDecision: Decision;
      try {
        inForceDecision = decide(parsed.caseFile, params.byDate);
        baseDecision = proposed ? decide(parsed.caseFile, params.base) : inForceDecision;
      } catch (err) {
        tally.error(row.case_id, (err as Error).message);
        continue;
      }
      try {
        draftDecision = drafted.has(parsed.caseFile.type) ? decide(parsed.caseFile, params.draft) : baseDecision;
      } catch (err) {
        tally.error(row.case_id, `under the draft: ${(err as Error).message}`);
        continue;
      }
      const recorded: RecordedSide = { outcome: row.recorded_outcome, amount: row.recorded_amount, reasons: row.recorded_reasons };
      tally.add({
        caseId: row.case_id,
        decidedAt: row.at,
        person: parsed.caseFile.person,
        recorded,
        base: baseDecision,
        draft: draftDecision,
        inForce: inForceDecision,
      });
    }
  }

  const totals = tally.result();
  // The proposal was moved back to be in force for every case: name it by its own date.
  const asIf = (version: string) => {
    const [business] = version.split('@') as [CaseType];
    return version.endsWith(`@${AS_IF_IN_FORCE_FROM}`) && proposals.has(business)
      ? `${business}@${proposals.get(business)}（视同现行）`
      : version;
  };
  totals.draftVersions = Object.fromEntries(Object.entries(totals.draftVersions).map(([v, n]) => [asIf(v), n]));
  return {
    ...totals,
    draft: { sha256: options.draft.sha256, parts: options.draft.parts.map(({ business, file, sha256 }) => ({ business, file, sha256 })) },
    range: { from: options.from ?? null, to: options.to ?? null },
    type: options.type ?? null,
    scanned,
    elapsedMs: Math.round(performance.now() - started),
  };
}

/**
 * The case of the last of the next `$2` events after the cursor, in the primary key's order, and
 * how many there were: an index range scan however large the trail, where counting distinct cases
 * would read the whole rest of it.
 */
const NEXT_IDS_SQL = `
SELECT max(case_id) AS last, count(*)::int AS n
FROM (SELECT case_id FROM audit_events WHERE case_id > $1 ORDER BY case_id LIMIT $2) e`;

/**
 * The cases after the cursor up to `$2` that have a decision, each with its latest decision: its
 * time, whether it is in the range and business, and only for those its case file, calendar key and
 * recorded result (the calendar itself is read once per distinct calendar).
 */
const PAGE_SQL = `
WITH latest AS (
  SELECT DISTINCT ON (case_id) case_id, seq
  FROM audit_events
  WHERE case_id > $1 AND case_id <= $2 AND step = ANY($6::text[])
  ORDER BY case_id, seq DESC
), page AS (
  SELECT e.case_id, e.seq, e.at, e.inputs, e.outcome,
    (($3::timestamptz IS NULL OR e.at >= $3::timestamptz) AND ($4::timestamptz IS NULL OR e.at < $4::timestamptz)
      AND ($5::text IS NULL OR e.inputs->'caseFile'->>'type' = $5::text)) AS hit
  FROM latest l JOIN audit_events e ON e.case_id = l.case_id AND e.seq = l.seq
)
SELECT case_id, seq, ${isoUtc('at')} AS at, hit,
  CASE WHEN hit THEN inputs->'caseFile' END AS case_file,
  CASE WHEN hit AND inputs->'calendar' IS NOT NULL THEN md5((inputs->'calendar')::text) END AS calendar_key,
  CASE WHEN hit THEN outcome->'outcome' END AS recorded_outcome,
  CASE WHEN hit THEN outcome->'amount' END AS recorded_amount,
  CASE WHEN hit THEN outcome->'reasons' END AS recorded_reasons
FROM page
ORDER BY case_id`;
