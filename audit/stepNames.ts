import type { AuditStep } from '../store/auditSteps';

/** Chinese names of the audit trail's steps, for every screen and document that shows a trail. */
export const STEP_NAMES: Record<AuditStep, string> = {
  intake: '受理',
  'facts-read': '读取核心系统',
  decided: '规则决定',
  exception: '转人工（异常）',
  'review-opened': '进入审核箱',
  claimed: '认领',
  released: '释放',
  corrected: '更正并重新决定',
  reviewed: '人工决定',
  proposed: '提请复核（待复核）',
  'second-look-approved': '复核同意',
  'second-look-sent-back': '复核退回',
  'act-refused': '拒绝未经证明的操作',
  returned: '退回补正',
  'awaiting-documents': '等待补交材料',
  'documents-supplied': '补交材料',
  'return-expired': '补正逾期（不予受理）',
  'review-reminder': '时限提醒',
  'review-escalated': '超时升级',
  entered: '录入核心系统',
  closed: '办结',
  'notice-issued': '出具告知书',
  'entry-refused': '核心系统拒绝录入',
  'bot-fault': '机器人故障（已重试）',
  'entry-fenced': '录入已拦截（该次尝试已被接替，未提交）',
  // Account administration, in the `_admin` trail (store/userAdmin.ts).
  'user-added': '新增用户',
  'user-disabled': '停用用户',
  'user-enabled': '启用用户',
  'password-reset': '重置密码',
  'user-email-set': '设置通知邮箱',
  // The bureau calendar's years, in the `_admin` trail (store/calendarYears.ts).
  'calendar-imported': '导入工作日历',
  'calendar-replaced': '替换工作日历',
  'calendar-shown': '查看工作日历',
  // Parameter versions, in the `_admin` trail (store/parameterVersions.ts).
  'policy-proposed': '提出参数版本',
  'policy-approved': '批准发布参数版本',
  'policy-refused': '参数版本操作被拒绝',
  // Auditors' acts (console/auditRoutes.ts).
  'audit-verified': '审计：校验哈希链',
  'audit-replayed': '审计：重放案件',
  'audit-exported': '审计：导出轨迹',
  'sample-drawn': '抽检：抽取样本',
  'sample-verdict': '抽检：审计结论',
  // A draft parameter change simulated on recorded decisions, in the `_admin` trail (policy/record.ts).
  'policy-simulated': '模拟参数草案影响',
};
