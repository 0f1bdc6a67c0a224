/**
 * Notifications on the real stack: a batch run by a worker process on the Temporal dev server tells
 * the managers by mail (a local SMTP server) and by webhook when it finishes, and when it fails.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sha256File } from '../activities/hashing';
import { generateCases, writeIntakeWorkbook } from '../fixtures/generate';
import { seedCaseFiles } from '../fixtures/legacy-system';
import { startTestStack, type TestStack } from '../harness/stack';
import { createUser } from '../store/users';
import { listNotifications } from '../store/notificationInbox';
import { setEmailAsAdmin } from '../store/userEmail';
import { TASK_QUEUES, type BatchProgress } from '../workflows/types';
import { startHttpSink, startSmtpSink } from './testing';

describe('notifications of batches on the real stack', () => {
  let stack: TestStack;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let hook: Awaited<ReturnType<typeof startHttpSink>>;
  let workbook: string;

  beforeAll(async () => {
    stack = await startTestStack();
    smtp = await startSmtpSink();
    hook = await startHttpSink();
    const admin = { actor: { kind: 'system' as const, name: 'cli:test' }, via: 'cli' as const };
    await createUser(stack.store, { username: 'chen.mgr', displayName: '陈处长', role: 'manager', password: 'a long password 1' });
    await setEmailAsAdmin(stack.store, admin, 'chen.mgr', 'chen@bureau.example');
    const caseFiles = generateCases({ seed: 20261201, count: 3, types: ['lump-sum'] }).map((g) => g.caseFile);
    seedCaseFiles(stack.dataDir, caseFiles);
    workbook = path.join(stack.dataDir, 'intake.xlsx');
    await writeIntakeWorkbook(workbook, caseFiles, { invalidRows: 0 });
    await stack.startWorker({
      ZHISHEN_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      ZHISHEN_MAIL_FROM: '智审 <zhishen@bureau.example>',
      ZHISHEN_NOTIFY_WEBHOOK_URL: hook.url,
      ZHISHEN_NOTIFY_INTERVAL_SECONDS: '1',
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await smtp?.close();
    await hook?.close();
  });

  it('a finished batch reaches the managers by mail and webhook, once', async () => {
    const batchId = 'e2e-notify';
    const handle = await stack.client.workflow.start('batchWorkflow', {
      taskQueue: TASK_QUEUES.default,
      workflowId: `batch-${batchId}`,
      args: [{ batchId, workbook: { path: workbook, sha256: await sha256File(workbook), fileName: 'intake.xlsx' }, concurrency: 2 }],
    });
    const result = (await handle.result()) as BatchProgress;
    expect(result.finished).toBe(true);
    const mail = await vi.waitFor(
      () => {
        const found = smtp.mails.find((m) => m.subject === `【智审】批次已完成：${batchId}`);
        expect(found).toBeDefined();
        return found!;
      },
      { timeout: 60_000, interval: 200 },
    );
    expect(mail.to).toEqual(['chen@bureau.example']);
    const o = result.byOutcome;
    expect(mail.text).toContain(`案件：3 件（另有无效行 0 行）`);
    expect(mail.text).toContain(`通过 ${o.approve} 件，不予受理 ${o.reject} 件，转人工审核 ${o.review} 件，处理失败 ${o.failed} 件`);
    await vi.waitFor(() => expect(hook.posts.some((p) => JSON.stringify(p.body).includes(`批次已完成：${batchId}`))).toBe(true), {
      timeout: 30_000,
    });
    const [listed] = await listNotifications(stack.store, 'chen.mgr');
    expect(listed).toMatchObject({ kind: 'batch-finished', subject: `【智审】批次已完成：${batchId}` });
    // Rounds keep running every second: the message is not sent again.
    await new Promise((r) => setTimeout(r, 2500));
    expect(smtp.mails.filter((m) => m.subject === `【智审】批次已完成：${batchId}`)).toHaveLength(1);
  });

  it('a batch that fails (its workbook changed after submission) reaches the managers too', async () => {
    const batchId = 'e2e-notify-failed';
    const handle = await stack.client.workflow.start('batchWorkflow', {
      taskQueue: TASK_QUEUES.default,
      workflowId: `batch-${batchId}`,
      args: [{ batchId, workbook: { path: workbook, sha256: '0'.repeat(64), fileName: 'intake.xlsx' } }],
    });
    await expect(handle.result()).rejects.toThrow();
    const mail = await vi.waitFor(
      () => {
        const found = smtp.mails.find((m) => m.subject === `【智审】批次处理失败：${batchId}`);
        expect(found).toBeDefined();
        return found!;
      },
      { timeout: 60_000, interval: 200 },
    );
    expect(mail.to).toEqual(['chen@bureau.example']);
    expect(mail.text).toContain('content changed since submission');
  });
});
