/**
 * The core system's words for coded values, as its screens show them, and back. The bots keep their
 * own copy: they are written against the screens, and a changed word must fail loudly, not silently.
 */
export const SCHEME_WORDS = { 职工基本医疗保险: 'employee', 城乡居民基本医疗保险: 'resident' } as const;
export const SEX_WORDS = { 男: 'M', 女: 'F' } as const;
export const WORK_STATUS_WORDS = { 退休: true, 在职: false } as const;
export const RETIREMENT_KIND_WORDS = {
  正常退休: 'normal',
  因病提前退休: 'illness',
  特殊工种提前退休: 'special-occupation',
} as const;
export const TRANSFER_STATUS_WORDS = { 无转移: 'none', 已办结: 'completed', 办理中: 'pending' } as const;
export const DEEMED_WORDS = { 已认定: true, 未认定: false } as const;
export const FROM_STATUS_WORDS = { 已中止参保: 'suspended', 参保缴费中: 'active', 已终止参保: 'terminated' } as const;
export const TO_STATUS_WORDS = { 参保缴费: 'active', 未参保: 'none' } as const;
export const VISIT_KIND_WORDS = { 住院: 'inpatient', 门诊: 'outpatient' } as const;
export const HOSPITAL_LEVEL_WORDS = { 一级: 1, 二级: 2, 三级: 3 } as const;
export const YES_NO_WORDS = { 是: true, 否: false } as const;
export const RECORD_STATUS_WORDS = { 正常: false, 锁定: true } as const;
export const OUTCOME_WORDS = { 审核通过: 'approve', 审核不通过: 'reject', 转人工复核: 'review' } as const;
export const BUSINESS_WORDS = { 趸缴核定: 'lump-sum', 转移接续转入: 'transfer', 零星报销登记: 'reimbursement' } as const;

/** The select options of 审核结果 by outcome, as the entry forms label them. */
export const OUTCOME_OPTION_LABELS = { approve: '审核通过', reject: '审核不通过', review: '转人工复核' } as const;
