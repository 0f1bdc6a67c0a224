/** Notifications through a real store to a local SMTP server and a local webhook: content, recipients, outages, duplicates. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { backendKinds, type TestBackend } from '../store/testing/backends';
import { describeEachBackend } from '../store/testing/onPostgres';
import { createLogger } from '../logging/logger';
import { appendEvent, createUser, setDisabledAsAdmin, type Store } from '../store';
import { listOutbox } from '../store/notificationOutbox';
import { listNotifications, markNotificationsRead, unreadNotifications } from '../store/notificationInbox';
import { setEmailAsAdmin } from '../store/userEmail';
import { configuredSenders, deliverDue } from './deliver';
import { createNotifier } from './notifier';
import { notifySettings } from './settings';
import { startHttpSink, startSmtpSink } from './testing';

const FULL_ID = '440402199001011234';
const admin = { actor: { kind: 'system' as const, name: 'cli:test' }, via: 'cli' as const };

describeEachBackend(backendKinds, 'notifications by mail and webhook ($name)', (kind) => {
  let backend: TestBackend;
  let store: Store;
  let dataDir: string;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let hook: Awaited<ReturnType<typeof startHttpSink>>;
  let settings: ReturnType<typeof notifySettings>;
  let logger: ReturnType<typeof createLogger>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-notify-'));
    backend = kind.create();
    store = await backend.open();
    logger = createLogger('notify-test', { terminal: false, logDir: path.join(dataDir, 'logs') });
    const people: [string, 'clerk' | 'supervisor' | 'manager', string | null][] = [
      ['wang.clerk', 'clerk', 'wang@bureau.example'],
      ['li.sup', 'supervisor', 'li@bureau.example'],
      ['zhao.sup', 'supervisor', 'zhao@bureau.example'],
      ['sun.sup', 'supervisor', null],
      ['old.sup', 'supervisor', 'old@bureau.example'],
      ['chen.mgr', 'manager', 'chen@bureau.example'],
      ['other.clerk', 'clerk', 'other@bureau.example'],
    ];
    for (const [username, role, email] of people) {
      await createUser(store, { username, displayName: username, role, password: 'a long password 1' });
      if (email) expect(await setEmailAsAdmin(store, admin, username, email)).toBe(true);
    }
    await setDisabledAsAdmin(store, admin, 'old.sup', true);
    smtp = await startSmtpSink();
    hook = await startHttpSink();
    settings = notifySettings({
      ZHISHEN_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      ZHISHEN_MAIL_FROM: '智审 <zhishen@bureau.example>',
      ZHISHEN_NOTIFY_WEBHOOK_URL: hook.url,
      ZHISHEN_NOTIFY_FAULT_STORM_COUNT: '3',
      ZHISHEN_NOTIFY_FAULT_STORM_MINUTES: '10',
    });
  });
  afterAll(async () => {
    await smtp?.close();
    await hook?.close();
    await store?.close();
    await backend?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const notifier = () => createNotifier({ store, settings, logger, consoleUrl: 'https://zhishen.bureau.example' });
  const mailsFor = (prefix: string) => smtp.mails.filter((m) => m.headers['x-zhishen-event']?.startsWith(prefix));

  it('sends an SLA reminder once to the holder and the enabled supervisors, in Chinese, however often it is produced', async () => {
    const event = {
      kind: 'review-reminder' as const,
      key: 'LS-2024-0006/review-1/reminder-3',
      caseId: 'LS-2024-0006',
      caseType: 'lump-sum' as const,
      deadlineAt: '2026-12-08T09:30:00.000Z',
      holder: 'wang.clerk',
    };
    await notifier().notify(event);
    await notifier().notify(event); // a retried activity
    const done = await deliverDue(store, configuredSenders(settings));
    expect(done).toEqual({ sent: 4, retrying: 0, failed: 0 });
    const mails = mailsFor('review-reminder/LS-2024-0006/');
    expect(
      mails
        .map((m) => m.to)
        .flat()
        .sort(),
    ).toEqual(['li@bureau.example', 'wang@bureau.example', 'zhao@bureau.example']);
    for (const m of mails) {
      expect(m.from).toBe('zhishen@bureau.example');
      expect(m.subject).toBe('【智审】审核时限提醒：LS-2024-0006（趸缴）今日到期');
      expect(m.text).toContain('业务类型：趸缴');
      expect(m.text).toContain('认领人：wang.clerk');
      expect(m.text).toContain('办理时限：北京时间 2026-12-08 17:30');
      expect(m.text).toContain('查看：https://zhishen.bureau.example/cases/LS-2024-0006');
    }
    expect(hook.posts).toHaveLength(1);
    expect(hook.posts[0]!.body).toMatchObject({ msgtype: 'text', text: { content: expect.stringContaining('审核时限提醒') } });
    expect(hook.posts[0]!.headers['x-zhishen-event']).toBe('review-reminder/LS-2024-0006/review-1/reminder-3');
    // The console's list: the enabled supervisors without an address too, never the disabled one.
    for (const u of ['wang.clerk', 'li.sup', 'zhao.sup', 'sun.sup']) expect(await unreadNotifications(store, u)).toBe(1);
    expect(await unreadNotifications(store, 'old.sup')).toBe(0);
    expect(await unreadNotifications(store, 'other.clerk')).toBe(0);
    // Nothing more to send: a second run sends nothing again.
    expect(await deliverDue(store, configuredSenders(settings))).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(mailsFor('review-reminder/LS-2024-0006/')).toHaveLength(3);
  });

  it('asks the other supervisors for a second look, and never carries a full 身份证号', async () => {
    await notifier().notify({
      kind: 'second-look',
      key: 'TR-2024-0100/review-1/proposal-4',
      caseId: 'TR-2024-0100',
      caseType: 'transfer',
      proposer: 'li.sup',
      decision: 'approve',
      amount: '52000.00',
      needs: [`RB-13 大额，需双人复核（参保人 ${FULL_ID}）`],
    });
    await deliverDue(store, configuredSenders(settings));
    const mails = mailsFor('second-look/TR-2024-0100/');
    expect(mails.map((m) => m.to).flat()).toEqual(['zhao@bureau.example']);
    const [mail] = mails;
    expect(mail!.subject).toBe('【智审】待复核：TR-2024-0100（关系转移接续）');
    expect(mail!.text).toContain('拟决定：通过，金额 52000.00 元');
    expect(mail!.text).toContain('440402********1234');
    expect(mail!.raw).not.toContain(FULL_ID);
    expect(JSON.stringify(hook.posts)).not.toContain(FULL_ID);
    const [listed] = await listNotifications(store, 'zhao.sup');
    expect(listed!.body).not.toContain(FULL_ID);
    expect(await unreadNotifications(store, 'li.sup')).toBe(1); // the reminder only
  });

  it('keeps mail pending while the mail server is down and delivers it once when it is back', async () => {
    const port = smtp.port;
    await smtp.close();
    const event = {
      kind: 'batch-finished' as const,
      key: 'B-outage',
      batchId: 'B-outage',
      total: 10,
      invalidRows: 1,
      byOutcome: { approve: 6, reject: 2, review: 1, failed: 1 },
    };
    await notifier().notify(event);
    let clock = Date.now();
    const senders = configuredSenders(settings);
    const run = () => deliverDue(store, senders, { now: () => new Date(clock) });
    expect(await run()).toEqual({ sent: 1, retrying: 1, failed: 0 }); // the webhook went, the mail did not
    let [row] = (await listOutbox(store, 'batch-finished/B-outage')).filter((r) => r.channel === 'email');
    expect(row).toMatchObject({ status: 'pending', attempts: 1, recipient: 'chen.mgr' });
    expect(row!.lastError).toMatch(/SMTP/);
    // Before its back-off has passed it is not tried; after, it is tried again and stays pending.
    expect(await run()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    clock += 31_000;
    expect(await run()).toEqual({ sent: 0, retrying: 1, failed: 0 });
    smtp = await startSmtpSink(port);
    clock += 61_000;
    expect(await run()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    clock += 3_600_000;
    expect(await run()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    const mails = mailsFor('batch-finished/B-outage');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['chen@bureau.example']);
    expect(mails[0]!.subject).toBe('【智审】批次已完成：B-outage');
    expect(mails[0]!.text).toContain('通过 6 件，不予受理 2 件，转人工审核 1 件，处理失败 1 件');
    [row] = (await listOutbox(store, 'batch-finished/B-outage')).filter((r) => r.channel === 'email');
    expect(row).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('never lets two deliverers send the same row', async () => {
    await notifier().notify({ kind: 'batch-failed', key: 'B-race', batchId: 'B-race', message: 'workbook unreadable' });
    const senders = configuredSenders(settings);
    const results = await Promise.all([deliverDue(store, senders), deliverDue(store, senders), deliverDue(store, senders)]);
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(2); // chen's mail and the webhook
    expect(mailsFor('batch-failed/B-race')).toHaveLength(1);
    expect(mailsFor('batch-failed/B-race')[0]!.subject).toBe('【智审】批次处理失败：B-race');
  });

  it('gives up a message the webhook refuses, and retries one it could not take', async () => {
    hook.status = 400;
    await notifier().notify({ kind: 'batch-failed', key: 'B-refused', batchId: 'B-refused', message: 'x' });
    await deliverDue(store, configuredSenders(settings));
    const [refused] = (await listOutbox(store, 'batch-failed/B-refused')).filter((r) => r.channel === 'webhook');
    expect(refused).toMatchObject({ status: 'failed' });
    hook.status = 503;
    await notifier().notify({ kind: 'batch-failed', key: 'B-busy', batchId: 'B-busy', message: 'x' });
    await deliverDue(store, configuredSenders(settings));
    const [busy] = (await listOutbox(store, 'batch-failed/B-busy')).filter((r) => r.channel === 'webhook');
    expect(busy).toMatchObject({ status: 'pending' });
    hook.status = 200;
  });

  it('tells the managers of a storm of bot faults once per window, not of a single fault', async () => {
    // Early in a window of the clock, so that both checks below fall in the same one.
    const at = new Date('2026-12-01T10:03:00.000Z');
    const fault = (i: number) =>
      appendEvent(store, {
        caseId: `LS-2024-09${String(i).padStart(2, '0')}`,
        workflowId: 'case-x',
        runId: 'r',
        step: 'bot-fault',
        actor: { kind: 'bot', name: 'bot', version: '1' },
        at: new Date(at.getTime() - i * 1000).toISOString(),
        inputs: { step: 'readFacts', attempt: 1 },
        ruleSetVersion: null,
        outcome: { kind: 'timeout', message: `核心系统无响应 ${i}`, retried: true },
        evidence: [],
        idempotencyKey: `bot-fault/${i}`,
      });
    await fault(1);
    await notifier().botFault(at);
    expect(await listOutbox(store, 'bot-fault-storm/')).toEqual([]);
    await fault(2);
    await fault(3);
    await notifier().botFault(at);
    await notifier().botFault(new Date(at.getTime() + 1000));
    await deliverDue(store, configuredSenders(settings));
    const mails = mailsFor('bot-fault-storm/');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['chen@bureau.example']);
    expect(mails[0]!.subject).toBe('【智审】核心系统故障告警：10 分钟内机器人故障 3 次');
    expect(mails[0]!.text).toContain('最近一次：核心系统无响应 1');
  });

  it('marks only the person’s own notifications read', async () => {
    const [mine] = await listNotifications(store, 'zhao.sup');
    expect(await markNotificationsRead(store, 'wang.clerk', mine!.id, new Date())).toBe(0);
    expect(await markNotificationsRead(store, 'zhao.sup', mine!.id, new Date())).toBe(1);
    expect(await markNotificationsRead(store, 'zhao.sup', 'all', new Date())).toBe(1);
    expect(await unreadNotifications(store, 'zhao.sup')).toBe(0);
  });
});
