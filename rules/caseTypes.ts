/**
 * The three businesses of POLICY.md: the token that names each (a case file's `type`, and the type
 * of every record of a case) and the name the bureau reads. It imports nothing, so workflow code
 * may import it as well.
 */
export const CASE_TYPES = ['lump-sum', 'transfer', 'reimbursement'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

export const isCaseType = (value: unknown): value is CaseType =>
  typeof value === 'string' && (CASE_TYPES as readonly string[]).includes(value);

/** The business's name on screens, in result workbooks and in reports. */
export const BUSINESS_NAMES: Readonly<Record<CaseType, string>> = {
  'lump-sum': '趸缴',
  transfer: '关系转移接续',
  reimbursement: '零星报销',
};
