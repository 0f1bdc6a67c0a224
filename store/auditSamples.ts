/**
 * 抽检 in the store: the candidates of a draw (automated approvals of one business in one Beijing
 * month), the samples drawn and each drawn case's verdict, each act also written to the audit trail.
 * The draw itself is pure (audit/sampling.ts); this file keeps what it drew and from what.
 */
import { z } from 'zod';
import { appendEvent } from './auditTrail';
import type { AuditStep } from './auditSteps';
import { isoUtc } from './sqlTime';
import type { Store } from './store';

/** Acts only a person does on a case: any of them makes an approval not automated. */
const HUMAN_ACT_STEPS: readonly AuditStep[] = [
  'claimed',
  'released',
  'corrected',
  'proposed',
  'second-look-approved',
  'second-look-sent-back',
  'reviewed',
  'returned',
  'documents-supplied',
];

/** The trail of the draws; verdicts go to the trail of the case they judge. */
export const SAMPLES_TRAIL_ID = '_samples';

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month as YYYY-MM');

const beijingMonthStart = (month: string): string => new Date(`${month}-01T00:00:00+08:00`).toISOString();
function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/**
 * The case IDs of the automated approvals of `business` decided in the Beijing month: approved by
 * the rules (a `decided` event with outcome approve in that month), approved now, with no human act
 * on the trail. Ordered by case ID.
 */
export async function automatedApprovals(store: Store, business: string, month: string): Promise<string[]> {
  Month.parse(month);
  const rows = await store.db.query<{ case_id: string }>(
    `SELECT c.case_id FROM cases c
     WHERE c.type = $1 AND c.outcome = 'approve' AND c.status IN ('decided', 'closed')
       AND EXISTS (SELECT 1 FROM audit_events d WHERE d.case_id = c.case_id AND d.step = 'decided'
         AND d.outcome ->> 'outcome' = 'approve' AND d.at >= $2::timestamptz AND d.at < $3::timestamptz)
       AND NOT EXISTS (SELECT 1 FROM audit_events h WHERE h.case_id = c.case_id
         AND h.actor ->> 'kind' = 'user' AND h.step = ANY($4::text[]))
     ORDER BY c.case_id COLLATE "C"`,
    [business, beijingMonthStart(month), beijingMonthStart(nextMonth(month)), HUMAN_ACT_STEPS],
  );
  return rows.map((r) => r.case_id);
}

export const NewSample = z.strictObject({
  business: z.string().min(1).max(40),
  month: Month,
  rateBp: z.number().int().min(1).max(10_000),
  minSize: z.number().int().min(0).max(10_000),
  seed: z.string().min(1).max(200),
  method: z.string().min(1),
  candidateCount: z.number().int().min(0),
  candidatesDigest: z.string().regex(/^[0-9a-f]{64}$/),
  caseIds: z.array(z.string().min(1)),
  drawnBy: z.string().min(1),
});
export type NewSample = z.infer<typeof NewSample>;

interface SampleVerdict {
  caseId: string;
  verdict: 'agree' | 'disagree';
  rule: string | null;
  note: string;
  decidedBy: string;
  decidedAt: string;
}

export interface StoredSample extends NewSample {
  sampleId: number;
  drawnAt: string;
  verdicts: SampleVerdict[];
}

interface SampleRow {
  sample_id: number | string;
  business: string;
  month: string;
  rate_bp: number;
  min_size: number;
  seed: string;
  method: string;
  candidate_count: number;
  candidates_digest: string;
  case_ids: string[];
  drawn_by: string;
  drawn_at: string;
}

const sampleColumns = `sample_id, business, month, rate_bp, min_size, seed, method, candidate_count, candidates_digest,
  case_ids, drawn_by, ${isoUtc('drawn_at')} AS drawn_at`;

const sampleOfRow = (r: SampleRow, verdicts: SampleVerdict[]): StoredSample => ({
  sampleId: Number(r.sample_id),
  business: r.business,
  month: r.month,
  rateBp: r.rate_bp,
  minSize: r.min_size,
  seed: r.seed,
  method: r.method,
  candidateCount: r.candidate_count,
  candidatesDigest: r.candidates_digest,
  caseIds: r.case_ids,
  drawnBy: r.drawn_by,
  drawnAt: r.drawn_at,
  verdicts,
});

/** Keeps a drawn sample and writes `sample-drawn` to the `_samples` trail; returns it as stored. */
export async function saveSample(store: Store, sample: NewSample, at: Date): Promise<StoredSample> {
  const s = NewSample.parse(sample);
  const [row] = await store.db.query<SampleRow>(
    `INSERT INTO audit_samples (business, month, rate_bp, min_size, seed, method, candidate_count, candidates_digest, case_ids, drawn_by, drawn_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb, $10, $11::timestamptz)
     RETURNING ${sampleColumns}`,
    [
      s.business,
      s.month,
      s.rateBp,
      s.minSize,
      s.seed,
      s.method,
      s.candidateCount,
      s.candidatesDigest,
      JSON.stringify(s.caseIds),
      s.drawnBy,
      at.toISOString(),
    ],
  );
  const stored = sampleOfRow(row!, []);
  await appendEvent(store, {
    caseId: SAMPLES_TRAIL_ID,
    workflowId: 'audit-sampling',
    runId: 'console',
    step: 'sample-drawn',
    actor: { kind: 'user', name: s.drawnBy },
    at: at.toISOString(),
    inputs: {
      sampleId: stored.sampleId,
      business: s.business,
      month: s.month,
      rateBp: s.rateBp,
      minSize: s.minSize,
      seed: s.seed,
      method: s.method,
      candidateCount: s.candidateCount,
      candidatesDigest: s.candidatesDigest,
    },
    ruleSetVersion: null,
    outcome: { caseIds: s.caseIds },
    evidence: [],
    idempotencyKey: `sample-drawn/${stored.sampleId}`,
  });
  return stored;
}

interface VerdictRow {
  sample_id: number | string;
  case_id: string;
  verdict: 'agree' | 'disagree';
  rule: string | null;
  note: string;
  decided_by: string;
  decided_at: string;
}

const verdictOfRow = (r: VerdictRow): SampleVerdict => ({
  caseId: r.case_id,
  verdict: r.verdict,
  rule: r.rule,
  note: r.note,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
});

const verdictColumns = `sample_id, case_id, verdict, rule, note, decided_by, ${isoUtc('decided_at')} AS decided_at`;

/** One sample with its verdicts, or undefined. */
export async function getSample(store: Store, sampleId: number): Promise<StoredSample | undefined> {
  const [row] = await store.db.query<SampleRow>(`SELECT ${sampleColumns} FROM audit_samples WHERE sample_id = $1`, [sampleId]);
  if (!row) return undefined;
  const verdicts = await store.db.query<VerdictRow>(`SELECT ${verdictColumns} FROM audit_sample_verdicts WHERE sample_id = $1`, [sampleId]);
  return sampleOfRow(row, verdicts.map(verdictOfRow));
}

/** Every sample, newest first, with its verdicts. */
export async function listSamples(store: Store): Promise<StoredSample[]> {
  const rows = await store.db.query<SampleRow>(`SELECT ${sampleColumns} FROM audit_samples ORDER BY sample_id DESC`);
  const verdicts = await store.db.query<VerdictRow>(`SELECT ${verdictColumns} FROM audit_sample_verdicts`);
  return rows.map((r) => sampleOfRow(r, verdicts.filter((v) => Number(v.sample_id) === Number(r.sample_id)).map(verdictOfRow)));
}

export const NewVerdict = z
  .strictObject({
    sampleId: z.number().int().min(1),
    caseId: z.string().min(1),
    verdict: z.enum(['agree', 'disagree']),
    rule: z.string().trim().min(1).max(40).nullable(),
    note: z.string().trim().max(2000),
    by: z.string().min(1),
  })
  .refine((v) => v.verdict === 'agree' || (v.rule !== null && v.note !== ''), {
    message: '不同意须写明所涉规则和理由',
    path: ['note'],
  });
export type NewVerdict = z.input<typeof NewVerdict>;

export type VerdictOutcome = { ok: true; verdict: SampleVerdict } | { ok: false; reason: 'no-sample' | 'not-in-sample' | 'already-judged' };

/**
 * Records the verdict on one drawn case, once: a second verdict on the same case of the same sample
 * is refused, not overwritten. Writes `sample-verdict` to the case's own trail.
 */
export async function recordVerdict(store: Store, input: NewVerdict, at: Date): Promise<VerdictOutcome> {
  const v = NewVerdict.parse(input);
  const sample = await getSample(store, v.sampleId);
  if (!sample) return { ok: false, reason: 'no-sample' };
  if (!sample.caseIds.includes(v.caseId)) return { ok: false, reason: 'not-in-sample' };
  const rule = v.verdict === 'agree' ? null : v.rule;
  const [row] = await store.db.query<VerdictRow>(
    `INSERT INTO audit_sample_verdicts (sample_id, case_id, verdict, rule, note, decided_by, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz)
     ON CONFLICT (sample_id, case_id) DO NOTHING
     RETURNING ${verdictColumns}`,
    [v.sampleId, v.caseId, v.verdict, rule, v.note, v.by, at.toISOString()],
  );
  if (!row) return { ok: false, reason: 'already-judged' };
  const [caseRow] = await store.db.query<{ workflow_id: string; run_id: string | null }>(
    'SELECT workflow_id, run_id FROM cases WHERE case_id = $1',
    [v.caseId],
  );
  await appendEvent(store, {
    caseId: v.caseId,
    workflowId: caseRow?.workflow_id ?? `case-${v.caseId}`,
    runId: 'audit-sampling',
    step: 'sample-verdict',
    actor: { kind: 'user', name: v.by },
    at: at.toISOString(),
    inputs: { sampleId: v.sampleId, business: sample.business, month: sample.month },
    ruleSetVersion: null,
    outcome: { verdict: v.verdict, rule, note: v.note },
    evidence: [],
    idempotencyKey: `sample-verdict/${v.sampleId}`,
  });
  return { ok: true, verdict: verdictOfRow(row) };
}
