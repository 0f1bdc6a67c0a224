/**
 * What a manager sees of a batch, from the store: progress by business and outcome, throughput by
 * hour, exception rate by rule, SLA state of open reviews. The dashboard and the summary PDF share it.
 */
import { slaState, type SlaState } from '../store/reviewQueue';
import type { AuditStep, Store } from '../store';
import {
  batchCaseCounts,
  batchCasesPerHour,
  batchFailedRules,
  batchOpenReviewDeadlines,
  batchOverview,
  type BatchOverview,
} from '../store/batchFigures';
import { beijingHour } from '../time/beijing';

export { listBatchOverviews, type BatchOverview } from '../store/batchFigures';

/** The steps at which the rules have had their say on a case: a decision, or the exception that stopped them. */
const RULES_SPOKEN: readonly [AuditStep, AuditStep] = ['decided', 'exception'];

export interface BatchStats extends BatchOverview {
  byType: Array<{
    type: string;
    total: number;
    done: number;
    approve: number;
    reject: number;
    review: number;
    failed: number;
    running: number;
  }>;
  /** Cases whose rules decision (or exception) was recorded, per Beijing hour (`2026-12-02 00:00`, its start). */
  throughput: Array<{ hour: string; decided: number }>;
  /** Share of the batch's decided cases in which each rule (or exception code) failed. */
  exceptionRates: Array<{ rule: string; cases: number; rate: number }>;
  sla: Record<SlaState, number> & { open: number };
}

/** Everything the dashboard shows of one batch; undefined for an unknown batch. */
export async function batchStats(store: Store, batchId: string, now = new Date()): Promise<BatchStats | undefined> {
  const overview = await batchOverview(store, batchId);
  if (!overview) return undefined;

  const typeRows = await batchCaseCounts(store, batchId);
  const byType = new Map<string, BatchStats['byType'][number]>();
  for (const t of typeRows) {
    const entry = byType.get(t.type) ?? { type: t.type, total: 0, done: 0, approve: 0, reject: 0, review: 0, failed: 0, running: 0 };
    const n = t.n;
    entry.total += n;
    if (t.status === null || t.status === 'running') entry.running += n;
    else {
      entry.done += n;
      if (t.status === 'failed') entry.failed += n;
      else if (t.outcome === 'approve' || t.outcome === 'reject' || t.outcome === 'review') entry[t.outcome] += n;
    }
    byType.set(t.type, entry);
  }

  const throughput = await batchCasesPerHour(store, batchId, RULES_SPOKEN);

  const rules = await batchFailedRules(store, batchId);
  const decidedCases = [...byType.values()].reduce((sum, t) => sum + t.approve + t.reject + t.review, 0);

  const open = await batchOpenReviewDeadlines(store, batchId);
  const sla = { 'on-time': 0, 'due-soon': 0, overdue: 0, open: open.length };
  for (const o of open) {
    const state = slaState(o.sla_reminder, o.sla_deadline, now);
    if (state) sla[state] += 1;
  }

  return {
    ...overview,
    byType: [...byType.values()].sort((a, b) => a.type.localeCompare(b.type)),
    // Beijing is a whole number of hours from UTC: each UTC hour is exactly one Beijing hour.
    throughput: throughput.map((t) => ({ hour: beijingHour(t.hour), decided: t.cases })),
    exceptionRates: rules.map((r) => ({ rule: r.rule, cases: r.cases, rate: decidedCases === 0 ? 0 : r.cases / decidedCases })),
    sla,
  };
}
