/**
 * 关系转移接续, transfer-in (POLICY.md §2): gap, continuity, waiting period, merged months, the
 * due date in working days, and rules TR-01 … TR-06.
 */
import type { Check, TransferCase, TransferDecision, TransferDetails } from './schemas';
import type { Parameters, TransferVersion } from './params';
import { policyVersionOf, versionInForce } from './params';
import type { InputProblem } from './inputProblem';
import { TRANSFER_RULES as RULES } from './catalogue';
import { evaluate, identityCheck, outcomeOf, reasonsOf } from './common';
import { workingDaysAfter } from './calendar';
import { addMonthsToMonth, monthsStrictlyBetween, yearOf } from './dates';
import { toFen } from './money';

export interface TransferSelection {
  readonly version: TransferVersion;
  /** Null when the working days run into a year the bureau calendar lacks (`missingYear`). */
  readonly dueDate: string | null;
  readonly missingYear: number | null;
  readonly policyVersion: string;
}

/**
 * The parameters in force on `receivedDate`, and the due date by the bureau calendar. A due date
 * that needs a year the calendar lacks is left open, never guessed: the case goes to a clerk (TR-07).
 */
export function selectTransferParameters(caseFile: TransferCase, params: Parameters): TransferSelection | InputProblem {
  const received = caseFile.receivedDate;
  const version = versionInForce(params.transfer.versions, received);
  if (version === null) {
    return {
      field: 'receivedDate',
      problem: `${received} is before the earliest transfer parameter version ${params.transfer.versions[0]?.effectiveFrom}`,
    };
  }
  const due = workingDaysAfter(params.calendar, received, version.dueWorkingDays);
  const policyVersion = policyVersionOf('transfer', version);
  return 'date' in due
    ? { version, dueDate: due.date, missingYear: null, policyVersion }
    : { version, dueDate: null, missingYear: due.missingYear, policyVersion };
}

/** Decides a transfer-in case; `amount` is always null. */
export function decideTransfer(caseFile: TransferCase, selection: TransferSelection): TransferDecision {
  const { version } = selection;
  const { from, to } = caseFile;
  const gapMonths = monthsStrictlyBetween(from.coverage.to, to.coverageStart);
  const sameScheme = from.scheme === to.scheme;
  const continuous =
    gapMonths <= version.continuityGapMonths && (sameScheme || caseFile.continuousMonthsBefore >= version.crossSchemeContinuityMonths);
  const waitingMonths = continuous ? 0 : version.waitingMonths;
  const details: TransferDetails = {
    gapMonths,
    waitingMonths,
    benefitStartMonth: addMonthsToMonth(to.coverageStart, waitingMonths),
    mergedMonths: from.scheme === 'employee' && to.scheme === 'employee' ? from.actualMonths : 0,
    dueDate: selection.dueDate,
  };

  const bothResident = from.scheme === 'resident' && to.scheme === 'resident';
  const sameYear = yearOf(from.coverage.to) === yearOf(to.coverageStart);
  const checks: Check[] = [
    identityCheck(caseFile.person),
    evaluate(RULES['TR-01'], caseFile.retired, caseFile.retired ? '退休人员：不属于医保办发〔2021〕43号转移接续范围' : '在职人员'),
    evaluate(
      RULES['TR-02'],
      from.status !== 'suspended',
      from.status === 'suspended' ? '转出地参保状态 suspended（中止参保）' : `转出地参保状态 ${from.status} ≠ suspended：转出地未中止参保`,
    ),
    evaluate(
      RULES['TR-03'],
      to.status !== 'active',
      to.status === 'active' ? '转入地参保状态 active' : `转入地参保状态 ${to.status} ≠ active：转入地未参保`,
    ),
    evaluate(
      RULES['TR-04'],
      bothResident && sameYear,
      bothResident
        ? `居民医保转居民医保：转出截止 ${from.coverage.to}，转入起始 ${to.coverageStart}` + (sameYear ? '，同一年度' : '，不同年度')
        : `险种 ${from.scheme} → ${to.scheme}，非居民间转移`,
    ),
    evaluate(
      RULES['TR-05'],
      gapMonths < 0,
      gapMonths < 0
        ? `转出截止 ${from.coverage.to} 晚于转入起始 ${to.coverageStart}：重复参保 ${-gapMonths} 个月`
        : `转出截止 ${from.coverage.to} 与转入起始 ${to.coverageStart} 间隔 ${gapMonths} 个月`,
    ),
    accountFundsCheck(caseFile),
    // Only when it fails: a decision whose due date the calendar gives carries the checks it always had.
    ...(selection.missingYear === null ? [] : [calendarCheck(caseFile, selection)]),
  ];

  return {
    caseId: caseFile.caseId,
    type: 'transfer',
    outcome: outcomeOf(checks),
    amount: null,
    reasons: reasonsOf(checks),
    checks,
    details,
    policyVersion: selection.policyVersion,
  };
}

/** TR-07: the due date needs the holidays of a year the bureau calendar lacks (not yet imported). */
function calendarCheck(caseFile: TransferCase, selection: TransferSelection): Check {
  const year = selection.missingYear;
  return evaluate(
    RULES['TR-07'],
    true,
    `办结时限：收件日 ${caseFile.receivedDate} 后 ${selection.version.dueWorkingDays} 个工作日落入 ${year} 年，缺少 ${year} 年工作日历（节假日、调休上班日），须导入后人工确定办结日期`,
  );
}

/** TR-06: employee accounts must arrive in full; resident schemes have no personal account. */
function accountFundsCheck(caseFile: TransferCase): Check {
  const { from } = caseFile;
  const balance = from.accountBalance;
  const received = caseFile.accountFundsReceived;
  const shownReceived = received ?? '未到账';
  if (from.scheme === 'employee') {
    const failed = received === null || toFen(received) !== toFen(balance);
    return evaluate(
      RULES['TR-06'],
      failed,
      failed ? `个人账户余额 ${balance} ≠ 到账资金 ${shownReceived}` : `个人账户余额 ${balance} = 到账资金 ${received}`,
    );
  }
  const failed = toFen(balance) !== 0n || (received !== null && toFen(received) !== 0n);
  return evaluate(
    RULES['TR-06'],
    failed,
    failed
      ? `居民医保无个人账户，但余额 ${balance}、到账资金 ${shownReceived}`
      : `居民医保无个人账户：余额 ${balance}，到账资金 ${shownReceived}`,
  );
}
