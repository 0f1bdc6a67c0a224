import { BUSINESS_NAMES } from '../rules/caseTypes';
import { maskIdNumbersIn } from '../rules/idNumber';
import { beijingMinute } from '../time/beijing';
import type { NotifyEvent } from './events';

/** What people read of an event: a subject, a body of short lines, and where in the console it is. */
export interface NotifyMessage {
  subject: string;
  body: string;
  /** The console's path (`/cases/…`, `/dashboard`), made absolute in mail when the public URL is known. */
  path: string;
}

const DECISIONS = { approve: '通过', reject: '不予受理' } as const;

/** The case line every case event starts with: 案件编号 and the business's name. */
const caseLine = (e: { caseId: string; caseType: keyof typeof BUSINESS_NAMES }) =>
  `案件编号：${e.caseId}\n业务类型：${BUSINESS_NAMES[e.caseType]}`;

/**
 * The message of an event, in Chinese, times in Beijing time. Anything shaped like a 身份证号 is
 * masked: a message leaves the clerks' screens (mail, a group chat).
 */
export function composeMessage(event: NotifyEvent): NotifyMessage {
  const m = compose(event);
  return { subject: maskIdNumbersIn(m.subject), body: maskIdNumbersIn(m.body), path: m.path };
}

function compose(e: NotifyEvent): NotifyMessage {
  switch (e.kind) {
    case 'review-reminder':
      return {
        subject: `【智审】审核时限提醒：${e.caseId}（${BUSINESS_NAMES[e.caseType]}）今日到期`,
        body: [
          caseLine(e),
          `认领人：${e.holder ?? '尚未认领'}`,
          `办理时限：北京时间 ${beijingMinute(e.deadlineAt)}`,
          '该案件今日到期，请在时限前作出决定；逾期将升级至科长。',
        ].join('\n'),
        path: `/cases/${encodeURIComponent(e.caseId)}`,
      };
    case 'review-escalated':
      return {
        subject: `【智审】审核超时升级：${e.caseId}（${BUSINESS_NAMES[e.caseType]}）`,
        body: [
          caseLine(e),
          `认领人：${e.holder ?? '尚未认领'}`,
          `办理时限：北京时间 ${beijingMinute(e.deadlineAt)}（已超期）`,
          '该案件已超过审核时限，请科长督办或改派。',
        ].join('\n'),
        path: `/cases/${encodeURIComponent(e.caseId)}`,
      };
    case 'second-look':
      return {
        subject: `【智审】待复核：${e.caseId}（${BUSINESS_NAMES[e.caseType]}）`,
        body: [
          caseLine(e),
          `提请人：${e.proposer}`,
          `拟决定：${DECISIONS[e.decision]}${e.amount !== null ? `，金额 ${e.amount} 元` : ''}`,
          `需复核原因：${e.needs.join('；') || '—'}`,
          '该决定须由另一位科长复核后方可生效。',
        ].join('\n'),
        path: `/cases/${encodeURIComponent(e.caseId)}`,
      };
    case 'batch-finished': {
      const o = e.byOutcome;
      return {
        subject: `【智审】批次已完成：${e.batchId}`,
        body: [
          `批次：${e.batchId}`,
          `案件：${e.total} 件（另有无效行 ${e.invalidRows} 行）`,
          `通过 ${o.approve} 件，不予受理 ${o.reject} 件，转人工审核 ${o.review} 件，处理失败 ${o.failed} 件`,
        ].join('\n'),
        path: `/dashboard`,
      };
    }
    case 'batch-failed':
      return {
        subject: `【智审】批次处理失败：${e.batchId}`,
        body: [`批次：${e.batchId}`, `原因：${e.message}`, '请检查该批次的工作簿与日志，处理后可重新提交。'].join('\n'),
        path: `/dashboard`,
      };
    case 'bot-fault-storm':
      return {
        subject: `【智审】核心系统故障告警：${e.minutes} 分钟内机器人故障 ${e.faults} 次`,
        body: [
          `自北京时间 ${beijingMinute(e.since)} 起 ${e.minutes} 分钟内，机器人操作核心经办系统出错 ${e.faults} 次。`,
          ...(e.lastFault ? [`最近一次：${e.lastFault}`] : []),
          '案件会自动重试，不会丢失；请确认核心系统是否可用。',
        ].join('\n'),
        path: `/dashboard`,
      };
  }
}
