/**
 * The managers' monthly report, assembled from the figures the store gives (store/monthlyFigures.ts)
 * by pure functions: the workbook, the PDF, the dashboard section and the CLI's summary all read
 * the one `MonthlyReport`. Each figure is defined in docs/monthly-report.md.
 */
import { BUSINESS_NAMES, CASE_TYPES, isCaseType } from '../rules/caseTypes';
import { ruleById } from '../rules/catalogue';
import { formatFen } from '../rules/money';
import type { ClerkWorkload, ClosedCaseCount, ReviewSlaFigures, RuleExceptions } from '../store/monthlyFigures';
import { beijingMinute, beijingTime } from '../time/beijing';
import { addMonths } from '../time/beijingMonth';

/** How many months the trend shows, the report's month last. */
export const TREND_MONTHS = 12;

/** Everything the store gives for one month's report (reports/monthlyLoad.ts reads it). */
export interface MonthlyFigures {
  month: string;
  /** The month as UTC instants, `[from, to)`. */
  range: { from: string; to: string };
  /** Closed cases of the trend's months (the report's month among them). */
  closed: ClosedCaseCount[];
  received: { type: string; cases: number }[];
  exceptions: RuleExceptions;
  clerks: ClerkWorkload[];
  sla: ReviewSlaFigures;
  steps: Record<'proposed' | 'second-look-approved' | 'second-look-sent-back' | 'review-reminder' | 'review-escalated', number>;
}

interface BusinessRow {
  type: string;
  /** The business's Chinese name. */
  name: string;
  received: number;
  closed: number;
  approve: number;
  reject: number;
  /** Closed with any other outcome. */
  other: number;
  automated: number;
  approvedFen: bigint;
}

interface TrendPoint {
  month: string;
  cases: number;
  automated: number;
  /** automated / cases; null for a month with no closed case. */
  automationRate: number | null;
  approvedFen: bigint;
}

export interface MonthlyReport {
  month: string;
  range: { from: string; to: string };
  generatedAt: string;
  byBusiness: BusinessRow[];
  totals: Omit<BusinessRow, 'type' | 'name'> & { automationRate: number | null };
  exceptions: {
    decided: number;
    toReview: number;
    /** toReview / decided; null when nothing was decided. */
    reviewRate: number | null;
    rules: { rule: string; title: string; cases: number; rate: number }[];
  };
  clerks: ClerkWorkload[];
  sla: ReviewSlaFigures & { reminders: number; escalations: number; keptRate: number | null };
  fourEyes: { proposed: number; approved: number; sentBack: number };
  /** The last TREND_MONTHS months, oldest first, the report's month last; months with nothing are zero. */
  trend: TrendPoint[];
}

const rate = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/** The business's name for a type token (the token itself for one we do not know). */
const businessName = (type: string): string => (isCaseType(type) ? BUSINESS_NAMES[type] : type);

/** Assembles the report from the figures; `generatedAt` is only printed. */
export function monthlyReport(figures: MonthlyFigures, generatedAt: Date): MonthlyReport {
  const ofMonth = figures.closed.filter((c) => c.month === figures.month);
  const types = new Set<string>([...CASE_TYPES, ...ofMonth.map((c) => c.type), ...figures.received.map((r) => r.type)]);
  const byBusiness: BusinessRow[] = [...types].map((type) => {
    const row: BusinessRow = {
      type,
      name: businessName(type),
      received: figures.received.filter((r) => r.type === type).reduce((n, r) => n + r.cases, 0),
      closed: 0,
      approve: 0,
      reject: 0,
      other: 0,
      automated: 0,
      approvedFen: 0n,
    };
    for (const c of ofMonth.filter((c) => c.type === type)) {
      row.closed += c.cases;
      if (c.outcome === 'approve') row.approve += c.cases;
      else if (c.outcome === 'reject') row.reject += c.cases;
      else row.other += c.cases;
      row.automated += c.automated;
      row.approvedFen += c.approvedFen;
    }
    return row;
  });
  const sum = (key: 'received' | 'closed' | 'approve' | 'reject' | 'other' | 'automated') => byBusiness.reduce((n, b) => n + b[key], 0);
  const totals = {
    received: sum('received'),
    closed: sum('closed'),
    approve: sum('approve'),
    reject: sum('reject'),
    other: sum('other'),
    automated: sum('automated'),
    approvedFen: byBusiness.reduce((n, b) => n + b.approvedFen, 0n),
    automationRate: rate(sum('automated'), sum('closed')),
  };

  const trend: TrendPoint[] = [];
  for (let back = TREND_MONTHS - 1; back >= 0; back--) {
    const month = addMonths(figures.month, -back);
    const rows = figures.closed.filter((c) => c.month === month);
    const cases = rows.reduce((n, c) => n + c.cases, 0);
    const automated = rows.reduce((n, c) => n + c.automated, 0);
    trend.push({
      month,
      cases,
      automated,
      automationRate: rate(automated, cases),
      approvedFen: rows.reduce((n, c) => n + c.approvedFen, 0n),
    });
  }

  const { decided, toReview } = figures.exceptions;
  const decidedSla = figures.sla.kept + figures.sla.late;
  return {
    month: figures.month,
    range: figures.range,
    generatedAt: generatedAt.toISOString(),
    byBusiness,
    totals,
    exceptions: {
      decided,
      toReview,
      reviewRate: rate(toReview, decided),
      rules: figures.exceptions.rules.map((r) => ({
        rule: r.rule,
        title: ruleById(r.rule)?.title ?? '',
        cases: r.cases,
        rate: decided === 0 ? 0 : r.cases / decided,
      })),
    },
    clerks: figures.clerks,
    sla: {
      ...figures.sla,
      reminders: figures.steps['review-reminder'],
      escalations: figures.steps['review-escalated'],
      keptRate: rate(figures.sla.kept, decidedSla),
    },
    fourEyes: {
      proposed: figures.steps.proposed,
      approved: figures.steps['second-look-approved'],
      sentBack: figures.steps['second-look-sent-back'],
    },
    trend,
  };
}

// ── How figures read ──────────────────────────────────────────────────────────────────────

/** Fen as 元 with two decimals and thousands separators (`12,345.60`), by integer arithmetic. */
export function yuan(fen: bigint): string {
  const text = formatFen(fen);
  const negative = text.startsWith('-');
  const [whole, cents] = (negative ? text.slice(1) : text).split('.') as [string, string];
  return `${negative ? '-' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** A share as a percentage with one decimal (`87.5%`); `—` for none. */
export function percent(share: number | null): string {
  return share === null ? '—' : `${(share * 100).toFixed(1)}%`;
}

/** A duration in seconds for people: `2小时05分`, `3天4小时`, `45秒`; `—` for none. */
export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}秒`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes}分`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}小时${String(minutes % 60).padStart(2, '0')}分`;
  return `${Math.floor(hours / 24)}天${hours % 24}小时`;
}

/** The month in Chinese: `2026年11月`. */
export const monthTitle = (month: string): string => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;

/** The month's bounds as people read them: `2026-11-01 00:00 至 2026-12-01 00:00（北京时间）`. */
export const rangeText = (range: { from: string; to: string }): string =>
  `${beijingMinute(range.from)} 至 ${beijingMinute(range.to)}（北京时间）`;

/** The summary in Chinese, one line each: what `report monthly` prints and the PDF opens with. */
export function monthlySummaryLines(r: MonthlyReport): string[] {
  const lines = [
    `${monthTitle(r.month)} 管理月报`,
    `统计区间：${rangeText(r.range)}`,
    `受理 ${r.totals.received} 件；办结 ${r.totals.closed} 件（通过 ${r.totals.approve}，不予受理 ${r.totals.reject}，其他 ${r.totals.other}）`,
    `核准金额合计 ${yuan(r.totals.approvedFen)} 元`,
    `自动化率 ${percent(r.totals.automationRate)}（无人工参与办结 ${r.totals.automated} 件）`,
    '按业务：',
    ...r.byBusiness.map(
      (b) =>
        `  ${b.name}：受理 ${b.received}，办结 ${b.closed}（通过 ${b.approve}，不予受理 ${b.reject}，其他 ${b.other}），自动 ${b.automated}，核准 ${yuan(b.approvedFen)} 元`,
    ),
    `规则决定 ${r.exceptions.decided} 件，转人工 ${r.exceptions.toReview} 件（${percent(r.exceptions.reviewRate)}）`,
    ...r.exceptions.rules.map((x) => `  ${x.rule}${x.title ? ' ' + x.title : ''}：${x.cases} 件（${percent(x.rate)}）`),
    '经办人工作量（认领至决定）：',
    ...(r.clerks.length === 0
      ? ['  无']
      : r.clerks.map(
          (c) => `  ${c.clerk}：决定 ${c.decisions} 次（${c.cases} 件），中位 ${duration(c.medianSeconds)}，P90 ${duration(c.p90Seconds)}`,
        )),
    `审核时限：按时 ${r.sla.kept}，超时 ${r.sla.late}（按时率 ${percent(r.sla.keptRate)}）；提醒 ${r.sla.reminders} 次，升级 ${r.sla.escalations} 次`,
    `四眼复核：提请 ${r.fourEyes.proposed}，复核同意 ${r.fourEyes.approved}，复核退回 ${r.fourEyes.sentBack}`,
    `近 ${TREND_MONTHS} 个月：`,
    ...r.trend.map((t) => `  ${t.month}  办结 ${t.cases}  自动化率 ${percent(t.automationRate)}  核准 ${yuan(t.approvedFen)} 元`),
    `生成时间 ${beijingTime(r.generatedAt)}（北京时间）`,
  ];
  return lines;
}
