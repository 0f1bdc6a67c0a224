import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities, legacyBotActivities } from '../activities';
import { createReviewActivities } from '../activities/review';
import { noticeActivities } from '../notices/activities';
import { auditActivities } from '../audit/activities';
import { withLeanCase } from '../activities/leanCase';
import { seedLegacy } from '../fixtures/legacy-system';
import { loadConfig } from '../config/env';
import { readIntakeWorkbook } from '../intake/readWorkbook';
import { writeIntakeWorkbook } from '../fixtures/generate';
import { createLogger } from '../logging/logger';
import type { CaseFile } from '../rules/schemas';
import { openStore, type Store } from '../store';
import { appendEvent, listEvents } from '../store/auditTrail';
import { supplyDocuments } from '../temporal/supplyDocuments';
import { getCase } from '../store/caseRegister';
import { listReviewInbox } from '../store/reviewQueue';
import { verifyChain } from '../store/verifyChain';
import { temporalTestServerPath } from '../temporal/binaries';
import { ensureSearchAttributes } from '../temporal/namespace';
import { bundleWorkflows } from '../worker';
import { claimUpdate, reviewStateQuery, reviewUpdate } from '../workflows/messages';
import { actSigningKey } from '../security/actKeys';
import { signAct } from '../security/humanActs';
import { createUser } from '../store/users';
import { reviewActions, type ActionResult, type ReviewActions } from '../temporal/reviewActions';
import { must } from './clerks';
import { TASK_QUEUES, type CaseInput, type CaseRowRef } from '../workflows/types';
import { sha256File } from '../activities/hashing';
import { browserCoreSystem } from '../activities/coreSystem';
import { createBrowserPool, type BrowserPool } from '../bots';
import { startLegacySystem, type RunningLegacySystem } from '../fixtures/legacy-system/server';
import { legacyDataFile } from '../fixtures/legacy-system/records';
import { STAND_IN_DEFAULT_CREDENTIALS } from '../fixtures/legacy-system/credentials';
import { createNotifier } from '../notifications/notifier';
import { notifySettings } from '../notifications/settings';
import { configuredSenders, deliverDue } from '../notifications/deliver';
import { startSmtpSink } from '../notifications/testing';
import { setEmailAsAdmin } from '../store/userEmail';

const EXAMPLES = path.join(import.meta.dirname, '..', 'fixtures', 'examples');
const PEOPLE = [
  { username: 'clerk.a', displayName: '甲经办', role: 'clerk' },
  { username: 'clerk.b', displayName: '乙经办', role: 'clerk' },
  { username: 'chief', displayName: '王科长', role: 'supervisor' },
  { username: 'chief2', displayName: '李科长', role: 'supervisor' },
  { username: 'audit', displayName: '审计员', role: 'auditor' },
  { username: 'gone', displayName: '已离职', role: 'clerk' },
] as const;

/**
 * The review stage of a case on Temporal's time-skipping test server: SLA reminder and escalation
 * days later in a few seconds, claims, refusals, corrections, decisions, return for documents.
 */
describe('exception review in the case workflow', () => {
  let env: TestWorkflowEnvironment;
  let store: Store;
  let dataDir: string;
  let bundle: WorkflowBundle;
  let rows: Map<string, CaseRowRef>;
  let workbookRef: CaseInput['workbook'];
  let worker: Worker;
  let botWorker: Worker;
  let running: Promise<void>;
  let legacy: RunningLegacySystem;
  let pool: BrowserPool;
  let acts: ReviewActions;
  let signingKey: crypto.KeyObject;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let notify: ReturnType<typeof notifySettings>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-review-'));
    // Two more cases of the same shape as worked examples, under case IDs of their own.
    const copies = [
      ['LS-2024-0006', 'LS-2024-9006'],
      ['LS-2024-0008', 'LS-2024-9008'],
      ['LS-2025-0002', 'LS-2025-9002'],
    ].map(([from, to]) => {
      const file = path.join(dataDir, `${to}.json`);
      fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(EXAMPLES, `${from}.json`), 'utf8')), caseId: to }));
      return file;
    });
    const files = [
      ...['LS-2024-0006', 'LS-2024-0008', 'TR-2026-0015', 'LS-2025-0002', 'LS-2025-0007'].map((id) => path.join(EXAMPLES, `${id}.json`)),
      ...copies,
    ];
    seedLegacy(dataDir, files);
    const caseFiles = files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as CaseFile);
    const workbook = path.join(dataDir, 'intake.xlsx');
    await writeIntakeWorkbook(workbook, caseFiles);
    workbookRef = { path: workbook, sha256: await sha256File(workbook), fileName: 'intake.xlsx' };
    rows = new Map(
      (await readIntakeWorkbook(workbook)).rows.map((r) => [
        r.caseId,
        { caseId: r.caseId, type: r.type, sheet: r.sheet, rowNumber: r.rowNumber, row: r },
      ]),
    );

    store = await openStore({ dataDir });
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
    });
    await ensureSearchAttributes(env.connection, 'default');
    const logger = createLogger('review-test', { terminal: false });
    const config = loadConfig({ ZHISHEN_DATA_DIR: dataDir });
    legacy = await startLegacySystem({ dataFile: legacyDataFile(dataDir), port: 0, users: [STAND_IN_DEFAULT_CREDENTIALS] });
    pool = createBrowserPool({
      size: 2,
      legacyUrl: legacy.url,
      credentials: STAND_IN_DEFAULT_CREDENTIALS,
      evidenceDir: path.join(dataDir, 'evidence'),
    });
    smtp = await startSmtpSink();
    notify = notifySettings({ ZHISHEN_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, ZHISHEN_MAIL_FROM: 'zhishen@bureau.example' });
    const notifier = createNotifier({ store, settings: notify, logger });
    const deps = { store, logger, config, coreSystem: browserCoreSystem(pool), notifier };
    bundle = await bundleWorkflows(logger);
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUES.default,
      workflowBundle: bundle,
      activities: withLeanCase({
        ...createActivities(deps),
        ...createReviewActivities(deps),
        ...noticeActivities({ store, dataDir, version: 'test' }),
        ...auditActivities({ store, client: env.client }),
      }),
    });
    botWorker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUES.legacyBots,
      activities: legacyBotActivities(deps),
    });
    running = Promise.all([worker.run(), botWorker.run()]).then(() => {});
    for (const p of PEOPLE) await createUser(store, { ...p, password: 'correct horse battery' });
    for (const name of ['chief', 'chief2', 'clerk.a'])
      await setEmailAsAdmin(store, { actor: { kind: 'system', name: 'test' }, via: 'cli' }, name, `${name}@bureau.example`);
    await store.db.query(`UPDATE users SET disabled = true WHERE username = 'gone'`);
    signingKey = actSigningKey(config);
    acts = reviewActions(env.client, signingKey);
  }, 180_000);

  afterAll(async () => {
    worker?.shutdown();
    botWorker?.shutdown();
    await running;
    await env?.teardown();
    await pool?.close();
    await legacy?.close();
    await store?.close();
    await smtp?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = (caseId: string) =>
    env.client.workflow.start('caseWorkflow', {
      taskQueue: TASK_QUEUES.default,
      workflowId: `case-${caseId}`,
      args: [{ batchId: 'review-test', workbook: workbookRef, caseRow: rows.get(caseId)! } satisfies CaseInput],
    });

  const inReview = (handle: Awaited<ReturnType<typeof start>>) =>
    vi.waitFor(
      async () => {
        const state = await handle.query(reviewStateQuery).catch(() => null);
        if (!state) throw new Error('case never reached review');
        return state;
      },
      { timeout: 30_000, interval: 50 },
    );

  /** The refusal's message, failing the test if the act went through. */
  const refusal = async (p: Promise<ActionResult>) => {
    const r = await p;
    if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.value)}`);
    return r.message;
  };
  const ok = async <T>(p: Promise<ActionResult<T>>): Promise<T> => must(await p);

  const client = () => env.client.workflow;
  const steps = async (caseId: string) => (await listEvents(store, caseId)).map((e) => e.step);

  it('reminds before the SLA deadline and escalates to a supervisor at it, on the record', async () => {
    const handle = await start('LS-2024-0006');
    const state = await inReview(handle);
    expect(state.status).toBe('awaiting');
    const deadline = Date.parse(state.deadlineAt!);
    const reminder = Date.parse(state.reminderAt!);
    expect(reminder).toBeLessThan(deadline);
    // Five bureau working days: never less than a week of calendar time minus the weekend.
    expect(deadline - (await env.currentTimeMs())).toBeGreaterThan(4 * 86_400_000);

    await env.sleep(reminder - (await env.currentTimeMs()) + 60_000);
    expect((await handle.query(reviewStateQuery)).reminded).toBe(true);
    expect((await handle.query(reviewStateQuery)).escalated).toBe(false);
    await env.sleep(deadline - (await env.currentTimeMs()) + 60_000);
    const escalated = await handle.query(reviewStateQuery);
    expect(escalated.escalated).toBe(true);

    expect(await steps('LS-2024-0006')).toEqual([
      'intake',
      'facts-read',
      'decided',
      'review-opened',
      'review-reminder',
      'review-escalated',
    ]);
    const [inbox] = await listReviewInbox(store, { rule: 'LS-03' }, new Date(await env.currentTimeMs()));
    expect(inbox).toMatchObject({ caseId: 'LS-2024-0006', escalated: true, sla: 'overdue' });
    // Unclaimed, so the reminder and the escalation went to the supervisors (by mail: docs/notifications.md).
    await deliverDue(store, configuredSenders(notify));
    const mails = smtp.mails.filter((m) => m.subject.includes('LS-2024-0006')).map((m) => `${m.to.join()} ${m.subject}`);
    expect(mails.sort()).toEqual([
      'chief2@bureau.example 【智审】审核时限提醒：LS-2024-0006（趸缴）今日到期',
      'chief2@bureau.example 【智审】审核超时升级：LS-2024-0006（趸缴）',
      'chief@bureau.example 【智审】审核时限提醒：LS-2024-0006（趸缴）今日到期',
      'chief@bureau.example 【智审】审核超时升级：LS-2024-0006（趸缴）',
    ]);

    // Overdue is not closed: the supervisor can still take it and decide.
    await ok(acts.claim('LS-2024-0006', 'chief'));
    expect(await ok(acts.decide('LS-2024-0006', 'chief', { decision: 'approve', comment: '病退鉴定材料齐全' }))).toMatchObject({
      status: 'decided',
    });
    expect(await handle.result()).toMatchObject({ outcome: 'approve', amount: expect.stringMatching(/^\d+\.\d{2}$/) });
  });

  it('refuses acts nobody proved: the forged Update, a foreign key, expired, replayed, rescoped or altered proofs, unknown and disabled users', async () => {
    const caseId = 'LS-2024-0008';
    const handle = await start(caseId);
    await inReview(handle);
    const raw = (update: typeof claimUpdate | typeof reviewUpdate, args: Record<string, unknown>) =>
      handle.executeUpdate(update as typeof reviewUpdate, { args: [args as never] }).then(
        (value) => ({ ok: true as const, value }),
        (err: Error & { cause?: Error }) => ({ ok: false as const, message: String(err.cause?.message ?? err.message) }),
      );
    // What a script that reaches Temporal sent: a made-up supervisor in the payload, no proof.
    expect(await refusal(raw(claimUpdate, { reviewer: { username: 'nobody', role: 'supervisor' } }))).toMatch(/未附身份证明/);
    expect(
      await refusal(
        raw(reviewUpdate, {
          reviewer: { username: 'nobody', role: 'supervisor' },
          decision: 'approve',
          comment: '',
          amount: '99999.00',
          amountReason: 'x',
        }),
      ),
    ).toMatch(/未附身份证明/);

    const foreignKey = crypto.generateKeyPairSync('ed25519').privateKey;
    expect(await refusal(reviewActions(env.client, foreignKey).claim(caseId, 'chief'))).toMatch(/签名无效/);
    const sign = (action: 'claim' | 'review', payload: Record<string, unknown>, who = 'clerk.a', forCase = caseId, at = new Date()) =>
      signAct(signingKey, { caseId: forCase, action, username: who, payload }, at);
    expect(await refusal(raw(claimUpdate, { proof: sign('claim', {}, 'clerk.a', caseId, new Date(Date.now() - 10 * 60_000)) }))).toMatch(
      /已过期/,
    );
    expect(await refusal(raw(claimUpdate, { proof: sign('claim', {}, 'clerk.a', 'LS-2024-0006') }))).toMatch(/不适用于本案件/);
    expect(await refusal(raw(claimUpdate, { proof: sign('review', {}) }))).toMatch(/不适用于「claim」/);
    expect(await refusal(raw(claimUpdate, { proof: sign('claim', {}, 'nobody') }))).toMatch(/不存在/);
    expect(await refusal(raw(claimUpdate, { proof: sign('claim', {}, 'gone') }))).toMatch(/已停用/);
    // The role is the store's: an auditor may not claim, whatever a payload says.
    expect(
      await refusal(raw(claimUpdate, { proof: sign('claim', {}, 'audit'), reviewer: { username: 'audit', role: 'supervisor' } })),
    ).toMatch(/(角色无权|不符)/);
    expect(await refusal(acts.claim(caseId, 'audit'))).toMatch(/角色无权/);

    // A proof is good for one act: the same one sent again under another Update ID is a replay.
    const proof = sign('claim', {});
    expect(await ok(raw(claimUpdate, { proof }))).toMatchObject({ claimedBy: 'clerk.a' });
    expect(await refusal(raw(claimUpdate, { proof }))).toMatch(/重放/);
    // A decision proven for one comment and amount cannot carry another.
    const signed = sign('review', { decision: 'approve', comment: '' });
    expect(
      await refusal(raw(reviewUpdate, { proof: signed, decision: 'approve', comment: '', amount: '99999.00', amountReason: 'x' })),
    ).toMatch(/内容不符/);

    const events = await listEvents(store, caseId);
    const refusals = events.filter((e) => e.step === 'act-refused');
    expect(refusals.length).toBe(12);
    expect(refusals[0]).toMatchObject({ actor: { kind: 'system' }, outcome: { refused: expect.stringMatching(/未附身份证明/) } });
    expect(refusals.map((e) => (e.inputs as { claimed: { username?: string } }).claimed.username)).toEqual(
      expect.arrayContaining(['chief', 'nobody', 'gone', 'audit', 'clerk.a']),
    );
    expect(events.filter((e) => e.step === 'reviewed' || e.step === 'proposed')).toEqual([]);
    expect((await handle.query(reviewStateQuery)).claimedBy).toBe('clerk.a');
    expect((await getCase(store, caseId))!.status).toBe('review');
  });

  it('lets one clerk at a time work a case; an override needs a second supervisor who is not the proposer', async () => {
    const caseId = 'LS-2024-0008';
    const handle = client().getHandle(`case-${caseId}`);
    expect(await refusal(acts.decide(caseId, 'clerk.b', { decision: 'approve', comment: '' }))).toMatch(/已由 clerk.a 认领/);
    expect(await refusal(acts.claim(caseId, 'clerk.b'))).toMatch(/已由 clerk.a 认领/);
    expect(await refusal(acts.release(caseId, 'clerk.b'))).toMatch(/只能由其本人或科长释放/);
    // Rejecting what the rules would approve overrides them: not without a comment, and not alone.
    expect(await refusal(acts.decide(caseId, 'clerk.a', { decision: 'reject', comment: ' ' }))).toMatch(/须填写意见/);
    expect(await refusal(acts.decide(caseId, 'clerk.a', { decision: 'approve', comment: '', amount: '1.00' }))).toMatch(/须说明理由/);

    const proposed = await ok(acts.decide(caseId, 'clerk.a', { decision: 'reject', comment: '视同缴费年限认定材料不实' }));
    expect(proposed).toMatchObject({
      status: 'proposed',
      proposal: { by: 'clerk.a', decision: 'reject', needs: [expect.stringMatching(/改变规则结果/)] },
    });
    expect((await getCase(store, caseId))!.status).toBe('review');
    expect(await listReviewInbox(store, { proposed: true })).toEqual([
      expect.objectContaining({ caseId, proposal: expect.objectContaining({ by: 'clerk.a' }) }),
    ]);
    expect(await refusal(acts.decide(caseId, 'clerk.a', { decision: 'approve', comment: '' }))).toMatch(/等待科长复核/);
    expect(await refusal(acts.secondLook(caseId, 'clerk.b', { verdict: 'approve', comment: '' }))).toMatch(/角色无权/);

    // Sent back: the proposer holds it again and may decide otherwise; then a supervisor approves.
    await ok(acts.secondLook(caseId, 'chief', { verdict: 'send-back', comment: '请核对视同缴费认定表' }));
    expect(await handle.query(reviewStateQuery)).toMatchObject({ status: 'claimed', claimedBy: 'clerk.a', proposal: null });
    await ok(acts.decide(caseId, 'clerk.a', { decision: 'reject', comment: '认定表与档案不符，视同缴费年限不能认定' }));
    await ok(acts.secondLook(caseId, 'chief', { verdict: 'approve', comment: '同意' }));
    expect(await handle.result()).toMatchObject({ outcome: 'reject', amount: null });

    const events = await listEvents(store, caseId);
    const reviewed = events.find((e) => e.step === 'reviewed')!;
    expect(reviewed.actor).toEqual({ kind: 'user', name: 'clerk.a' });
    expect(reviewed.inputs).toMatchObject({ decision: 'reject', role: 'clerk', approvedBy: { username: 'chief', role: 'supervisor' } });
    expect(reviewed.outcome).toEqual({
      before: { outcome: 'review', amount: expect.any(String) },
      after: { outcome: 'reject', amount: null },
    });
    expect(events.map((e) => e.step).filter((s) => s !== 'act-refused')).toEqual([
      'intake',
      'facts-read',
      'decided',
      'review-opened',
      'claimed',
      'proposed',
      'second-look-sent-back',
      'proposed',
      'second-look-approved',
      'reviewed',
      'entered',
      'closed',
      'notice-issued',
    ]);
    expect((await getCase(store, caseId))!).toMatchObject({ status: 'closed', outcome: 'reject' });
  });

  it('runs simultaneous acts one at a time: one decision of two, one event for a repeated Update ID, both corrections in order', async () => {
    const caseId = 'TR-2026-0015';
    const handle = await start(caseId);
    const state = await inReview(handle);
    expect(state.ruleResult.reasons).toEqual(['TR-05']);
    // A double click: the same form (Update ID) sent twice acts once.
    const [first, second] = await Promise.all([
      acts.claim(caseId, 'clerk.b', { updateId: 'claim-form-1' }),
      acts.claim(caseId, 'clerk.b', { updateId: 'claim-form-1' }),
    ]);
    expect(first).toMatchObject({ ok: true });
    expect(second).toMatchObject({ ok: true });
    expect((await steps(caseId)).filter((s) => s === 'claimed')).toHaveLength(1);

    const caseFile = JSON.parse(fs.readFileSync(path.join(EXAMPLES, `${caseId}.json`), 'utf8')) as {
      to: { coverageStart: string };
      from: { coverage: { to: string } };
    };
    // Move the new coverage start after the old one's end: no more overlap, TR-05 passes.
    const [y, m] = caseFile.from.coverage.to.split('-').map(Number) as [number, number];
    const after = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    const wrong = `${y - 1}-01`;
    // Two corrections at once: both applied, in the order they arrived.
    const [c1, c2] = await Promise.all([
      acts.correct(caseId, 'clerk.b', { corrections: [{ path: 'to.coverageStart', value: wrong }], reason: '第一次更正' }),
      acts.correct(caseId, 'clerk.b', {
        corrections: [{ path: 'to.coverageStart', value: after }],
        reason: '核心系统参保起始月录入错误，按参保登记表更正',
      }),
    ]);
    expect(c1).toMatchObject({ ok: true });
    expect(c2).toMatchObject({ ok: true });
    // Applied one after the other, in the order the workflow took them: the second starts from the first's value.
    const changes = (await listEvents(store, caseId))
      .filter((e) => e.step === 'corrected')
      .map((e) => (e.inputs as { corrected: { changes: { before: unknown; after: unknown }[] } }).corrected.changes[0]!);
    expect(changes).toHaveLength(2);
    expect(changes[0]!.before).toBe(caseFile.to.coverageStart);
    expect(changes[1]!.before).toBe(changes[0]!.after);
    expect(new Set([changes[0]!.after, changes[1]!.after])).toEqual(new Set([wrong, after]));
    if (changes[1]!.after !== after)
      await ok(acts.correct(caseId, 'clerk.b', { corrections: [{ path: 'to.coverageStart', value: after }], reason: '按参保登记表更正' }));
    const redecided = (await handle.query(reviewStateQuery)).ruleResult;
    expect(redecided.reasons).not.toContain('TR-05');
    expect((await handle.query(reviewStateQuery)).factsCorrected).toBe(true);

    // Two different decisions at once: one is made, the other refused.
    const outcome = redecided.outcome === 'reject' ? 'reject' : 'approve';
    const other = outcome === 'approve' ? 'reject' : 'approve';
    const decisions = await Promise.all([
      acts.decide(caseId, 'clerk.b', { decision: outcome, comment: '已按登记表更正' }),
      acts.decide(caseId, 'clerk.b', { decision: other, comment: '另一个标签页' }),
    ]);
    expect(decisions.filter((d) => d.ok)).toHaveLength(1);
    expect(decisions.find((d) => !d.ok)).toMatchObject({ ok: false, message: expect.stringMatching(/等待科长复核/) });
    // A correction of the core system's data is never one clerk's call: it waits for a supervisor.
    expect((await handle.query(reviewStateQuery)).proposal).toMatchObject({
      by: 'clerk.b',
      needs: expect.arrayContaining(['更正了核心系统提供的数据']),
    });
    await ok(acts.secondLook(caseId, 'chief2', { verdict: 'approve', comment: '核对无误' }));
    await handle.result();
    const all = await steps(caseId);
    expect(all.filter((s) => s === 'proposed')).toHaveLength(1);
    expect(all.filter((s) => s === 'reviewed')).toHaveLength(1);
    expect(all.filter((s) => s === 'entered')).toHaveLength(1);
  });

  it('never lets a supervisor approve their own proposal, and enters a changed amount only after a second look', async () => {
    const caseId = 'LS-2025-0007';
    const handle = await start(caseId);
    await inReview(handle);
    await ok(acts.claim(caseId, 'chief'));
    expect(await refusal(acts.decide(caseId, 'chief', { decision: 'return', comment: '' }))).toMatch(/补正/);
    const state = await handle.query(reviewStateQuery);
    const [yuan] = (state.ruleResult.amount ?? '100.00').split('.');
    const lower = `${Math.max(1, Number(yuan) - 100)}.00`;
    const proposed = await ok(
      acts.decide(caseId, 'chief', { decision: 'approve', comment: '按核定金额', amount: lower, amountReason: '扣除重复缴费月份' }),
    );
    expect(proposed.proposal).toMatchObject({ by: 'chief', amount: lower, needs: [expect.stringMatching(/更改金额/)] });
    expect(await refusal(acts.secondLook(caseId, 'chief', { verdict: 'approve', comment: '' }))).toMatch(/不能复核自己/);
    expect(await steps(caseId)).not.toContain('entered');
    await ok(acts.secondLook(caseId, 'chief2', { verdict: 'approve', comment: '' }));
    expect(await handle.result()).toMatchObject({ outcome: 'approve', amount: lower });
  });

  it('returns a case for documents (退回补正); the documents handed in bring it back, read and decided again', async () => {
    const returning = await start('LS-2024-9006');
    await inReview(returning);
    await ok(acts.claim('LS-2024-9006', 'clerk.a'));
    expect(await ok(acts.decide('LS-2024-9006', 'clerk.a', { decision: 'return', comment: '请补交病退鉴定结论' }))).toMatchObject({
      status: 'returned',
    });
    await vi.waitFor(async () => expect((await getCase(store, 'LS-2024-9006'))!.status).toBe('returned'), { timeout: 20_000 });
    expect(await listReviewInbox(store)).not.toContainEqual(expect.objectContaining({ caseId: 'LS-2024-9006' }));

    // Not a receipt, not a file: refused by name before anything is staged or sent.
    const upload = {
      name: '病退鉴定结论.png',
      bytes: await sharp({ create: { width: 600, height: 800, channels: 3, background: 'white' } })
        .png()
        .toBuffer(),
    };
    await expect(
      supplyDocuments({
        store,
        dataDir,
        actions: acts,
        caseId: 'LS-2024-9006',
        username: 'clerk.a',
        uploads: [{ name: 'evil.svg', bytes: Buffer.from('<svg onload="x()"/>') }],
        note: '',
      }),
    ).rejects.toThrow(/SVG/);
    await expect(
      supplyDocuments({
        store,
        dataDir,
        actions: acts,
        caseId: 'LS-2024-9006',
        username: 'clerk.a',
        uploads: [{ ...upload, name: '../up.png' }],
        note: '',
      }),
    ).rejects.toThrow(/只能是文件名/);
    expect(
      await refusal(
        supplyDocuments({ store, dataDir, actions: acts, caseId: 'LS-2024-9006', username: 'audit', uploads: [upload], note: '' }),
      ),
    ).toMatch(/角色无权/);
    await ok(
      supplyDocuments({
        store,
        dataDir,
        actions: acts,
        caseId: 'LS-2024-9006',
        username: 'clerk.b',
        uploads: [upload],
        note: '申请人已补交',
      }),
    );

    // Round two: the facts are read and the case decided again, then it waits in the inbox afresh.
    await vi.waitFor(async () => expect((await returning.query(reviewStateQuery)).status).toBe('awaiting'), { timeout: 30_000 });
    await ok(acts.claim('LS-2024-9006', 'clerk.b'));
    await ok(acts.decide('LS-2024-9006', 'clerk.b', { decision: 'approve', comment: '鉴定结论已核' }));
    expect(await returning.result()).toMatchObject({ outcome: 'approve' });
    expect((await steps('LS-2024-9006')).filter((s) => s !== 'act-refused')).toEqual([
      'intake',
      'facts-read',
      'decided',
      'review-opened',
      'claimed',
      'returned',
      'awaiting-documents',
      'documents-supplied',
      'facts-read',
      'decided',
      'review-opened',
      'claimed',
      'reviewed',
      'entered',
      'closed',
      'notice-issued',
    ]);
    const supplied = (await listEvents(store, 'LS-2024-9006')).find((e) => e.step === 'documents-supplied')!;
    expect(supplied.actor).toEqual({ kind: 'user', name: 'clerk.b' });
    expect(supplied.evidence).toEqual([
      { kind: 'supplement', ref: '病退鉴定结论.png', sha256: crypto.createHash('sha256').update(upload.bytes).digest('hex') },
    ]);
  });

  it('closes a returned case nobody answers as 不予受理 at the 补正 deadline, with its notice', async () => {
    const caseId = 'LS-2024-9008';
    const handle = await env.client.workflow.start('caseWorkflow', {
      taskQueue: TASK_QUEUES.default,
      workflowId: `case-${caseId}`,
      args: [
        {
          batchId: 'review-test',
          workbook: workbookRef,
          caseRow: rows.get(caseId)!,
          settings: { returnDeadlineDays: 10 },
        } satisfies CaseInput,
      ],
    });
    await inReview(handle);
    await ok(acts.claim(caseId, 'clerk.a'));
    await ok(acts.decide(caseId, 'clerk.a', { decision: 'return', comment: '请补交视同缴费认定表' }));
    await vi.waitFor(async () => expect(await steps(caseId)).toContain('awaiting-documents'), { timeout: 20_000 });
    await env.sleep(11 * 86_400_000);
    expect(await handle.result()).toMatchObject({ outcome: 'reject', reasons: ['RETURN-EXPIRED'], amount: null });
    expect((await steps(caseId)).slice(-6)).toEqual([
      'returned',
      'awaiting-documents',
      'return-expired',
      'entered',
      'closed',
      'notice-issued',
    ]);
    expect(await getCase(store, caseId)).toMatchObject({ status: 'closed', outcome: 'reject' });
  });

  it('enters the decision a failed run already recorded instead of deciding again', async () => {
    // A trail whose clerk decision never reached the core system: the run that recorded it failed.
    const caseId = 'LS-2025-9002';
    const base = {
      caseId,
      workflowId: `case-${caseId}`,
      runId: 'an-earlier-failed-run',
      at: new Date().toISOString(),
      ruleSetVersion: 'lump-sum@2020-01-01',
      evidence: [],
    };
    const caseFile = JSON.parse(fs.readFileSync(path.join(dataDir, `${caseId}.json`), 'utf8')) as never;
    await appendEvent(store, {
      ...base,
      step: 'decided',
      actor: { kind: 'bot', name: 'zhishen-rulebook' },
      inputs: { caseFile },
      outcome: { outcome: 'review', reasons: ['LS-03'], amount: '41174.51', checks: [{ rule: 'LS-03', result: 'fail', message: '病退' }] },
      idempotencyKey: 'earlier/decided',
    });
    await appendEvent(store, {
      ...base,
      step: 'review-opened',
      actor: { kind: 'system', name: 'zhishen' },
      inputs: {},
      outcome: {},
      idempotencyKey: 'earlier/review-opened',
    });
    await appendEvent(store, {
      ...base,
      step: 'reviewed',
      actor: { kind: 'user', name: 'clerk.a' },
      inputs: {
        role: 'clerk',
        decision: 'reject',
        comment: '材料不实',
        amountReason: null,
        approvedBy: { username: 'chief', role: 'supervisor' },
      },
      outcome: { before: { outcome: 'review', amount: '41174.51' }, after: { outcome: 'reject', amount: null } },
      idempotencyKey: 'earlier/reviewed',
    });
    // The rules alone would approve this case; the clerk's recorded rejection is what is entered.
    const handle = await start(caseId);
    expect(await handle.result()).toMatchObject({ outcome: 'reject', amount: null, reasons: ['LS-03'] });
    const events = await listEvents(store, caseId);
    const thisRun = events.filter((e) => e.runId !== 'an-earlier-failed-run').map((e) => e.step);
    expect(thisRun).toEqual(['intake', 'entered', 'closed', 'notice-issued']);
    expect(await getCase(store, caseId)).toMatchObject({ status: 'closed', outcome: 'reject' });
  });

  it('closes a case the rules approve without a clerk', async () => {
    const handle = await start('LS-2025-0002');
    expect(await handle.result()).toMatchObject({ outcome: 'approve' });
    expect(await steps('LS-2025-0002')).toEqual(['intake', 'facts-read', 'decided', 'entered', 'closed', 'notice-issued']);
  });

  it('keeps every case chain intact through claims, corrections and decisions', async () => {
    expect(await verifyChain(store)).toMatchObject({ ok: true });
  });
});
