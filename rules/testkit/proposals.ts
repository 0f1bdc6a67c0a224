/** Test helpers: parameter version proposals made from the shipped versions. Not used by the engine. */
import { defaultParameters } from '../params';

/** A reimbursement proposal: the shipped 2024-09-01 version re-dated, with a lower level-2 deductible. */
export function reimbursementProposal(effectiveFrom: string, deductibleLevel2 = '400.00'): any {
  const version = structuredClone(defaultParameters.reimbursement.versions.at(-1)!) as any;
  version.effectiveFrom = effectiveFrom;
  version.deductible['2'] = deductibleLevel2;
  version.citation.documentNumber = '示例医保发〔2026〕1号';
  for (const rule of Object.keys(version.citation.articles)) version.citation.articles[rule] = `第${rule.slice(3)}条`;
  return { business: 'reimbursement', version };
}

/** A transfer proposal: the shipped version re-dated, with a shorter waiting period. */
export function transferProposal(effectiveFrom: string, waitingMonths = 3): any {
  const version = structuredClone(defaultParameters.transfer.versions.at(-1)!) as any;
  version.effectiveFrom = effectiveFrom;
  version.waitingMonths = waitingMonths;
  version.citation.documentNumber = '示例医保发〔2026〕2号';
  return { business: 'transfer', version };
}

/** A case file with every date and month from 2020 on moved by `years` (birth dates and older coverage stay). */
export function shiftedYears(caseFile: unknown, years: number): any {
  return JSON.parse(
    JSON.stringify(caseFile).replace(/"(\d{4})-(\d{2})(-\d{2})?"/g, (whole: string, y: string, m: string, d: string | undefined) =>
      Number(y) >= 2020 ? `"${Number(y) + years}-${m}${d ?? ''}"` : whole,
    ),
  );
}
