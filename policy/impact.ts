/**
 * The effect of a draft, case by case and in total: the base decision against the draft's, and the
 * recorded decision against the base's. Pure: the caller feeds decisions, this adds them up.
 */
import type { CaseType } from '../rules';
import type { Check, Decision, Outcome } from '../rules/schemas';
import { toFen } from '../rules/money';
import { maskIdNumber } from '../rules/idNumber';

/** One side of a comparison: what a decision said, its amount in fen. */
export interface CaseSide {
  outcome: Outcome;
  /** Integer fen; null when rejected. */
  amountFen: number | null;
  reasons: string[];
}

/** A case the draft decides otherwise (outcome or amount). */
interface AffectedCase {
  caseId: string;
  type: CaseType;
  /** When its latest decision was recorded (UTC ISO). */
  decidedAt: string;
  name: string;
  /** 身份证号, masked: this list leaves the clerks' screens. */
  idNumberMasked: string;
  before: CaseSide;
  after: CaseSide;
  /** Approved amount after − before, integer fen (an amount counts only when approved). */
  approvedDeltaFen: number;
  /** Rules whose result (pass, fail, skip) the draft changed. */
  rulesChanged: string[];
  /** False when the base parameters do not reproduce the recorded decision of this case. */
  baseReproducesRecord: boolean;
}

/** How one rule of one business moved. */
export interface RuleImpact {
  business: CaseType;
  rule: string;
  /** Cases where its result changed. */
  changed: number;
  /** Cases whose outcome flipped and where it changed. */
  flips: number;
  /** Cases it sends to review (failed, severity review), under the base and under the draft. */
  reviewBefore: number;
  reviewAfter: number;
}

export interface FlipCount {
  business: CaseType;
  from: Outcome;
  to: Outcome;
  count: number;
}

export interface BusinessMoney {
  business: CaseType;
  cases: number;
  approvedBeforeFen: number;
  approvedAfterFen: number;
  deltaFen: number;
}

/** A case the base parameters decide otherwise than recorded: outside the draft's effect. */
interface NotReproduced {
  caseId: string;
  type: CaseType;
  recorded: CaseSide;
  base: CaseSide;
}

/** The recorded part of a decided event's outcome. */
export interface RecordedSide {
  outcome: unknown;
  amount: unknown;
  reasons: unknown;
}

export interface ImpactTotals {
  cases: number;
  casesByBusiness: Partial<Record<CaseType, number>>;
  flips: FlipCount[];
  flipTotal: number;
  /** Approved both before and after, with another amount. */
  amountChanged: number;
  money: { approvedBeforeFen: number; approvedAfterFen: number; deltaFen: number; byBusiness: BusinessMoney[] };
  /** Cases whose outcome is review, under the base and under the draft. */
  reviewLoad: { before: number; after: number };
  rules: RuleImpact[];
  affected: AffectedCase[];
  affectedTotal: number;
  notReproduced: { count: number; samples: NotReproduced[] };
  errors: { count: number; samples: { caseId: string; error: string }[] };
  /**
   * Cases of the draft's businesses by the parameter version the draft decided them under: a new
   * version dated after every case in range applies to none of them.
   */
  draftVersions: Record<string, number>;
}

const SAMPLE_LIMIT = 1000;

/** Adds cases up; keeps at most `maxAffected` affected cases (the totals count them all). */
export class ImpactTally {
  private readonly flipCounts = new Map<string, FlipCount>();
  private readonly ruleImpacts = new Map<string, RuleImpact>();
  private readonly money = new Map<CaseType, BusinessMoney>();
  private readonly totals: ImpactTotals;

  constructor(private readonly maxAffected = 50_000) {
    this.totals = {
      cases: 0,
      casesByBusiness: {},
      flips: [],
      flipTotal: 0,
      amountChanged: 0,
      money: { approvedBeforeFen: 0, approvedAfterFen: 0, deltaFen: 0, byBusiness: [] },
      reviewLoad: { before: 0, after: 0 },
      rules: [],
      affected: [],
      affectedTotal: 0,
      notReproduced: { count: 0, samples: [] },
      errors: { count: 0, samples: [] },
      draftVersions: {},
    };
  }

  /** A case that could not be re-decided (its case file no longer parses, no parameter version covers it). */
  error(caseId: string, error: string): void {
    this.totals.errors.count++;
    if (this.totals.errors.samples.length < SAMPLE_LIMIT) this.totals.errors.samples.push({ caseId, error });
  }

  /** One case: recorded, re-decided under the base, and under the draft (the same object when the draft leaves its business alone). */
  add(c: {
    caseId: string;
    decidedAt: string;
    person: { name: string; idNumber: string };
    recorded: RecordedSide;
    base: Decision;
    draft: Decision;
    /** The case decided by the parameters in force as they are, when `base` is another (a proposal's comparison): the record is checked against it. */
    inForce?: Decision;
  }): void {
    const t = this.totals;
    const business = c.base.type;
    t.cases++;
    t.casesByBusiness[business] = (t.casesByBusiness[business] ?? 0) + 1;
    const before = sideOf(c.base);
    const after = c.draft === c.base ? before : sideOf(c.draft);
    const reproduces = reproduced(c.recorded, c.inForce && c.inForce !== c.base ? sideOf(c.inForce) : before);
    if (!reproduces) {
      t.notReproduced.count++;
      if (t.notReproduced.samples.length < SAMPLE_LIMIT)
        t.notReproduced.samples.push({
          caseId: c.caseId,
          type: business,
          recorded: recordedSideOf(c.recorded),
          base: c.inForce ? sideOf(c.inForce) : before,
        });
    }
    const approvedBefore = before.outcome === 'approve' ? (before.amountFen ?? 0) : 0;
    const approvedAfter = after.outcome === 'approve' ? (after.amountFen ?? 0) : 0;
    const money = this.moneyOf(business);
    money.cases++;
    money.approvedBeforeFen += approvedBefore;
    money.approvedAfterFen += approvedAfter;
    money.deltaFen += approvedAfter - approvedBefore;
    if (before.outcome === 'review') t.reviewLoad.before++;
    if (after.outcome === 'review') t.reviewLoad.after++;

    if (c.draft !== c.base) t.draftVersions[c.draft.policyVersion] = (t.draftVersions[c.draft.policyVersion] ?? 0) + 1;
    const flipped = before.outcome !== after.outcome;
    const rulesChanged = c.draft === c.base ? [] : changedRules(c.base.checks, c.draft.checks);
    this.countReviewRules(business, c.base.checks, 'reviewBefore');
    this.countReviewRules(business, c.draft.checks, 'reviewAfter');
    for (const rule of rulesChanged) {
      const impact = this.ruleOf(business, rule);
      impact.changed++;
      if (flipped) impact.flips++;
    }
    if (flipped) {
      t.flipTotal++;
      const key = `${business}|${before.outcome}|${after.outcome}`;
      const flip = this.flipCounts.get(key) ?? { business, from: before.outcome, to: after.outcome, count: 0 };
      flip.count++;
      this.flipCounts.set(key, flip);
    }
    const amountChanged = !flipped && before.amountFen !== after.amountFen;
    if (amountChanged && before.outcome === 'approve') t.amountChanged++;
    if (flipped || amountChanged) {
      t.affectedTotal++;
      if (t.affected.length < this.maxAffected)
        t.affected.push({
          caseId: c.caseId,
          type: business,
          decidedAt: c.decidedAt,
          name: c.person.name,
          idNumberMasked: maskIdNumber(c.person.idNumber),
          before,
          after,
          approvedDeltaFen: approvedAfter - approvedBefore,
          rulesChanged,
          baseReproducesRecord: reproduces,
        });
    }
  }

  /** The totals so far, sorted for reading: businesses and rules in order, biggest effect first. */
  result(): ImpactTotals {
    const t = this.totals;
    const byBusiness = [...this.money.values()].sort((a, b) => a.business.localeCompare(b.business));
    const approvedBeforeFen = byBusiness.reduce((s, m) => s + m.approvedBeforeFen, 0);
    const approvedAfterFen = byBusiness.reduce((s, m) => s + m.approvedAfterFen, 0);
    return {
      ...t,
      flips: [...this.flipCounts.values()].sort((a, b) => b.count - a.count || a.business.localeCompare(b.business)),
      money: { approvedBeforeFen, approvedAfterFen, deltaFen: approvedAfterFen - approvedBeforeFen, byBusiness },
      rules: [...this.ruleImpacts.values()]
        .filter((r) => r.changed > 0 || r.reviewBefore !== r.reviewAfter)
        .sort((a, b) => b.flips - a.flips || b.changed - a.changed || a.rule.localeCompare(b.rule)),
    };
  }

  private moneyOf(business: CaseType): BusinessMoney {
    let m = this.money.get(business);
    if (!m) this.money.set(business, (m = { business, cases: 0, approvedBeforeFen: 0, approvedAfterFen: 0, deltaFen: 0 }));
    return m;
  }

  private ruleOf(business: CaseType, rule: string): RuleImpact {
    const key = `${business}|${rule}`;
    let r = this.ruleImpacts.get(key);
    if (!r) this.ruleImpacts.set(key, (r = { business, rule, changed: 0, flips: 0, reviewBefore: 0, reviewAfter: 0 }));
    return r;
  }

  private countReviewRules(business: CaseType, checks: readonly Check[], side: 'reviewBefore' | 'reviewAfter'): void {
    for (const check of checks) if (check.result === 'fail' && check.severity === 'review') this.ruleOf(business, check.rule)[side]++;
  }
}

/** A decision's outcome, amount in fen and reasons. */
function sideOf(decision: Pick<Decision, 'outcome' | 'amount' | 'reasons'>): CaseSide {
  return {
    outcome: decision.outcome,
    amountFen: decision.amount === null ? null : Number(toFen(decision.amount)),
    reasons: decision.reasons,
  };
}

function recordedSideOf(recorded: RecordedSide): CaseSide {
  const amount = typeof recorded.amount === 'string' ? Number(toFen(recorded.amount)) : null;
  return {
    outcome: recorded.outcome as Outcome,
    amountFen: amount,
    reasons: Array.isArray(recorded.reasons) ? (recorded.reasons as string[]) : [],
  };
}

/** The base reproduces a record when outcome, amount and the failed rules are the same. */
function reproduced(recorded: RecordedSide, base: CaseSide): boolean {
  if (recorded.outcome !== base.outcome) return false;
  const amount = typeof recorded.amount === 'string' ? Number(toFen(recorded.amount)) : null;
  if (amount !== base.amountFen) return false;
  const reasons = Array.isArray(recorded.reasons) ? (recorded.reasons as unknown[]) : [];
  return reasons.length === base.reasons.length && reasons.every((r, i) => r === base.reasons[i]);
}

/** Rules whose result differs between two decisions of the same case (the checks come in the same order). */
function changedRules(before: readonly Check[], after: readonly Check[]): string[] {
  const results = new Map(before.map((c) => [c.rule, c.result]));
  const changed = new Set<string>();
  for (const c of after) if (results.get(c.rule) !== c.result) changed.add(c.rule);
  for (const c of before) if (!after.some((a) => a.rule === c.rule)) changed.add(c.rule);
  return [...changed];
}
