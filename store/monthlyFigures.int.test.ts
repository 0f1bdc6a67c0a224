import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths, beijingMonthRange } from '../time/beijingMonth';
import { backendKinds, type TestBackend } from './testing/backends';
import { expectedClosed, expectedMonth, planMonthlyTrail, writeMonthlyTrail, type PlannedCase } from './testing/monthlyTrail';
import { clerkWorkloads, closedCaseCounts, receivedCaseCounts, reviewSlaFigures, ruleExceptions, stepCounts } from './monthlyFigures';
import type { Store } from './store';

const MONTH = '2026-11';
const byKey = <T extends { type: string; outcome: string }>(rows: T[]) =>
  [...rows].sort((a, b) => `${a.type}/${a.outcome}`.localeCompare(`${b.type}/${b.outcome}`));

describe.each(backendKinds)('monthly figures on $name', (kind) => {
  let backend: TestBackend;
  let store: Store;
  let plan: PlannedCase[];

  beforeAll(async () => {
    backend = kind.create();
    store = await backend.open();
    plan = planMonthlyTrail(20261130, 70);
    await writeMonthlyTrail(store, plan);
  });
  afterAll(async () => {
    await store?.close();
    await backend?.cleanup();
  });

  it('takes Beijing month boundaries: 2026-11-30T17:30Z is December, 2026-10-31T16:00Z is November', () => {
    expect(beijingMonthRange(MONTH)).toEqual({ from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' });
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths(MONTH, -11)).toBe('2025-12');
    // The generated set does hold cases on those boundaries.
    const closings = plan.flatMap((c) => c.events.filter((e) => e.step === 'closed').map((e) => e.at));
    expect(closings).toEqual(expect.arrayContaining(['2026-11-30T17:30:00.000Z', '2026-10-31T16:00:00.000Z', '2026-10-31T15:59:59.999Z']));
  });

  it('counts closed cases by business and outcome, automated ones and approved fen, per Beijing month', async () => {
    for (const month of ['2026-10', MONTH, '2026-12']) {
      const { from, to } = beijingMonthRange(month);
      const got = await closedCaseCounts(store, from, to);
      const expected = expectedClosed(plan, month).map((r) => ({ month, ...r }));
      expect(expected.length).toBeGreaterThan(0);
      expect(byKey(got)).toEqual(byKey(expected));
    }
    // Over the whole trend at once, the months come out as they do one by one.
    const wide = await closedCaseCounts(store, beijingMonthRange('2026-10').from, beijingMonthRange('2026-12').to);
    const total = (rows: { cases: number }[]) => rows.reduce((n, r) => n + r.cases, 0);
    expect(total(wide)).toBe(['2026-10', MONTH, '2026-12'].reduce((n, m) => n + total(expectedClosed(plan, m)), 0));
  });

  it('gives each figure of the month as computed again from the generated events', async () => {
    const { from, to } = beijingMonthRange(MONTH);
    const expected = expectedMonth(plan, MONTH);

    const received = await receivedCaseCounts(store, from, to);
    expect(Object.fromEntries(received.map((r) => [r.type, r.cases]))).toEqual(Object.fromEntries(expected.received));

    const exceptions = await ruleExceptions(store, from, to);
    expect(exceptions.decided).toBe(expected.exceptions.decided);
    expect(exceptions.toReview).toBe(expected.exceptions.toReview);
    expect(Object.fromEntries(exceptions.rules.map((r) => [r.rule, r.cases]))).toEqual(Object.fromEntries(expected.exceptions.rules));
    expect(exceptions.rules.map((r) => r.cases)).toEqual([...exceptions.rules.map((r) => r.cases)].sort((a, b) => b - a));

    const clerks = await clerkWorkloads(store, from, to);
    expect(clerks.length).toBeGreaterThan(1);
    const sortClerks = <T extends { clerk: string }>(rows: T[]) => [...rows].sort((a, b) => a.clerk.localeCompare(b.clerk));
    const want = sortClerks(expected.clerks);
    const got = sortClerks(clerks);
    expect(got.map(({ medianSeconds: _m, p90Seconds: _p, ...rest }) => rest)).toEqual(
      want.map(({ medianSeconds: _m, p90Seconds: _p, ...rest }) => rest),
    );
    for (const [i, g] of got.entries()) {
      expect(g.medianSeconds).toBeCloseTo(want[i]!.medianSeconds!, 3);
      expect(g.p90Seconds).toBeCloseTo(want[i]!.p90Seconds!, 3);
    }

    const sla = await reviewSlaFigures(store, from, to);
    expect(sla).toEqual(expected.sla);
    expect(sla.kept + sla.late).toBeGreaterThan(0);

    const steps = ['proposed', 'second-look-approved', 'second-look-sent-back', 'review-reminder', 'review-escalated'] as const;
    const counts = await stepCounts(store, steps, from, to);
    expect(counts).toEqual(Object.fromEntries(steps.map((s) => [s, expected.steps[s] ?? 0])));
  });

  it('reports nothing for a month with no events', async () => {
    const { from, to } = beijingMonthRange('2024-02');
    expect(await closedCaseCounts(store, from, to)).toEqual([]);
    expect(await ruleExceptions(store, from, to)).toEqual({ decided: 0, toReview: 0, rules: [] });
    expect(await clerkWorkloads(store, from, to)).toEqual([]);
    expect(await reviewSlaFigures(store, from, to)).toEqual({ kept: 0, late: 0, noDeadline: 0, escalatedBeforeDecision: 0 });
  });
});
