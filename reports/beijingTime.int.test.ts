import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDashboard, temporalLinks } from '../console/dashboard';
import { loadConfig } from '../config/env';
import { appendEvent, openStore, upsertBatch, upsertCase, type Store } from '../store';
import { recordBatchRows } from '../store/batchRows';
import { sampleEvent } from '../store/testing/sampleEvent';
import { batchStats, listBatchOverviews } from './batchStats';
import { batchSummaryBlocks } from './batchSummary';

/**
 * A batch submitted and decided at 16:30 UTC on 2026-12-01, which is 00:30 on 2026-12-02 in
 * Beijing: the dashboard and the summary PDF show the Beijing date and hour, never the UTC one.
 */
describe('batch figures in Beijing time', () => {
  let store: Store;
  let dir: string;
  const session = {
    id: 's',
    csrfToken: 't',
    user: { username: 'li', displayName: '李经理', role: 'manager' as const, epoch: 0 },
    createdAt: 0,
    lastSeenAt: 0,
    flash: null,
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-beijing-'));
    store = await openStore({ dataDir: path.join(dir, 'store') });
    await upsertBatch(store, {
      batchId: 'b-late',
      workbookSha256: 'a'.repeat(64),
      fileName: 'late.xlsx',
      submittedAt: '2026-12-01T16:30:00Z',
      totalRows: 2,
      status: 'done',
    });
    await recordBatchRows(store, 'b-late', [
      { caseId: 'LS-2026-0001', type: 'lump-sum', sheet: '趸缴', rowNumber: 2, row: {} as never },
      { caseId: 'LS-2026-0002', type: 'lump-sum', sheet: '趸缴', rowNumber: 3, row: {} as never },
    ]);
    // One decided just before Beijing midnight, one just after.
    for (const [caseId, at] of [
      ['LS-2026-0001', '2026-12-01T15:59:00Z'],
      ['LS-2026-0002', '2026-12-01T16:30:00Z'],
    ] as const) {
      await upsertCase(store, {
        caseId,
        type: 'lump-sum',
        batchId: 'b-late',
        workflowId: `case-${caseId}`,
        runId: 'r',
        status: 'closed',
        outcome: 'approve',
        amount: '1.00',
        reasons: [],
        rowNumber: 2,
      });
      await appendEvent(store, sampleEvent({ caseId, workflowId: `case-${caseId}`, at }));
    }
  });
  afterAll(async () => {
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts decisions by Beijing hour', async () => {
    const stats = (await batchStats(store, 'b-late'))!;
    expect(stats.throughput).toEqual([
      { hour: '2026-12-01 23:00', decided: 1 },
      { hour: '2026-12-02 00:00', decided: 1 },
    ]);
  });

  it('the summary PDF shows the submission and generation times in Beijing time', async () => {
    const text = batchSummaryBlocks((await batchStats(store, 'b-late'))!, new Date('2026-12-01T17:00:00Z'))
      .map((b) => b.text)
      .join('\n');
    expect(text).toContain('提交：2026-12-02 00:30:00');
    expect(text).toContain('处理量（每小时，北京时间）');
    expect(text).toContain('2026-12-02 00:00  1');
    expect(text).toContain('生成时间 2026-12-02 01:00:00（北京时间）');
    expect(text).not.toMatch(/UTC|T16:30/);
  });

  it('the dashboard shows Beijing times, and warns while the calendar lacks a year', async () => {
    const config = loadConfig({ ZHISHEN_DATA_DIR: dir });
    const args = {
      session,
      overviews: await listBatchOverviews(store),
      selected: (await batchStats(store, 'b-late'))!,
      links: temporalLinks(config),
    };
    const page = String(renderDashboard(args));
    expect(page).toContain('提交时间（北京时间）');
    expect(page).toContain('<td>2026-12-02 00:30:00</td>');
    expect(page).toContain('处理量（每小时，北京时间）');
    expect(page).not.toContain('UTC');
    expect(page).not.toContain('calendar-warning');
    const warned = String(renderDashboard({ ...args, missingCalendarYears: [2027] }));
    expect(warned).toMatch(/id="calendar-warning"[^>]*data-missing-years="2027"/);
    expect(warned).toContain('工作日历缺少 2027 年');
  });
});
