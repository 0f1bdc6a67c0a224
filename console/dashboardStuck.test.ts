import { describe, expect, it } from 'vitest';
import { stuckCasesSection } from './dashboardStuck';

const links = { workflow: (id: string) => `http://ui/${id}`, batchWorkflows: (id: string) => `http://ui/b/${id}` };

describe('the dashboard card of cases held up by retries', () => {
  it('lists case, step, attempts, since when and the last error, in Beijing time', () => {
    const page = stuckCasesSection(
      {
        steps: [
          {
            workflowId: 'case-LS-1',
            caseId: 'LS-1',
            step: 'enterResult',
            attempts: 12,
            since: '2026-03-02T01:00:00.000Z',
            lastError: '无法连接核心系统: <b>',
            nextAttemptAt: '2026-03-02T02:05:00.000Z',
          },
          {
            workflowId: 'batch-B',
            caseId: null,
            step: 'loadIntake',
            attempts: 3,
            since: '2026-03-02T01:30:00.000Z',
            lastError: null,
            nextAttemptAt: null,
          },
        ],
        checked: 7,
        truncated: false,
      },
      600,
      links,
    ).toString();
    expect(page).toContain('超过 10 分钟');
    expect(page).toMatch(
      /<tr data-case="LS-1" data-step="enterResult">[\s\S]*录入核心系统[\s\S]*12 次[\s\S]*2026-03-02 09:00:00[\s\S]*2026-03-02 10:05:00[\s\S]*无法连接核心系统: &lt;b&gt;/,
    );
    expect(page).toContain('href="http://ui/batch-B"');
  });

  it('says when nothing is held up, and when Temporal could not be asked', () => {
    expect(stuckCasesSection({ steps: [], checked: 3, truncated: false }, 30, links).toString()).toMatch(
      /超过 30 秒[\s\S]*没有（已查看 3 个运行中的流程）/,
    );
    expect(stuckCasesSection({ error: 'connect ECONNREFUSED' }, 600, links).toString()).toContain(
      '无法从 Temporal 读取重试情况：connect ECONNREFUSED',
    );
  });
});
