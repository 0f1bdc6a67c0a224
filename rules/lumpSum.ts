/**
 * 趸缴 (POLICY.md §1): statutory retirement month under the 2025 phased reform, counted months,
 * shortfall, the lump sum due, and rules LS-01 … LS-08.
 */
import type { Check, LumpSumCase, LumpSumDecision, LumpSumDetails } from './schemas';
import type { ContributionBase, LumpSumParams, LumpSumVersion, Parameters } from './params';
import { contributionBaseFor, policyVersionOf, versionInForce } from './params';
import type { InputProblem } from './inputProblem';
import { LUMP_SUM_RULES as RULES } from './catalogue';
import { evaluate, identityCheck, outcomeOf, reasonsOf } from './common';
import { addMonthsToMonth, monthIndex, monthOf } from './dates';
import { formatFen, toFen } from './money';
import { applyRatios, toRatio } from './ratio';

export interface LumpSumSelection {
  readonly version: LumpSumVersion;
  readonly contributionBase: ContributionBase;
  readonly policyVersion: string;
}

/** The parameters in force: required months by retirement date (application date without one), base and rate by application year. */
export function selectLumpSumParameters(caseFile: LumpSumCase, params: Parameters): LumpSumSelection | InputProblem {
  const [field, effectiveDate] =
    caseFile.retirement === null ? ['applicationDate', caseFile.applicationDate] : ['retirement.date', caseFile.retirement.date];
  const version = versionInForce(params.lumpSum.versions, effectiveDate);
  if (version === null) {
    const first = params.lumpSum.versions[0]?.effectiveFrom;
    return { field, problem: `${effectiveDate} is before the earliest lump-sum parameter version ${first}` };
  }
  const contributionBase = contributionBaseFor(params.lumpSum.contributionBases, caseFile.applicationDate);
  if (contributionBase === null) {
    const first = params.lumpSum.contributionBases[0]?.year;
    return {
      field: 'applicationDate',
      problem: `${caseFile.applicationDate} is before the first year with a contribution base (${first})`,
    };
  }
  return { version, contributionBase, policyVersion: policyVersionOf('lump-sum', version) };
}

/**
 * The statutory retirement month after the 2025 reform: birth month + original age × 12 + delay,
 * the delay growing by one month per `birthMonthsPerStep` birth months from the cohort start.
 */
export function statutoryRetirementMonth(
  birthDate: string,
  originalAge: 60 | 55 | 50,
  delayTable: LumpSumParams['retirementDelay'],
): string {
  const cohort = delayTable.find((row) => row.originalAge === originalAge);
  if (cohort === undefined) throw new Error(`no retirement cohort for original age ${originalAge}`);
  const birthMonth = monthOf(birthDate);
  const k = monthIndex(birthMonth) - monthIndex(cohort.cohortStart);
  const delay = k < 0 ? 0 : Math.min(cohort.maxDelayMonths, Math.floor(k / cohort.birthMonthsPerStep) + 1);
  return addMonthsToMonth(birthMonth, originalAge * 12 + delay);
}

/** Decides a 趸缴 case. */
export function decideLumpSum(caseFile: LumpSumCase, selection: LumpSumSelection, params: Parameters): LumpSumDecision {
  const { version, contributionBase } = selection;
  const c = caseFile.contributions;
  const statutoryMonth = statutoryRetirementMonth(
    caseFile.person.birthDate,
    caseFile.originalRetirementAge,
    params.lumpSum.retirementDelay,
  );
  const transferred = c.transferStatus === 'completed' ? c.transferredMonths : 0;
  const deemed = c.deemedCertified ? c.deemedMonths : 0;
  const cumulativeMonths = c.localActualMonths + transferred + deemed - c.overlapMonths;
  const requiredMonths = caseFile.person.sex === 'M' ? version.requiredMonths.men : version.requiredMonths.women;
  const requiredLocal = version.requiredLocalMonths;
  const shortfallMonths = Math.max(Math.max(0, requiredMonths - cumulativeMonths), Math.max(0, requiredLocal - c.localActualMonths));
  const baseFen = toFen(contributionBase.base);
  const amountFen = applyRatios(BigInt(shortfallMonths) * baseFen, toRatio(contributionBase.rate));

  const retirement = caseFile.retirement;
  const checks: Check[] = [
    identityCheck(caseFile.person),
    evaluate(
      RULES['LS-01'],
      caseFile.scheme !== 'employee',
      caseFile.scheme === 'employee'
        ? '参保险种 职工（employee）'
        : `参保险种 ${caseFile.scheme}（居民）≠ employee（职工）：居民缴费年限不计入`,
    ),
    evaluate(
      RULES['LS-02'],
      retirement === null || retirement.date > caseFile.applicationDate,
      retirement === null
        ? '无退休记录'
        : retirement.date > caseFile.applicationDate
          ? `退休日期 ${retirement.date} 晚于申请日期 ${caseFile.applicationDate}`
          : `退休日期 ${retirement.date} 不晚于申请日期 ${caseFile.applicationDate}`,
    ),
    evaluate(
      RULES['LS-03'],
      retirement !== null && retirement.kind !== 'normal',
      retirement === null
        ? '无退休记录，不适用'
        : retirement.kind === 'normal'
          ? '退休类型 normal（正常退休）'
          : `退休类型 ${retirement.kind}（${retirement.kind === 'illness' ? '病退' : '特殊工种'}）≠ normal：需审核审批材料`,
    ),
    evaluate(
      RULES['LS-04'],
      retirement !== null && monthOf(retirement.date) < statutoryMonth,
      retirement === null
        ? '无退休记录，不适用'
        : monthOf(retirement.date) < statutoryMonth
          ? `退休月份 ${monthOf(retirement.date)} 早于法定退休月份 ${statutoryMonth}（提前退休）`
          : `退休月份 ${monthOf(retirement.date)} 不早于法定退休月份 ${statutoryMonth}`,
    ),
    evaluate(
      RULES['LS-05'],
      c.deemedMonths > 0 && !c.deemedCertified,
      c.deemedMonths === 0
        ? '无视同缴费年限'
        : c.deemedCertified
          ? `视同缴费 ${c.deemedMonths} 个月已认定`
          : `视同缴费 ${c.deemedMonths} 个月未认定`,
    ),
    evaluate(
      RULES['LS-06'],
      c.transferStatus === 'pending',
      c.transferStatus === 'pending'
        ? `转移接续状态 pending（未办结），转入 ${c.transferredMonths} 个月`
        : `转移接续状态 ${c.transferStatus}`,
    ),
    evaluate(RULES['LS-07'], c.arrearsMonths > 0, c.arrearsMonths > 0 ? `欠费 ${c.arrearsMonths} 个月未清` : '欠费 0 个月'),
    evaluate(
      RULES['LS-08'],
      shortfallMonths === 0,
      `差额 ${shortfallMonths} 个月 = max(应缴 ${requiredMonths} − 累计 ${cumulativeMonths}, 本地应缴 ${requiredLocal} − 本地实缴 ${c.localActualMonths}, 0)` +
        (shortfallMonths === 0 ? '：已满年限，无需趸缴' : ''),
    ),
  ];

  const details: LumpSumDetails = {
    statutoryMonth,
    cumulativeMonths,
    requiredMonths,
    shortfallMonths,
    base: contributionBase.base,
    rate: contributionBase.rate,
  };
  const outcome = outcomeOf(checks);
  return {
    caseId: caseFile.caseId,
    type: 'lump-sum',
    outcome,
    amount: outcome === 'reject' ? null : formatFen(amountFen),
    reasons: reasonsOf(checks),
    checks,
    details,
    policyVersion: selection.policyVersion,
  };
}
