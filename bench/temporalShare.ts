/**
 * `npx tsx bench/temporalShare.ts [--cases 200] [--concurrency 8] [--step-ms 300] [--plain]
 * [--pragma K=V]… [--dc KEY=JSON]… [--env K=V]…`: what the Temporal dev server costs per case, alone.
 *
 * The real batch and case workflows (workflows/) run on a dev server with its state in a SQLite file,
 * as the stack runs them, against stand-in activities that only wait `--step-ms` (reading the facts,
 * the receipts of every third case, entering the result) — no browser, no OCR, no store — so the
 * server's CPU per case can be compared between settings in a minute on a busy machine. Every
 * fourth case goes to a clerk (opens a review and waits), as about a quarter of the real batch does.
 * `--plain` starts the server as the CLI would without our settings (temporal/devServer.ts);
 * `--pragma`, `--dc` and `--env` add to the settings in use.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { DEV_SERVER_TUNING, PLAIN_DEV_SERVER, freePort, startDevServer, type DevServerTuning } from '../temporal/devServer';
import { caseWatchActivities } from '../activities/caseWatch';
import { BatchIdKey } from '../workflows/searchAttributes';
import { TASK_QUEUES, batchWorkflowId, type BatchProgress, type CaseResult, type CaseRowRef } from '../workflows/types';
import { batchHistory, caseTimelines, eventTypesPer } from './throughput/histories';
import { ProcSampler } from './throughput/procStats';
import { persistenceRequests, requestsPerCase } from './throughput/serverMetrics';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '8' },
    'step-ms': { type: 'string', default: '300' },
    plain: { type: 'boolean', default: false },
    pragma: { type: 'string', multiple: true, default: [] },
    dc: { type: 'string', multiple: true, default: [] },
    env: { type: 'string', multiple: true, default: [] },
  },
});
const count = Number(values.cases);
const concurrency = Number(values.concurrency);
const stepMs = Number(values['step-ms']);
const log = (m: string) => process.stderr.write(`${m}\n`);

const pairs = (list: string[]) => list.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const);
const base = values.plain ? PLAIN_DEV_SERVER : DEV_SERVER_TUNING;
const tuning: DevServerTuning = {
  sqlitePragmas: { ...base.sqlitePragmas, ...Object.fromEntries(pairs(values.pragma)) },
  dynamicConfig: { ...base.dynamicConfig, ...Object.fromEntries(pairs(values.dc).map(([k, v]) => [k, JSON.parse(v) as unknown])) },
  env: { ...base.env, ...Object.fromEntries(pairs(values.env)) },
};

const rows: CaseRowRef[] = Array.from({ length: count }, (_, i) => ({
  caseId: `TS-${i}`,
  type: (['lump-sum', 'transfer', 'reimbursement'] as const)[i % 3]!,
  sheet: 'x',
  rowNumber: i + 2,
  row: { attachments: ['a.png'] },
}));
const outcomeOf = (caseId: string): CaseResult['outcome'] => (Number(caseId.slice(3)) % 4 === 3 ? 'review' : 'approve');
const resultOf = (input: { caseRow: CaseRowRef }): CaseResult => ({
  caseId: input.caseRow.caseId,
  type: input.caseRow.type,
  outcome: outcomeOf(input.caseRow.caseId),
  amount: '100.00',
  reasons: [],
  messages: [],
  policyVersion: 'bench',
});

Runtime.install({
  logger: { log() {}, trace() {}, debug() {}, info() {}, warn: (m: string) => log(m), error: (m: string) => log(m) } as never,
});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-temporal-share-'));
const server = await startDevServer({ dataDir: dir, port: await freePort(), uiPort: null, namespace: 'default', tuning });
log(`server: ${JSON.stringify(tuning)}`);
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection, namespace: 'default' });
const native = await NativeConnection.connect({ address: server.address });
const wait = () => sleep(stepMs);
const workers = await Promise.all([
  Worker.create({
    connection: native,
    taskQueue: TASK_QUEUES.default,
    workflowsPath: path.resolve(import.meta.dirname, '../workflows/index.ts'),
    activities: {
      ...caseWatchActivities({ client }),
      loadIntake: async () => ({ total: count, invalidRows: 0, byType: { 'lump-sum': count, transfer: 0, reimbursement: 0 } }),
      intakeRows: async ({ offset, limit }: { offset: number; limit: number }) => rows.slice(offset, offset + limit),
      finishBatch: async () => {},
      existingCaseResult: async () => null,
      openCase: async () => null,
      decideCase: async (input: { caseRow: CaseRowRef }) => ({ result: resultOf(input), caseFile: {}, provisionalOutcome: 'approve' }),
      finishCase: async () => {},
      openReview: async () => ({ reminderAt: '2099-01-01T00:00:00Z', deadlineAt: '2099-01-02T00:00:00Z' }),
      archiveHistory: async () => null,
    },
  }),
  Worker.create({
    connection: native,
    taskQueue: TASK_QUEUES.legacyBots,
    activities: {
      readFacts: async () => (await wait(), { ok: true, facts: {} }),
      enterResult: async () => (await wait(), { ok: true, entryNumber: 'E1', alreadyEntered: false }),
    },
  }),
  Worker.create({
    connection: native,
    taskQueue: TASK_QUEUES.ocr,
    activities: { readReceipts: async () => (await wait(), { receipts: [], evidence: [] }) },
  }),
]);
const running = workers.map((w) => w.run());

try {
  const temporalPid = server.child!.pid!;
  const serverLog = path.join(dir, 'temporal-server.log');
  const requestsBefore = await persistenceRequests(serverLog);
  const sampler = new ProcSampler({ temporal: { pids: () => [temporalPid], tree: true } });
  const t0 = performance.now();
  const batchId = `share-${Date.now()}`;
  const handle = await client.workflow.start('batchWorkflow', {
    taskQueue: TASK_QUEUES.default,
    workflowId: batchWorkflowId(batchId),
    args: [
      { batchId, workbook: { path: '/nonexistent.xlsx', sha256: '0'.repeat(64), fileName: 'x.xlsx' }, attachmentsDir: dir, concurrency },
    ],
    typedSearchAttributes: [{ key: BatchIdKey, value: batchId }],
  });
  const progress = (await handle.result()) as BatchProgress;
  const wall = (performance.now() - t0) / 1000;
  const usage = sampler.stop();
  const requests = requestsPerCase(requestsBefore, await persistenceRequests(serverLog), count);
  const cpu = usage.groups.temporal!.cpuSeconds;
  const timelines = await caseTimelines(
    client,
    rows.map((r) => r.caseId),
  );
  const batch = await batchHistory(client, handle.workflowId, handle.firstExecutionRunId);
  const caseEvents = timelines.reduce((n, t) => n + t.events, 0);
  const caseTasks = timelines.reduce((n, t) => n + t.workflowTasks.length, 0);
  const signals = timelines.reduce((n, t) => n + t.settleSignals, 0);
  const ok = progress.done === count && progress.byOutcome.failed === 0 && timelines.every((t) => !t.failed && t.settleSignals <= 1);
  const report = {
    ok,
    byOutcome: progress.byOutcome,
    wallSeconds: Math.round(wall * 10) / 10,
    serverCpuSeconds: Math.round(cpu * 100) / 100,
    serverCpuSecondsPerCase: Math.round((cpu / count) * 10000) / 10000,
    serverCpuMillisecondsPerEvent: Math.round(((cpu * 1000) / (caseEvents + batch.events)) * 1000) / 1000,
    serverPeakRssMb: Math.round(usage.groups.temporal!.peakRssMb),
    case: { eventsPerCase: caseEvents / count, workflowTasksPerCase: caseTasks / count, settleSignalsPerCase: signals / count },
    batch: { runs: batch.runs, eventsPerCase: batch.events / count, workflowTasksPerCase: batch.workflowTasks / count },
    batchEventTypesPerCase: eventTypesPer([batch.eventTypes], count),
    caseEventTypesPerCase: eventTypesPer(
      timelines.map((t) => t.eventTypes),
      count,
    ),
    persistenceRequestsPerCase: requests.byOperation,
    persistenceRequestsTotalPerCase: requests.total,
    tuning,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  if (!ok) process.exitCode = 1;
} finally {
  for (const w of workers) w.shutdown();
  await Promise.allSettled(running);
  await native.close();
  await connection.close();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
