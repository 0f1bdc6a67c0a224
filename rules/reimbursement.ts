/**
 * 零星报销 (POLICY.md §3): rules RB-01 … RB-13 around the payable of reimbursementPayable.ts.
 */
import type { Check, ReimbursementCase, ReimbursementDecision, Receipt } from './schemas';
import { CONFIDENCE_FIELDS } from './schemas';
import type { Parameters, ReimbursementVersion } from './params';
import { policyVersionOf, versionInForce } from './params';
import type { InputProblem } from './inputProblem';
import { REIMBURSEMENT_RULES as RULES } from './catalogue';
import { evaluate, identityCheck, outcomeOf, reasonsOf, skip } from './common';
import { addDays, addMonthsClamped, monthOf } from './dates';
import { formatFen, sumFen, toFen } from './money';
import { parseChineseAmount } from './chineseAmount';
import { computePayable, payableDetails } from './reimbursementPayable';

export interface ReimbursementSelection {
  readonly version: ReimbursementVersion;
  readonly policyVersion: string;
}

/** The parameters in force on the admission date. */
export function selectReimbursementParameters(caseFile: ReimbursementCase, params: Parameters): ReimbursementSelection | InputProblem {
  const admission = caseFile.visit.admissionDate;
  const version = versionInForce(params.reimbursement.versions, admission);
  if (version === null) {
    return {
      field: 'visit.admissionDate',
      problem: `${admission} is before the earliest reimbursement parameter version ${params.reimbursement.versions[0]?.effectiveFrom}`,
    };
  }
  return { version, policyVersion: policyVersionOf('reimbursement', version) };
}

/** Decides a 零星报销 case; `amount` is the fund payable unless rejected. */
export function decideReimbursement(caseFile: ReimbursementCase, selection: ReimbursementSelection): ReimbursementDecision {
  const { version } = selection;
  const computed = computePayable(caseFile, version);
  const checks: Check[] = [
    identityCheck(caseFile.person),
    payerCheck(caseFile),
    coverageCheck(caseFile),
    designatedCheck(caseFile),
    amountInWordsCheck(caseFile),
    paymentSplitCheck(caseFile),
    settledCheck(caseFile),
    duplicateCheck(caseFile),
    detailsCheck(caseFile),
    deadlineCheck(caseFile, version),
    issueDateCheck(caseFile, version),
    confidenceCheck(caseFile, version),
    receiptFormatCheck(caseFile),
    evaluate(
      RULES['RB-13'],
      computed.payable > toFen(version.limits.largePayable),
      computed.payable > toFen(version.limits.largePayable)
        ? `应付 ${formatFen(computed.payable)} > ${version.limits.largePayable}：大额，需双人复核`
        : `应付 ${formatFen(computed.payable)} ≤ ${version.limits.largePayable}`,
    ),
  ];
  const outcome = outcomeOf(checks);
  return {
    caseId: caseFile.caseId,
    type: 'reimbursement',
    outcome,
    amount: outcome === 'reject' ? null : formatFen(computed.payable),
    reasons: reasonsOf(checks),
    checks,
    details: payableDetails(computed),
    policyVersion: selection.policyVersion,
  };
}

/** Builds a check from per-receipt findings: fails when any receipt has one. */
function perReceipt(
  rule: (typeof RULES)[keyof typeof RULES],
  receipts: readonly Receipt[],
  findingsOf: (receipt: Receipt) => string[],
  passMessage: string,
): Check {
  const findings = receipts.flatMap((receipt, index) =>
    findingsOf(receipt).map((finding) => `${receiptLabel(receipt, index)}：${finding}`),
  );
  return evaluate(rule, findings.length > 0, findings.length > 0 ? findings.join('；') : passMessage);
}

function receiptLabel(receipt: Receipt, index: number): string {
  return `票据 ${index + 1}（${receipt.code}-${receipt.number}）`;
}

/** RB-01: the payer is the insured person; `*` in the masked payerId hides a character. */
function payerCheck(caseFile: ReimbursementCase): Check {
  const { name, idNumber } = caseFile.person;
  return perReceipt(
    RULES['RB-01'],
    caseFile.receipts,
    (receipt) => {
      const findings: string[] = [];
      if (receipt.payerName !== name) findings.push(`交款人 ${receipt.payerName} ≠ 参保人 ${name}`);
      if (!maskedIdMatches(receipt.payerId, idNumber)) findings.push(`交款人证件号 ${receipt.payerId} 与参保人身份证号不符`);
      return findings;
    },
    `交款人与参保人 ${name} 一致`,
  );
}

/** Same length, and every character not hidden by `*` equal. */
export function maskedIdMatches(payerId: string, idNumber: string): boolean {
  if (payerId.length !== idNumber.length) return false;
  return [...payerId].every((char, i) => char === '*' || char === idNumber[i]);
}

/** RB-02: admission and discharge months inside a coverage period, admission after the waiting period. */
function coverageCheck(caseFile: ReimbursementCase): Check {
  const { admissionDate, dischargeDate } = caseFile.visit;
  const covered = (month: string) => caseFile.coverage.some((period) => period.from <= month && (period.to === null || month <= period.to));
  const findings: string[] = [];
  for (const [label, date] of [
    ['入院', admissionDate],
    ['出院', dischargeDate],
  ] as const) {
    if (!covered(monthOf(date))) findings.push(`${label}月份 ${monthOf(date)} 不在任何参保期内`);
  }
  if (caseFile.waitingUntil !== null && admissionDate <= caseFile.waitingUntil) {
    findings.push(`入院日期 ${admissionDate} 未过等待期（至 ${caseFile.waitingUntil}）`);
  }
  const periods = caseFile.coverage.map((period) => `${period.from}～${period.to ?? '至今'}`).join('、') || '无';
  return evaluate(
    RULES['RB-02'],
    findings.length > 0,
    findings.length > 0
      ? `${findings.join('；')}（参保期 ${periods}）`
      : `入院 ${admissionDate}、出院 ${dischargeDate} 在参保期 ${periods} 内`,
  );
}

/** RB-03: the hospital is designated (定点). */
function designatedCheck(caseFile: ReimbursementCase): Check {
  const { hospital } = caseFile.visit;
  return evaluate(
    RULES['RB-03'],
    !hospital.designated,
    hospital.designated ? `${hospital.name}（${hospital.code}）为定点医疗机构` : `${hospital.name}（${hospital.code}）非定点医疗机构`,
  );
}

/** RB-04: 金额大写 equals the total, and the items add up to it. */
function amountInWordsCheck(caseFile: ReimbursementCase): Check {
  return perReceipt(
    RULES['RB-04'],
    caseFile.receipts,
    (receipt) => {
      const findings: string[] = [];
      const total = toFen(receipt.total);
      const inWords = parseChineseAmount(receipt.totalInWords);
      if (inWords === null) findings.push(`大写金额 ${receipt.totalInWords} 无法识别`);
      else if (inWords !== total) findings.push(`大写金额 ${receipt.totalInWords} ≠ 小写 ${receipt.total}`);
      const itemsTotal = sumFen(receipt.items.map((item) => toFen(item.amount)));
      if (itemsTotal !== total) findings.push(`项目合计 ${formatFen(itemsTotal)} ≠ 合计 ${receipt.total}`);
      return findings;
    },
    '各票据大写金额、项目合计与小写合计一致',
  );
}

/** RB-05: fund + account + cash = total. */
function paymentSplitCheck(caseFile: ReimbursementCase): Check {
  return perReceipt(
    RULES['RB-05'],
    caseFile.receipts,
    (receipt) => {
      const paid = toFen(receipt.fundPaid) + toFen(receipt.accountPaid) + toFen(receipt.cashPaid);
      return paid === toFen(receipt.total)
        ? []
        : [
            `统筹 ${receipt.fundPaid} + 个账 ${receipt.accountPaid} + 现金 ${receipt.cashPaid} = ${formatFen(paid)} ≠ 合计 ${receipt.total}`,
          ];
    },
    '各票据统筹、个账、现金之和等于合计',
  );
}

/** RB-06: nothing was already settled online by the fund. */
function settledCheck(caseFile: ReimbursementCase): Check {
  return perReceipt(
    RULES['RB-06'],
    caseFile.receipts,
    (receipt) => (toFen(receipt.fundPaid) > 0n ? [`统筹基金支付 ${receipt.fundPaid} > 0.00（已联网结算）`] : []),
    '各票据统筹基金支付均为 0.00',
  );
}

/** RB-07: no invoice reimbursed before or twice in this case. */
function duplicateCheck(caseFile: ReimbursementCase): Check {
  const key = (invoice: { code: string; number: string }) => `${invoice.code}\u0000${invoice.number}`;
  const claimed = new Set(caseFile.claimedInvoices.map(key));
  const seen = new Set<string>();
  return perReceipt(
    RULES['RB-07'],
    caseFile.receipts,
    (receipt) => {
      const findings: string[] = [];
      if (claimed.has(key(receipt))) findings.push(`票据代码 ${receipt.code} 号码 ${receipt.number} 已报销`);
      if (seen.has(key(receipt))) findings.push(`票据代码 ${receipt.code} 号码 ${receipt.number} 在本案中重复`);
      seen.add(key(receipt));
      return findings;
    },
    '票据均未报销过且无重复',
  );
}

/** RB-08: 费用明细 add up to the receipts and fall within the stay. */
function detailsCheck(caseFile: ReimbursementCase): Check {
  const { admissionDate, dischargeDate } = caseFile.visit;
  const detailsTotal = sumFen(caseFile.details.map((line) => toFen(line.amount)));
  const receiptsTotal = sumFen(caseFile.receipts.map((receipt) => toFen(receipt.total)));
  const findings: string[] = [];
  if (detailsTotal !== receiptsTotal) findings.push(`费用明细合计 ${formatFen(detailsTotal)} ≠ 票据合计 ${formatFen(receiptsTotal)}`);
  caseFile.details.forEach((line, index) => {
    if (line.date < admissionDate || line.date > dischargeDate) {
      findings.push(`明细 ${index + 1}（${line.name}）日期 ${line.date} 不在 ${admissionDate} 至 ${dischargeDate} 内`);
    }
  });
  return evaluate(
    RULES['RB-08'],
    findings.length > 0,
    findings.length > 0
      ? findings.join('；')
      : `费用明细合计 ${formatFen(detailsTotal)} = 票据合计 ${formatFen(receiptsTotal)}，日期均在就诊期内`,
  );
}

/** RB-09: applied within 12 months of discharge (same day; end of month where that day does not exist). */
function deadlineCheck(caseFile: ReimbursementCase, version: ReimbursementVersion): Check {
  const months = version.limits.claimDeadlineMonths;
  const deadline = addMonthsClamped(caseFile.visit.dischargeDate, months);
  const late = caseFile.applicationDate > deadline;
  return evaluate(
    RULES['RB-09'],
    late,
    `申请日期 ${caseFile.applicationDate} ${late ? '晚于' : '不晚于'}出院日期 ${caseFile.visit.dischargeDate} + ${months} 个月 = ${deadline}`,
  );
}

/** RB-10: receipts issued between admission and 30 days after discharge. */
function issueDateCheck(caseFile: ReimbursementCase, version: ReimbursementVersion): Check {
  const { admissionDate, dischargeDate } = caseFile.visit;
  const graceDays = version.limits.receiptGraceDays;
  const latest = addDays(dischargeDate, graceDays);
  return perReceipt(
    RULES['RB-10'],
    caseFile.receipts,
    (receipt) => {
      if (receipt.issueDate < admissionDate) return [`开票日期 ${receipt.issueDate} 早于入院日期 ${admissionDate}`];
      if (receipt.issueDate > latest) return [`开票日期 ${receipt.issueDate} 晚于出院日期 ${dischargeDate} + ${graceDays} 天 = ${latest}`];
      return [];
    },
    `开票日期均在 ${admissionDate} 至 ${latest} 内`,
  );
}

/**
 * RB-11: OCR confidence of the key fields. Only values present are compared (the rule fails on a
 * value below the threshold); a receipt typed in by hand carries no confidence and is not checked.
 */
function confidenceCheck(caseFile: ReimbursementCase, version: ReimbursementVersion): Check {
  const threshold = Number(version.limits.minConfidence);
  if (caseFile.receipts.every((receipt) => receipt.confidence === undefined)) {
    return skip(RULES['RB-11'], '票据非 OCR 识别，无置信度');
  }
  return perReceipt(
    RULES['RB-11'],
    caseFile.receipts,
    (receipt) =>
      CONFIDENCE_FIELDS.flatMap((field) => {
        const confidence = receipt.confidence?.[field];
        return confidence !== undefined && confidence < threshold
          ? [`${field} 置信度 ${confidence} < ${version.limits.minConfidence}`]
          : [];
      }),
    `关键字段识别置信度均 ≥ ${version.limits.minConfidence}`,
  );
}

/** RB-12: 票据代码 8 digits, 票据号码 10 digits, 校验码 6 hex characters. */
function receiptFormatCheck(caseFile: ReimbursementCase): Check {
  return perReceipt(
    RULES['RB-12'],
    caseFile.receipts,
    (receipt) => {
      const findings: string[] = [];
      if (!/^\d{8}$/.test(receipt.code)) findings.push(`票据代码 ${receipt.code} 不是 8 位数字`);
      if (!/^\d{10}$/.test(receipt.number)) findings.push(`票据号码 ${receipt.number} 不是 10 位数字`);
      if (!/^[0-9a-fA-F]{6}$/.test(receipt.checkCode)) findings.push(`校验码 ${receipt.checkCode} 不是 6 位十六进制`);
      return findings;
    },
    '票据代码、号码、校验码格式正确',
  );
}
