import { describe, expect, it } from 'vitest';
import { composeMessage } from './messages';

describe('notification messages', () => {
  it('an escalation names the case, its business and the deadline in Beijing time', () => {
    const m = composeMessage({
      kind: 'review-escalated',
      key: 'RE-2024-0001/review-1/escalation-5',
      caseId: 'RE-2024-0001',
      caseType: 'reimbursement',
      deadlineAt: '2026-12-08T09:30:00.000Z',
      holder: null,
    });
    expect(m.subject).toBe('【智审】审核超时升级：RE-2024-0001（零星报销）');
    expect(m.body.split('\n')).toEqual([
      '案件编号：RE-2024-0001',
      '业务类型：零星报销',
      '认领人：尚未认领',
      '办理时限：北京时间 2026-12-08 17:30（已超期）',
      '该案件已超过审核时限，请科长督办或改派。',
    ]);
    expect(m.path).toBe('/cases/RE-2024-0001');
  });

  it('masks every 身份证号 in subject and body, wherever it came from', () => {
    const m = composeMessage({
      kind: 'batch-failed',
      key: 'B-110101199003074514',
      batchId: 'B-110101199003074514',
      message: 'row 3: 身份证号 44040219900101123X does not match',
    });
    expect(m.subject).toBe('【智审】批次处理失败：B-110101********4514');
    expect(m.body).toContain('身份证号 440402********123X does not match');
    expect(m.subject + m.body).not.toMatch(/\d{17}[\dX]/);
  });

  it('a storm says how many faults in how many minutes, from when', () => {
    const m = composeMessage({
      kind: 'bot-fault-storm',
      key: '2026-12-01T02:00:00.000Z',
      faults: 25,
      minutes: 10,
      since: '2026-12-01T02:00:00.000Z',
      lastFault: null,
    });
    expect(m.subject).toBe('【智审】核心系统故障告警：10 分钟内机器人故障 25 次');
    expect(m.body).toContain('自北京时间 2026-12-01 10:00 起 10 分钟内，机器人操作核心经办系统出错 25 次。');
    expect(m.body).not.toContain('最近一次');
  });
});
