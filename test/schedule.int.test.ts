import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ALL_KEYS } from '../security/allKeys';
import { ensureKeyFiles } from '../security/keyFiles';
import { loadConfig } from '../config/env';
import { runScheduleCommand } from '../cli/schedule';
import { openStore, type Store } from '../store';
import { upsertBatch } from '../store/batches';
import { freePort, startDevServer, type RunningDevServer } from '../temporal/devServer';
import { isBureauWorkingDay, pickUnprocessed, scheduleActivities } from '../schedules/activities';
import { readIntakeWorkbook } from '../intake/readWorkbook';
import { findAttachment } from '../intake/attachments';
import { writeIntakeTemplate } from '../intake/template';
import { batchWorkflowId } from '../workflows/types';
import type { ReceiptActivities, ReceiptsOfBatch } from './scheduleWorkflows';
import {
  createBatchSchedule,
  deleteBatchSchedule,
  describeBatchSchedule,
  listBatchSchedules,
  triggerBatchSchedule,
} from '../schedules/manage';
import type { ScheduledIntakeResult } from '../workflows/scheduledIntakeTypes';
import { handleDashboardGet, handleDashboardPost } from '../console/dashboard';
import { intakeFoldersRoot } from '../console/dashboardSchedules';
import type { AuthedContext } from '../console/context';
import type { Role } from '../store';

// The real scheduled run, with a batch that only looks for each 零星报销 case's receipts (scheduleWorkflows.ts).
const WORKFLOWS = fileURLToPath(new URL('./scheduleWorkflows.ts', import.meta.url));
const DEMO = fileURLToPath(new URL('../fixtures/demo', import.meta.url));
const QUEUE = 'schedule-test';

/** Where OCR would read each 零星报销 case's receipts from: the batch's staged attachments. */
const receiptActivities: ReceiptActivities = {
  async receiptsOfBatch(input) {
    const { rows } = await readIntakeWorkbook(input.workbook.path);
    const cases = rows.flatMap((row) => {
      if (!('attachments' in row)) return [];
      const named = row.attachments;
      const dir = input.attachmentsDir;
      return [{ caseId: row.caseId, named, found: dir ? named.filter((name) => findAttachment(dir, row.caseId, name)) : [] }];
    });
    return { attachmentsDir: input.attachmentsDir ?? null, cases };
  },
};
describe('bureau calendar for scheduled runs', () => {
  it('knows holidays and 调休 working Saturdays', () => {
    expect(isBureauWorkingDay('2026-10-01')).toBe(false); // 国庆
    expect(isBureauWorkingDay('2024-02-04')).toBe(true); // a Sunday worked for 春节
    expect(isBureauWorkingDay('2026-11-24')).toBe(true); // a Tuesday
    expect(isBureauWorkingDay('2026-11-28')).toBe(false); // a Saturday
  });
});

describe('runs recorded before every workbook was taken', () => {
  it('replay on the present code: one newest workbook, its batch without attachments', async () => {
    // Recorded from the scheduled run as it was (pickIntakeWorkbook, one batch), with a stub batch.
    const history = temporal.api.history.v1.History.fromObject(
      JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'histories', 'scheduledIntake-one-workbook.json'), 'utf8')),
    );
    await Worker.runReplayHistory({ workflowsPath: WORKFLOWS }, history, 'scheduled-before-every-workbook');
  }, 60_000);
});

describe('batch schedules on the Temporal dev server', () => {
  let dir: string;
  let server: RunningDevServer;
  let connection: Connection;
  let client: Client;
  let store: Store;
  let worker: Worker;
  let running: Promise<void>;
  let intake: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-schedule-'));
    // The CLI talks to this server as to a cluster (TEMPORAL_ADDRESS set): its keys are made first, as setup does.
    ensureKeyFiles(dir, ALL_KEYS);
    intake = path.join(dir, 'intake-folder');
    fs.mkdirSync(intake);
    server = await startDevServer({ dataDir: path.join(dir, 'temporal'), port: await freePort(), uiPort: null, namespace: 'default' });
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection, namespace: 'default' });
    store = await openStore({ dataDir: dir });
    worker = await Worker.create({
      connection: await NativeConnection.connect({ address: server.address }),
      namespace: 'default',
      taskQueue: QUEUE,
      workflowsPath: WORKFLOWS,
      activities: { ...scheduleActivities({ store, dataDir: dir }), ...receiptActivities },
    });
    running = worker.run();
  }, 120_000);

  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => {});
    await connection?.close();
    await store?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function runOnce(scheduleId: string): Promise<ScheduledIntakeResult> {
    await triggerBatchSchedule(client, scheduleId);
    const last = await vi.waitFor(
      async () => {
        const run = (await describeBatchSchedule(client, scheduleId)).recentRuns.at(-1);
        if (!run) throw new Error(`schedule ${scheduleId} started nothing`);
        return run;
      },
      { timeout: 30_000, interval: 200 },
    );
    return (await client.workflow.getHandle(last.workflowId).result()) as ScheduledIntakeResult;
  }

  it('creates, lists, describes, pauses with a note, unpauses and deletes from the CLI', async () => {
    const config = loadConfig({ ...process.env, TEMPORAL_ADDRESS: server.address, ZHISHEN_DATA_DIR: dir });
    const lines: string[] = [];
    const out = (l: string) => lines.push(l);
    expect(
      await runScheduleCommand(
        config,
        ['create', 'nightly', '--folder', intake, '--at', '02:00', '--overlap', 'buffer-one', '--note', '每个工作日 2 点'],
        out,
      ),
    ).toBe(0);
    const created = JSON.parse(lines.pop()!);
    expect(created).toMatchObject({
      scheduleId: 'nightly',
      intakeFolder: intake,
      overlap: 'buffer-one',
      paused: false,
      runOnHolidays: false,
      workflowType: 'scheduledIntakeWorkflow',
    });
    expect(created.spec).toContain('02:00');
    expect(created.spec).toContain('Asia/Shanghai');
    // Next run at 02:00 Beijing (18:00 UTC the day before), shown with its +08:00 offset.
    expect(created.nextRuns[0]).toMatch(/T02:00:00\.000\+08:00$/);
    expect(new Date(created.nextRuns[0]).getUTCHours()).toBe(18);

    expect(await runScheduleCommand(config, ['list'], out)).toBe(0);
    expect(lines.map((l) => JSON.parse(l).scheduleId)).toContain('nightly');
    lines.length = 0;

    expect(await runScheduleCommand(config, ['pause', 'nightly', '--note', '系统升级，暂停'], out)).toBe(0);
    expect(JSON.parse(lines.pop()!)).toMatchObject({ paused: true, note: '系统升级，暂停' });
    await expect(runScheduleCommand(config, ['pause', 'nightly'], out)).rejects.toThrow(/--note/);
    expect(await runScheduleCommand(config, ['unpause', 'nightly', '--note', '恢复'], out)).toBe(0);
    expect(JSON.parse(lines.pop()!)).toMatchObject({ paused: false });
    expect(await runScheduleCommand(config, ['describe', 'nightly'], out)).toBe(0);
    expect(await runScheduleCommand(config, ['delete', 'nightly'], out)).toBe(0);
    expect(await runScheduleCommand(config, ['describe', 'nightly'], out)).toBe(1);
    expect((await listBatchSchedules(client)).map((s) => s.scheduleId)).not.toContain('nightly');
  });

  it('a run on a bureau holiday skips, unless the schedule was made to run on holidays', async () => {
    await createBatchSchedule(client, { scheduleId: 'holiday', intakeFolder: intake, today: '2026-10-01', taskQueue: QUEUE, paused: true });
    expect(await runOnce('holiday')).toEqual({ status: 'skipped-holiday', date: '2026-10-01' });
    await deleteBatchSchedule(client, 'holiday');

    await createBatchSchedule(client, {
      scheduleId: 'holiday-on',
      intakeFolder: intake,
      today: '2026-10-01',
      runOnHolidays: true,
      taskQueue: QUEUE,
      paused: true,
    });
    // It runs; the folder is empty, so there is nothing to submit.
    expect(await runOnce('holiday-on')).toMatchObject({ status: 'no-new-workbook', date: '2026-10-01' });
    await deleteBatchSchedule(client, 'holiday-on');
  });

  it('picks every workbook no batch has taken yet, oldest first, each with its attachments; refuses what is not a workbook', async () => {
    const folder = path.join(dir, 'pick-folder');
    fs.mkdirSync(path.join(folder, 'export-2'), { recursive: true });
    const older = path.join(folder, 'a.xlsx');
    const newer = path.join(folder, 'export-2', 'b.xlsx');
    await writeIntakeTemplate(older);
    fs.copyFileSync(path.join(DEMO, 'intake.xlsx'), newer);
    fs.cpSync(path.join(DEMO, 'attachments'), path.join(folder, 'export-2', 'attachments'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'notes.xlsx'), 'not a workbook');
    fs.writeFileSync(path.join(folder, '~$a.xlsx'), 'lock file');
    fs.utimesSync(older, new Date('2026-11-20'), new Date('2026-11-20'));
    fs.utimesSync(newer, new Date('2026-11-23'), new Date('2026-11-23'));
    const first = await pickUnprocessed({ store, dataDir: dir }, folder, '2026-11-24', 'nightly');
    expect(first.picked.map((p) => p.workbook.fileName)).toEqual(['a.xlsx', 'export-2/b.xlsx']);
    expect(first.picked[0]!).toMatchObject({ batchId: expect.stringMatching(/^nightly-20261124-[0-9a-f]{8}$/), attachmentsDir: undefined });
    expect(first.refused).toEqual([{ fileName: 'notes.xlsx', message: expect.any(String) }]);
    // Staged: the workbook's bytes under its sha256, the attachments under the batch.
    expect(fs.readFileSync(first.picked[1]!.workbook.path)).toEqual(fs.readFileSync(newer));
    expect(fs.readdirSync(first.picked[1]!.attachmentsDir!).sort()).toEqual(fs.readdirSync(path.join(DEMO, 'attachments')).sort());
    await upsertBatch(store, {
      batchId: first.picked[0]!.batchId,
      workbookSha256: first.picked[0]!.workbook.sha256,
      fileName: 'a.xlsx',
      submittedAt: new Date().toISOString(),
      totalRows: 0,
      status: 'done',
    });
    const again = await pickUnprocessed({ store, dataDir: dir }, folder, '2026-11-24');
    expect(again.picked.map((p) => p.workbook.fileName)).toEqual(['export-2/b.xlsx']);
  });

  it('a scheduled run of a 零星报销 workbook hands its batch the receipts', async () => {
    const folder = path.join(dir, 'receipts-folder');
    fs.mkdirSync(folder);
    fs.copyFileSync(path.join(DEMO, 'intake.xlsx'), path.join(folder, 'intake.xlsx'));
    fs.cpSync(path.join(DEMO, 'attachments'), path.join(folder, 'attachments'), { recursive: true });
    await createBatchSchedule(client, {
      scheduleId: 'receipts',
      intakeFolder: folder,
      today: '2026-11-24',
      taskQueue: QUEUE,
      paused: true,
    });
    const run = await runOnce('receipts');
    await deleteBatchSchedule(client, 'receipts');
    expect(run).toMatchObject({ status: 'done', refused: [], batches: [{ fileName: 'intake.xlsx', outcome: 'completed' }] });
    if (run.status !== 'done' || !('batches' in run)) throw new Error('not a run of every workbook');
    const batch = (await client.workflow.getHandle(batchWorkflowId(run.batches[0]!.batchId)).result()) as ReceiptsOfBatch;
    expect(batch.attachmentsDir).toBe(path.join(dir, 'attachments', run.batches[0]!.batchId));
    // Every 零星报销 case of the demo names its receipts, and each is where OCR reads it: none goes to a clerk for 未提交票据附件.
    expect(batch.cases.length).toBeGreaterThan(0);
    for (const c of batch.cases) expect(c.found, c.caseId).toEqual(c.named);
  });

  it('the dashboard lists schedules; a manager creates, pauses with a note, unpauses and deletes one; an auditor only reads', async () => {
    const config = loadConfig({ ...process.env, TEMPORAL_ADDRESS: server.address, ZHISHEN_DATA_DIR: dir });
    fs.mkdirSync(path.join(intakeFoldersRoot(config), 'front-desk'), { recursive: true });
    const silent = { info() {}, warn() {}, error() {}, debug() {} };
    const call = async (role: Role, method: 'GET' | 'POST', url: string, form: Record<string, string> = {}) => {
      const res = {
        status: 0,
        headers: {} as Record<string, unknown>,
        body: '',
        writeHead(status: number, headers: Record<string, unknown>) {
          this.status = status;
          this.headers = headers;
        },
        end(body?: Buffer | string) {
          this.body = body ? body.toString() : '';
        },
        setHeader() {},
      };
      const ctx = {
        req: {},
        res,
        url: new URL(url, 'http://console.invalid'),
        session: { id: 's', csrfToken: 't', user: { username: role, displayName: role, role }, createdAt: 0, lastSeenAt: 0, flash: null },
        deps: { store, temporal: client, config, logger: silent, now: () => new Date() },
      } as unknown as AuthedContext;
      const handled = method === 'GET' ? await handleDashboardGet(ctx) : await handleDashboardPost(ctx, new URLSearchParams(form));
      return { handled, ...res };
    };
    const created = await call('manager', 'POST', '/dashboard/schedules', {
      scheduleId: 'desk',
      folder: 'front-desk',
      at: '02:00',
      overlap: 'skip',
    });
    expect(created).toMatchObject({ handled: true, status: 303 });
    let page = await call('auditor', 'GET', '/dashboard');
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-schedule="desk"');
    // Read-only for an auditor: no forms to act on schedules, and a POST is refused.
    expect(page.body).not.toContain('/dashboard/schedules/desk/pause');
    await expect(call('auditor', 'POST', '/dashboard/schedules/desk/trigger')).rejects.toMatchObject({ status: 403 });
    await expect(call('manager', 'POST', '/dashboard/schedules/desk/pause', { note: '' })).rejects.toMatchObject({ status: 400 });
    await call('manager', 'POST', '/dashboard/schedules/desk/pause', { note: '机房停电' });
    expect(await describeBatchSchedule(client, 'desk')).toMatchObject({ paused: true, note: '机房停电（manager）' });
    page = await call('manager', 'GET', '/dashboard');
    expect(page.body).toContain('/dashboard/schedules/desk/unpause');
    await call('manager', 'POST', '/dashboard/schedules/desk/unpause');
    expect(await describeBatchSchedule(client, 'desk')).toMatchObject({ paused: false });
    await expect(call('manager', 'POST', '/dashboard/schedules', { scheduleId: 'x', folder: '../etc' })).rejects.toMatchObject({
      status: 400,
    });
    await call('manager', 'POST', '/dashboard/schedules/desk/delete');
    expect((await listBatchSchedules(client)).map((s) => s.scheduleId)).not.toContain('desk');
    await expect(call('clerk', 'GET', '/dashboard')).rejects.toMatchObject({ status: 403 });
  });
});
