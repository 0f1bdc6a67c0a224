/**
 * Every rule of POLICY.md in document order, with its severity and, where the rulebook names
 * one, its legal basis. Document order is the order of `checks` and of `reasons`.
 */
import type { CaseType } from './caseTypes';
import type { Severity } from './schemas';

export interface RuleDefinition {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly basis?: string;
  /** A check a decision carries only when it fails (older decisions never had it, and re-decide identically). */
  readonly onlyWhenFailing?: true;
}

const rule = (id: string, severity: Severity, title: string, basis?: string): RuleDefinition =>
  basis === undefined ? { id, severity, title } : { id, severity, title, basis };

export const COMMON_RULES = {
  'CM-01': rule('CM-01', 'review', '身份证号'),
} as const;

export const LUMP_SUM_RULES = {
  'LS-01': rule('LS-01', 'reject', '参保险种为职工'),
  'LS-02': rule('LS-02', 'reject', '已办理退休'),
  'LS-03': rule('LS-03', 'review', '退休类型'),
  'LS-04': rule('LS-04', 'review', '提前退休'),
  'LS-05': rule('LS-05', 'review', '视同缴费年限认定'),
  'LS-06': rule('LS-06', 'reject', '转移接续办结'),
  'LS-07': rule('LS-07', 'reject', '欠费'),
  'LS-08': rule('LS-08', 'reject', '缴费年限差额'),
} as const;

export const TRANSFER_RULES = {
  'TR-01': rule('TR-01', 'reject', '退休人员', '医保办发〔2021〕43号'),
  'TR-02': rule('TR-02', 'reject', '转出地中止参保'),
  'TR-03': rule('TR-03', 'reject', '转入地参保'),
  'TR-04': rule('TR-04', 'reject', '居民医保同年转移'),
  'TR-05': rule('TR-05', 'review', '重复参保'),
  'TR-06': rule('TR-06', 'review', '个人账户资金'),
  'TR-07': { ...rule('TR-07', 'review', '办结时限工作日历'), onlyWhenFailing: true },
} as const;

export const REIMBURSEMENT_RULES = {
  'RB-01': rule('RB-01', 'review', '交款人'),
  'RB-02': rule('RB-02', 'reject', '参保期与等待期'),
  'RB-03': rule('RB-03', 'reject', '定点医疗机构'),
  'RB-04': rule('RB-04', 'review', '大写金额与明细'),
  'RB-05': rule('RB-05', 'review', '支付构成'),
  'RB-06': rule('RB-06', 'reject', '已联网结算'),
  'RB-07': rule('RB-07', 'reject', '重复报销'),
  'RB-08': rule('RB-08', 'review', '费用明细'),
  'RB-09': rule('RB-09', 'reject', '申报期限'),
  'RB-10': rule('RB-10', 'review', '开票日期'),
  'RB-11': rule('RB-11', 'review', '识别置信度'),
  'RB-12': rule('RB-12', 'review', '票据格式'),
  'RB-13': rule('RB-13', 'review', '大额'),
} as const;

/** The rules that apply to a business, in document order (CM-01 first), those only shown when failing included. */
export function rulesOf(type: CaseType): RuleDefinition[] {
  const business = type === 'lump-sum' ? LUMP_SUM_RULES : type === 'transfer' ? TRANSFER_RULES : REIMBURSEMENT_RULES;
  return [...Object.values(COMMON_RULES), ...Object.values(business)];
}

/** Every rule of every business, in document order (CM-01 first, then 趸缴, 关系转移接续, 零星报销). */
export const ALL_RULES: readonly RuleDefinition[] = [COMMON_RULES, LUMP_SUM_RULES, TRANSFER_RULES, REIMBURSEMENT_RULES].flatMap((rules) =>
  Object.values(rules),
);

const RULES_BY_ID: ReadonlyMap<string, RuleDefinition> = new Map(ALL_RULES.map((r) => [r.id, r]));

/** The rule with this ID, whatever its business; undefined for an ID the rulebook does not have (an exception code). */
export const ruleById = (id: string): RuleDefinition | undefined => RULES_BY_ID.get(id);
