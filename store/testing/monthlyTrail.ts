/**
 * A generated audit trail for the monthly report's tests: cases of every business that close on
 * their own, go to a clerk (with reminders, escalations, four-eyes, returns for documents) or stay
 * open, at times spread over months, with some placed exactly on Beijing month boundaries. Written
 * through the real appendEvent and upsertCase; `expectedMonth` computes each figure again from the
 * plan, in plain TypeScript, to check the SQL against.
 */
import { CASE_TYPES } from '../../rules/caseTypes';
import { ALL_RULES } from '../../rules/catalogue';
import { formatFen } from '../../rules/money';
import type { Actor } from '../auditEvent';
import type { AuditStep } from '../auditSteps';
import { appendEvent } from '../auditTrail';
import { upsertCase } from '../caseRegister';
import type { Store } from '../store';

export interface PlannedEvent {
  step: AuditStep;
  actor: Actor;
  at: string;
  outcome: Record<string, unknown> | null;
}

export interface PlannedCase {
  caseId: string;
  type: string;
  events: PlannedEvent[];
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const system: Actor = { kind: 'system', name: 'zhishen', version: '0.1.0' };
const rulebook: Actor = { kind: 'bot', name: 'zhishen-rulebook', version: '0.1.0' };
const person = (name: string): Actor => ({ kind: 'user', name });
const CLERKS = ['clerk.wang', 'clerk.li', 'clerk.zhao'];
const SUPERVISOR = 'sup.chen';
const RULES = ALL_RULES.slice(0, 6).map((r) => r.id);
const CODES = ['CASE-FILE-INVALID', 'OCR-LOW-CONFIDENCE'];

/** A small seeded generator (mulberry32): the same seed, the same trail. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}

type Rng = ReturnType<typeof random>;

/** One case's events from `start` (ms); the times only ever go forward. */
function planCase(rng: Rng, caseId: string, start: number): PlannedCase {
  const type = rng.pick(CASE_TYPES);
  const events: PlannedEvent[] = [];
  let t = start;
  const add = (step: AuditStep, actor: Actor, outcome: Record<string, unknown> | null, after = rng.int(1, 90) * 60_000) => {
    t += after;
    events.push({ step, actor, at: new Date(t).toISOString(), outcome });
  };
  const amount = () => formatFen(BigInt(rng.int(1, 5_000_000)));
  const close = (outcome: string, amt: string | null, reasons: string[]) => add('closed', system, { outcome, amount: amt, reasons });
  add('intake', system, null, 0);

  const path = rng.next();
  if (path < 0.55) {
    // The rules decide alone, and the case closes with no person involved.
    if (rng.chance(0.7)) {
      const amt = amount();
      add('decided', rulebook, { outcome: 'approve', amount: amt, reasons: [], checks: [] });
      close('approve', amt, []);
    } else {
      const reasons = [rng.pick(RULES)];
      add('decided', rulebook, { outcome: 'reject', amount: null, reasons, checks: [] });
      close('reject', null, reasons);
    }
    return { caseId, type, events };
  }

  // To a clerk: the rules sent it, or an exception stopped them.
  const firstReasons = rng.chance(0.5) ? [rng.pick(RULES), ...(rng.chance(0.3) ? [rng.pick(RULES)] : [])] : [rng.pick(CODES)];
  const uniqueReasons = [...new Set(firstReasons)];
  if (CODES.includes(uniqueReasons[0]!)) add('exception', system, { outcome: 'review', reasons: uniqueReasons, message: '转人工' });
  else add('decided', rulebook, { outcome: 'review', amount: null, reasons: uniqueReasons, checks: [] });

  const reviewRound = (returnable: boolean): 'open' | 'returned' | 'decided' => {
    const opened = t + 60_000;
    const deadline = opened + rng.int(1, 7) * DAY;
    add(
      'review-opened',
      system,
      { reminderAt: new Date(deadline - 8 * HOUR).toISOString(), deadlineAt: new Date(deadline).toISOString() },
      60_000,
    );
    // Sometimes nobody decides for a long while: the reminder and the escalation come first.
    if (rng.chance(0.35)) {
      t = Math.max(t, deadline - 8 * HOUR - 60_000);
      add('review-reminder', system, { to: 'inbox' }, 60_000);
      if (rng.chance(0.6)) {
        t = Math.max(t, deadline);
        add('review-escalated', system, { to: 'supervisor' }, 60_000);
      }
    }
    if (rng.chance(0.12)) return 'open';
    let clerk = rng.pick(CLERKS);
    add('claimed', person(clerk), { claimedBy: clerk }, rng.int(5, 600) * 60_000);
    if (rng.chance(0.2)) {
      add('released', person(clerk), { claimedBy: null });
      clerk = rng.pick(CLERKS);
      add('claimed', person(clerk), { claimedBy: clerk }, rng.int(5, 300) * 60_000);
    }
    if (returnable && rng.chance(0.3)) {
      add(
        'returned',
        person(clerk),
        { before: { outcome: 'review' }, after: { outcome: 'review', amount: null } },
        rng.int(10, 3000) * 60_000,
      );
      add('awaiting-documents', system, { deadlineAt: new Date(t + 30 * DAY).toISOString() });
      add('documents-supplied', person(clerk), { files: ['a.pdf'] }, rng.int(1, 10) * DAY);
      add('decided', rulebook, { outcome: 'review', amount: null, reasons: [rng.pick(RULES)], checks: [] });
      return 'returned';
    }
    if (rng.chance(0.3)) {
      add('proposed', person(clerk), { proposed: { outcome: 'approve' } }, rng.int(10, 600) * 60_000);
      if (rng.chance(0.4)) {
        add('second-look-sent-back', person(SUPERVISOR), { verdict: 'send-back' }, rng.int(10, 600) * 60_000);
        add('proposed', person(clerk), { proposed: { outcome: 'approve' } }, rng.int(10, 600) * 60_000);
      }
      add('second-look-approved', person(SUPERVISOR), { verdict: 'approve' }, rng.int(10, 600) * 60_000);
    }
    return 'decided';
  };

  let round = reviewRound(true);
  if (round === 'returned') round = reviewRound(false);
  if (round === 'open') return { caseId, type, events };
  const clerk = [...events].reverse().find((e) => e.step === 'claimed')!.actor.name;
  const approve = rng.chance(0.6);
  const amt = approve ? amount() : null;
  const outcome = approve ? 'approve' : 'reject';
  add('reviewed', person(clerk), { before: { outcome: 'review' }, after: { outcome, amount: amt } }, rng.int(10, 5000) * 60_000);
  if (rng.chance(0.9)) close(outcome, amt, approve ? [] : [rng.pick(RULES)]);
  return { caseId, type, events };
}

/** Moves every event of a case by the same amount so that its `step` event (the last one) falls at `at`. */
function anchor(c: PlannedCase, step: AuditStep, at: string): PlannedCase {
  const target = [...c.events].reverse().find((e) => e.step === step);
  if (!target) return c;
  const shift = Date.parse(at) - Date.parse(target.at);
  return { ...c, events: c.events.map((e) => ({ ...e, at: new Date(Date.parse(e.at) + shift).toISOString() })) };
}

/**
 * The plan: `count` cases started between 2025-11-20 and 2026-12-10 (UTC), most of them in the
 * autumn of 2026, and cases anchored on the Beijing boundaries of November 2026.
 */
export function planMonthlyTrail(seed: number, count: number): PlannedCase[] {
  const rng = random(seed);
  const cases: PlannedCase[] = [];
  const wide = [Date.parse('2025-11-20T00:00:00Z'), Date.parse('2026-12-10T00:00:00Z')];
  const autumn = [Date.parse('2026-10-20T00:00:00Z'), Date.parse('2026-12-05T00:00:00Z')];
  for (let i = 0; i < count; i++) {
    const [lo, hi] = rng.chance(0.3) ? wide : autumn;
    cases.push(planCase(rng, `MR-${String(i + 1).padStart(4, '0')}`, lo! + Math.floor(rng.next() * (hi! - lo!))));
  }
  // Closed 01:30 on 1 December in Beijing: December, though still 30 November in UTC.
  const closing = cases.filter((c) => c.events.some((e) => e.step === 'closed'));
  const reviewed = cases.filter((c) => c.events.some((e) => e.step === 'reviewed') && !closing.slice(0, 3).includes(c));
  const anchors: [PlannedCase | undefined, AuditStep, string][] = [
    [closing[0], 'closed', '2026-11-30T17:30:00.000Z'],
    // The first instant of November in Beijing, and the last of October.
    [closing[1], 'closed', '2026-10-31T16:00:00.000Z'],
    [closing[2], 'closed', '2026-10-31T15:59:59.999Z'],
    // A clerk's decision at 00:10 on 1 November in Beijing (October in UTC).
    [reviewed[0], 'reviewed', '2026-10-31T16:10:00.000Z'],
    [reviewed[1], 'reviewed', '2026-11-30T16:20:00.000Z'],
  ];
  for (const [c, step, at] of anchors) if (c) cases[cases.indexOf(c)] = anchor(c, step, at);
  return cases;
}

/** Writes the plan through the real paths: the case register, then each event on the case's chain. */
export async function writeMonthlyTrail(store: Store, cases: readonly PlannedCase[]): Promise<void> {
  for (const c of cases) {
    const closed = [...c.events].reverse().find((e) => e.step === 'closed');
    const reviewed = [...c.events].reverse().find((e) => e.step === 'reviewed');
    const last = closed?.outcome ?? null;
    await upsertCase(store, {
      caseId: c.caseId,
      type: c.type,
      batchId: 'monthly-test',
      workflowId: `case-${c.caseId}`,
      runId: 'run-1',
      status: closed ? 'closed' : reviewed ? 'decided' : 'review',
      outcome: last ? String(last.outcome) : 'review',
      amount: last && typeof last.amount === 'string' ? last.amount : null,
      reasons: [],
      rowNumber: null,
    });
    for (const [i, e] of c.events.entries()) {
      await appendEvent(store, {
        caseId: c.caseId,
        workflowId: `case-${c.caseId}`,
        runId: 'run-1',
        step: e.step,
        actor: e.actor,
        at: e.at,
        inputs: {},
        ruleSetVersion: null,
        outcome: e.outcome as never,
        evidence: [],
        idempotencyKey: `run-1/${i}-${e.step}`,
      });
    }
  }
}

// ── The figures again, from the plan ──────────────────────────────────────────────────────

/** `2026-12` for 2026-11-30T17:30Z: the month on a Beijing wall clock, by adding eight hours. */
const monthInBeijing = (iso: string): string => new Date(Date.parse(iso) + 8 * HOUR).toISOString().slice(0, 7);

/** PostgreSQL's percentile_cont: linear between the two nearest ranks. */
function percentileCont(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const toFenOf = (amount: unknown): bigint => {
  const [whole, cents] = String(amount).split('.') as [string, string];
  return BigInt(whole) * 100n + BigInt(cents);
};

/** Closed cases of `month` per business and outcome, as the report counts them. */
export function expectedClosed(cases: readonly PlannedCase[], month: string) {
  const rows = new Map<string, { type: string; outcome: string; cases: number; automated: number; approvedFen: bigint }>();
  for (const c of cases) {
    const closedAt = c.events.map((e, i) => [e, i] as const).filter(([e]) => e.step === 'closed');
    const last = closedAt.at(-1);
    if (!last || monthInBeijing(last[0].at) !== month) continue;
    const [event, index] = last;
    const outcome = String(event.outcome!.outcome);
    const key = `${c.type}/${outcome}`;
    const row = rows.get(key) ?? { type: c.type, outcome, cases: 0, automated: 0, approvedFen: 0n };
    row.cases += 1;
    if (!c.events.slice(0, index).some((e) => e.actor.kind === 'user')) row.automated += 1;
    if (outcome === 'approve') row.approvedFen += toFenOf(event.outcome!.amount);
    rows.set(key, row);
  }
  return [...rows.values()];
}

/** Every figure of one month but the trend, from the plan. */
export function expectedMonth(cases: readonly PlannedCase[], month: string) {
  const inMonth = (e: PlannedEvent) => monthInBeijing(e.at) === month;
  const received = new Map<string, number>();
  let decided = 0;
  let toReview = 0;
  const rules = new Map<string, number>();
  const clerkSeconds = new Map<string, { decisions: number; cases: Set<string>; seconds: number[] }>();
  const sla = { kept: 0, late: 0, noDeadline: 0, escalatedBeforeDecision: 0 };
  const steps: Record<string, number> = {};
  for (const c of cases) {
    if (c.events.some((e) => e.step === 'intake' && inMonth(e))) received.set(c.type, (received.get(c.type) ?? 0) + 1);
    const verdict = c.events.find((e) => e.step === 'decided' || e.step === 'exception');
    if (verdict && inMonth(verdict)) {
      decided += 1;
      if (verdict.outcome!.outcome === 'review') toReview += 1;
      for (const r of new Set(verdict.outcome!.reasons as string[])) rules.set(r, (rules.get(r) ?? 0) + 1);
    }
    c.events.forEach((e, i) => {
      if (inMonth(e)) steps[e.step] = (steps[e.step] ?? 0) + 1;
      if (!(e.step === 'reviewed' || e.step === 'returned') || e.actor.kind !== 'user' || !inMonth(e)) return;
      const before = c.events.slice(0, i);
      const previousDecision = before.findLastIndex((x) => x.step === 'reviewed' || x.step === 'returned');
      const claim = before.findLastIndex((x, j) => x.step === 'claimed' && j > previousDecision);
      const entry = clerkSeconds.get(e.actor.name) ?? { decisions: 0, cases: new Set(), seconds: [] };
      entry.decisions += 1;
      entry.cases.add(c.caseId);
      if (claim >= 0) entry.seconds.push((Date.parse(e.at) - Date.parse(before[claim]!.at)) / 1000);
      clerkSeconds.set(e.actor.name, entry);
      const opened = before.findLastIndex((x) => x.step === 'review-opened');
      if (opened < 0) sla.noDeadline += 1;
      else if (Date.parse(e.at) <= Date.parse(String(before[opened]!.outcome!.deadlineAt))) sla.kept += 1;
      else sla.late += 1;
      if (opened >= 0 && before.slice(opened + 1).some((x) => x.step === 'review-escalated')) sla.escalatedBeforeDecision += 1;
    });
  }
  return {
    closed: expectedClosed(cases, month),
    received,
    exceptions: { decided, toReview, rules },
    clerks: [...clerkSeconds].map(([clerk, e]) => ({
      clerk,
      decisions: e.decisions,
      cases: e.cases.size,
      timed: e.seconds.length,
      medianSeconds: percentileCont(e.seconds, 0.5),
      p90Seconds: percentileCont(e.seconds, 0.9),
    })),
    sla,
    steps,
  };
}
