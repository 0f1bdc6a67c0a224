/**
 * The 零星报销 fund payable (POLICY.md §3 "Computation"), in fen: 甲/乙/丙 classes, deductible,
 * ratio with the remote adjustment, cap left this scheme-year.
 */
import type { ReimbursementCase, ReimbursementDetails } from './schemas';
import type { ReimbursementVersion } from './params';
import type { Fen } from './money';
import { formatFen, maxFen, minFen, toFen } from './money';
import { applyRatios, formatRatio, subtractRatio, toRatio, type Ratio } from './ratio';

export interface ReimbursementPayable {
  readonly eligible: Fen;
  readonly selfPayFirst: Fen;
  readonly selfPayFull: Fen;
  readonly deductible: Fen;
  readonly ratio: Ratio;
  readonly capRemaining: Fen;
  readonly raw: Fen;
  readonly payable: Fen;
}

/** The base ratio of POLICY.md's table for this person and visit, before the remote adjustment. */
function baseRatio(caseFile: ReimbursementCase, version: ReimbursementVersion): Ratio {
  const { person, visit } = caseFile;
  if (visit.kind === 'outpatient') return toRatio(version.outpatientRatio[person.scheme]);
  if (person.scheme === 'resident') return toRatio(version.inpatientRatio.resident);
  if (person.retired) return toRatio(version.inpatientRatio.employeeRetired);
  return toRatio(version.inpatientRatio.employeeInService[visit.hospital.level]);
}

/** Computes eligible, self-pay, deductible, ratio, cap remaining and payable exactly in fen. */
export function computePayable(caseFile: ReimbursementCase, version: ReimbursementVersion): ReimbursementPayable {
  const bFirstPay = toRatio(version.bFirstPay);
  let eligible = 0n;
  let selfPayFirst = 0n;
  let selfPayFull = 0n;
  for (const line of caseFile.details) {
    const amount = toFen(line.amount);
    if (line.class === 'C') {
      selfPayFull += amount;
    } else if (line.class === 'B') {
      // 乙类先行自付 is rounded per line, as each line is settled on its own.
      const first = applyRatios(amount, bFirstPay);
      selfPayFirst += first;
      eligible += amount - first;
    } else {
      eligible += amount;
    }
  }
  const { visit, person } = caseFile;
  const deductible = visit.kind === 'inpatient' ? toFen(version.deductible[visit.hospital.level]) : 0n;
  const ratio = subtractRatio(baseRatio(caseFile, version), toRatio(version.remoteAdjustment[visit.remote]));
  const raw = applyRatios(maxFen(0n, eligible - deductible), ratio);
  const cap = toFen(version.cap[visit.kind][person.scheme]);
  const capRemaining = maxFen(0n, cap - toFen(caseFile.yearToDate.fundPaid));
  const payable = minFen(raw, capRemaining);
  return { eligible, selfPayFirst, selfPayFull, deductible, ratio, capRemaining, raw, payable };
}

/** The decision's `details` for a reimbursement. */
export function payableDetails(computed: ReimbursementPayable): ReimbursementDetails {
  return {
    eligible: formatFen(computed.eligible),
    selfPayFirst: formatFen(computed.selfPayFirst),
    selfPayFull: formatFen(computed.selfPayFull),
    deductible: formatFen(computed.deductible),
    ratio: formatRatio(computed.ratio),
    capRemaining: formatFen(computed.capRemaining),
    payable: formatFen(computed.payable),
  };
}
