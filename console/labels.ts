/** Chinese names of what the console shows: businesses, outcomes, steps, roles, SLA states, computed values. */
import { BUSINESS_NAMES } from '../rules/caseTypes';
import type { Role } from '../store';
import { beijingTime } from '../time/beijing';

export const TYPE_LABELS: Record<string, string> = BUSINESS_NAMES;
export const OUTCOME_LABELS: Record<string, string> = { approve: '通过', reject: '不予受理', review: '转人工审核' };
export const DECISION_LABELS: Record<string, string> = { approve: '通过', reject: '不予受理', return: '退回补正' };
export const STATUS_LABELS: Record<string, string> = {
  running: '办理中',
  review: '待人工审核',
  decided: '已决定，待录入核心系统',
  returned: '已退回补正，等待补交材料',
  closed: '已办结',
  failed: '失败',
};
export const REVIEW_STATUS_LABELS: Record<string, string> = {
  awaiting: '待认领',
  claimed: '已认领',
  proposed: '待复核',
  decided: '已决定',
  returned: '已退回补正',
};
export const SLA_LABELS: Record<string, string> = { 'on-time': '按时', 'due-soon': '即将到期', overdue: '已超期' };
export const ROLE_LABELS: Record<Role, string> = {
  clerk: '经办员',
  supervisor: '科长',
  manager: '经理',
  auditor: '审计员',
  admin: '系统管理员',
};
export const RESULT_LABELS: Record<string, string> = { pass: '通过', fail: '未通过', skip: '不适用' };
export const SEVERITY_LABELS: Record<string, string> = { reject: '不予受理', review: '转人工', info: '信息' };

export { STEP_NAMES as STEP_LABELS } from '../audit/stepNames';

/** The computed values of a decision (POLICY.md `details`), per business. */
export const DETAIL_LABELS: Record<string, string> = {
  statutoryMonth: '法定退休月份',
  cumulativeMonths: '累计缴费月数',
  requiredMonths: '应缴月数',
  shortfallMonths: '差额月数',
  base: '缴费基数',
  rate: '费率',
  gapMonths: '中断月数',
  waitingMonths: '等待期月数',
  benefitStartMonth: '待遇起始月',
  mergedMonths: '合并计算月数',
  dueDate: '办结时限',
  eligible: '符合范围费用',
  selfPayFirst: '先行自付',
  selfPayFull: '全自费',
  deductible: '起付线',
  ratio: '报销比例',
  capRemaining: '剩余封顶额',
  payable: '应付金额',
};

/** The receipt fields of RECEIPTS.md. */
export const RECEIPT_FIELD_LABELS: Record<string, string> = {
  code: '票据代码',
  number: '票据号码',
  checkCode: '校验码',
  issueDate: '开票日期',
  payerName: '交款人',
  payerId: '交款人证件号',
  hospitalName: '收款单位',
  total: '合计（小写）',
  totalInWords: '合计（大写）',
  items: '项目',
  fundPaid: '统筹基金支付',
  accountPaid: '个人账户支付',
  cashPaid: '个人现金支付',
};

/** A label, or the key itself when there is none. */
export const label = (labels: Record<string, string>, key: string | null | undefined): string => (key ? (labels[key] ?? key) : '—');

/** Enumerated values of case files and applications, by field name. */
export const VALUE_LABELS: Record<string, Record<string, string>> = {
  type: TYPE_LABELS,
  sex: { M: '男', F: '女' },
  scheme: { employee: '职工医保', resident: '居民医保' },
  kind: { normal: '正常退休', illness: '病退', 'special-occupation': '特殊工种', inpatient: '住院', outpatient: '门诊' },
  visitKind: { inpatient: '住院', outpatient: '门诊' },
  transferStatus: { none: '无', completed: '已办结', pending: '办理中' },
  status: { suspended: '中止参保', active: '参保中', terminated: '终止参保', none: '未参保' },
  remote: { local: '本地', filed: '已备案', referral: '转诊', unfiled: '未备案' },
};

/** A time as the bureau reads it: Beijing time, to the second (time/beijing.ts). */
export const bureauTime = (iso: string | null | undefined): string => beijingTime(iso);
