/**
 * `npm run bench` (tsx bench/run.ts [--cases N] [--concurrency N] [--bot-slots N] [--seed N] [--workers N]
 * [--skip-baseline] [--fresh] [--profile DIR] [--out FILE] [--sweep C,C… [--sweep-slots S,S…]]): the throughput benchmark.
 * `--sweep` runs the stack once per concurrency (× bot slots per worker) on a fresh stack each,
 * without the baseline, and prints a table of them (bench-results/sweep.json).
 *
 * Prepares N mixed cases (default 1,000, a city bureau's daily volume) with their receipts and the
 * intake workbook — not timed —, runs them as one batch through the real stack (Temporal dev server,
 * embedded store, worker processes with their Chromium bots and PP-OCR, the core-system stand-in),
 * then runs the same work as a plain loop in one process (bench/throughput/baseline.ts) against a
 * second, identically seeded stand-in. Prints cases per minute, case latency, OCR seconds per
 * receipt, bot seconds per case, peak worker memory, where the CPU time went, and the orchestration
 * overhead: the stack's wall time over the baseline's. Checks the run cheaply (every case settled
 * once, none failed, every entered case entered once, the audit chains intact, the same decisions as
 * the baseline). Writes bench-results/bench.json and bench-results/bench.svg.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stageBatch, startBatch } from '../activities/submitBatch';
import {
  legacyDataFile,
  loadLegacyData,
  seedCaseFiles,
  startLegacySystem,
  STAND_IN_DEFAULT_CREDENTIALS,
  type Entry,
} from '../fixtures/legacy-system';
import { listCasesByBatch } from '../store/caseRegister';
import { verifyChain } from '../store/verifyChain';
import { exited, startTestStack } from '../harness/stack';
import { botChromiumPath } from '../config/defaults';
import { BOT_STEPS_LOG_PREFIX, DEFAULT_BOT_SLOTS, defaultOcrSlots } from '../worker';
import type { BotStepStats } from '../bots';
import { batchProgressQuery } from '../workflows/messages';
import type { BatchProgress } from '../workflows/types';
import type { BaselineResult, BaselineSpec } from './throughput/baseline';
import { benchChart } from './throughput/chart';
import { batchHistory, caseTimelines, eventTypesPer, mean, percentile, stepFigures, type CaseTimeline } from './throughput/histories';
import { prepareCorpus } from './throughput/prepare';
import { recordHistories } from './throughput/recordHistories';
import { memoryOf, ProcSampler, threadCpu, threadCpuDelta, type Usage } from './throughput/procStats';
import { persistenceRequests, requestsPerCase } from './throughput/serverMetrics';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '8' },
    /** Bot slots (browser contexts) per worker process: ZHISHEN_BOT_SLOTS of the workers. */
    'bot-slots': { type: 'string', default: String(DEFAULT_BOT_SLOTS) },
    /** Concurrencies to sweep, comma-separated (each a run of the stack on a fresh stack, no baseline). */
    sweep: { type: 'string' },
    /** Bot slots per worker to sweep with --sweep, comma-separated; the --bot-slots value when absent. */
    'sweep-slots': { type: 'string' },
    /** Where the report goes; bench-results/bench.json by default. */
    out: { type: 'string' },
    seed: { type: 'string', default: '20261201' },
    workers: { type: 'string', default: '1' },
    'skip-baseline': { type: 'boolean', default: false },
    fresh: { type: 'boolean', default: false },
    /** A directory for V8 CPU profiles of the worker and baseline processes (node --cpu-prof). */
    profile: { type: 'string' },
    /** A directory for decoded histories of a few cases and of the batch, for the replay tests (test/histories). */
    'record-histories': { type: 'string' },
  },
});
const count = positive('cases');
const concurrency = positive('concurrency');
const botSlots = positive('bot-slots');
const seed = positive('seed');
const workerCount = positive('workers');
const ROOT = path.resolve(import.meta.dirname, '..');
const OUT_DIR = path.join(ROOT, 'bench-results');

function positive(name: keyof typeof values): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${String(values[name])}`);
  return n;
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const round = (n: number, digits = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null);

if (values.sweep) {
  await runSweep(values.sweep, values['sweep-slots'] ?? String(botSlots));
  process.exit(process.exitCode ?? 0);
}

// ── Preparation (not timed) ─────────────────────────────────────────────────────────────────────
log(
  `bench: ${count} cases, concurrency ${concurrency}, ${workerCount} worker process(es), seed ${seed}, ${os.availableParallelism()} cores`,
);
const corpus = await prepareCorpus({ seed, count, fresh: values.fresh, log });
const caseFiles = corpus.cases.map((c) => c.caseFile);
const receiptCount = Object.values(corpus.receiptsByForm).reduce((a, b) => a + b, 0);
const byType = { 'lump-sum': 0, transfer: 0, reimbursement: 0 };
for (const c of caseFiles) byType[c.type] += 1;
log(`corpus: ${JSON.stringify(byType)}; receipts ${JSON.stringify(corpus.receiptsByForm)}`);

// Worker and baseline processes inherit it (bench/throughput/profiler.mjs); written when they exit.
if (values.profile) {
  process.env.BENCH_PROFILE_DIR = path.resolve(values.profile);
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import=${path.join(ROOT, 'bench', 'throughput', 'profiler.mjs')}`.trim();
}
const stack = await startTestStack();
const checks: { name: string; ok: boolean; detail: string }[] = [];
const check = (name: string, ok: boolean, detail = '') => {
  checks.push({ name, ok, detail });
  if (!ok) log(`CHECK FAILED: ${name} ${detail}`);
};

try {
  seedCaseFiles(stack.dataDir, caseFiles);
  // Staged as `batch run` stages them (before the clock starts): the workbook under its sha256, the attachments under the batch.
  const batchId = `bench-${seed}-${count}`;
  const batch = await stageBatch(
    stack.dataDir,
    { workbook: corpus.workbook, attachments: corpus.attachmentsDir, concurrency },
    () => batchId,
  );

  const workers = [];
  for (let i = 0; i < workerCount; i++) workers.push(await stack.startWorker({ ZHISHEN_BOT_SLOTS: String(botSlots) }));
  const workerPids = workers.map((w) => w.pid!);
  const temporalPid = stack.temporal.child?.pid;

  // ── The real stack (timed) ──────────────────────────────────────────────────────────────────────
  log(`stack: submitting the batch to Temporal at ${stack.temporal.address}`);
  const sampler = new ProcSampler({
    worker: { pids: () => workerPids, tree: true },
    temporal: { pids: () => (temporalPid ? [temporalPid] : []), tree: true },
    // This process: the core-system stand-in, the embedded store's server, the client.
    bench: { pids: () => [process.pid], tree: false },
  });
  const threadsBefore = workerPids.map((pid) => threadCpu(pid));
  const serverLog = path.join(stack.dataDir, 'temporal', 'temporal-server.log');
  const requestsBefore = await persistenceRequests(serverLog);
  const startedAt = Date.now();
  const t0 = performance.now();
  const handle = stack.client.workflow.getHandle(await startBatch(stack.client, batch));
  const firstBatchRun = (await handle.describe()).runId;
  const ticker = setInterval(() => {
    handle.query(batchProgressQuery).then(
      (p) => log(`  ${((performance.now() - t0) / 1000).toFixed(0)} s: ${p.done}/${p.total} settled`),
      () => {},
    );
  }, 15_000);
  let progress: BatchProgress;
  try {
    progress = (await handle.result()) as BatchProgress;
  } finally {
    clearInterval(ticker);
  }
  const stackWall = (performance.now() - t0) / 1000;
  const stackUsage = sampler.stop();
  const serverRequests = requestsPerCase(requestsBefore, await persistenceRequests(serverLog), count);
  const workerMemory = workerPids.map((pid) => memoryOf(pid));
  const workerThreads = workerPids.map((pid, i) => threadCpuDelta(threadsBefore[i]!, threadCpu(pid)));
  log(`stack: ${progress.done} cases in ${stackWall.toFixed(1)} s`);

  // ── What happened, from Temporal's histories, the store and the stand-in (not timed) ────────────
  const caseIds = caseFiles.map((c) => c.caseId);
  const timelines = await caseTimelines(stack.client, caseIds);
  const batchRuns = await batchHistory(stack.client, handle.workflowId, firstBatchRun);
  if (values['record-histories']) {
    const typeOf = new Map(caseFiles.map((c) => [c.caseId, c.type]));
    const files = await recordHistories(stack.client, path.resolve(values['record-histories']), timelines, (id) => typeOf.get(id)!, {
      workflowId: handle.workflowId,
      runIds: batchRuns.runIds,
    });
    log(`histories written: ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  }
  const registered = await listCasesByBatch(stack.store, batchId);
  const entries = loadLegacyData(legacyDataFile(stack.dataDir)).entries ?? [];
  checkStack(progress, timelines, registered, entries);
  const chain = await verifyChain(stack.store);
  check('audit chains intact', chain.ok && chain.cases === count, JSON.stringify(chain));
  const notices = fs.existsSync(path.join(stack.dataDir, 'notices'))
    ? fs.readdirSync(path.join(stack.dataDir, 'notices')).filter((f) => f.endsWith('.pdf')).length
    : 0;
  const closed = registered.filter((c) => c.status === 'closed').length;
  check('a notice per closed case', notices === closed, `${notices} notices, ${closed} closed`);

  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => Promise.race([exited(w), new Promise((r) => setTimeout(r, 20_000))])));
  const botSteps = botStepsOfWorkers(stack.workerLogs());

  // ── The baseline: a plain loop, same work, same concurrency (timed) ─────────────────────────────
  let baseline: (BaselineResult & { usage: Usage; peakRssMb: number | null; threads: Record<string, number> }) | null = null;
  if (!values['skip-baseline']) baseline = await runBaselineProcess(batch.attachmentsDir ?? corpus.attachmentsDir);

  // ── Figures ──────────────────────────────────────────────────────────────────────────────────────
  const latencies = timelines.filter((t) => t.settledMs !== null).map((t) => (t.settledMs! - t.startMs) / 1000);
  const steps = stepFigures(timelines);
  const ocrRun = timelines.flatMap((t) => t.activities.filter((a) => a.type === 'readReceipts' && a.ok));
  const receiptsRead = timelines.reduce(
    (n, t) => n + (t.activities.some((a) => a.type === 'readReceipts' && a.ok) ? (corpus.attachments.get(t.caseId)?.length ?? 0) : 0),
    0,
  );
  const ocrSecondsPerReceipt = ocrRun.reduce((s, a) => s + (a.closedMs - a.startedMs) / 1000, 0) / Math.max(1, receiptsRead);
  const botSeconds = timelines.reduce(
    (s, t) =>
      s +
      t.activities
        .filter((a) => a.type === 'readFacts' || a.type === 'enterResult')
        .reduce((x, a) => x + (a.closedMs - a.startedMs) / 1000, 0),
    0,
  );
  const workflowTasks = timelines.flatMap((t) => t.workflowTasks);
  const perCase = timelines.map((t) => {
    const end = t.settledMs ?? t.startMs;
    const inActivities = t.activities.filter((a) => a.closedMs <= end + 1).reduce((s, a) => s + (a.closedMs - a.startedMs), 0);
    const queued = t.activities.filter((a) => a.closedMs <= end + 1).reduce((s, a) => s + (a.startedMs - a.scheduledMs), 0);
    return { total: (end - t.startMs) / 1000, activities: inActivities / 1000, queued: queued / 1000 };
  });
  const peakWorkerRss = Math.max(...workerMemory.map((m) => m?.peakMb ?? 0));
  const outcomes = { approve: 0, reject: 0, review: 0 };
  for (const c of registered) if (c.outcome && c.outcome in outcomes) outcomes[c.outcome as keyof typeof outcomes] += 1;

  const cpuOf = (u: Usage, group: string, command?: string) => {
    const g = u.groups[group];
    if (!g) return 0;
    if (!command) return g.cpuSeconds;
    return Object.entries(g.byCommand)
      .filter(([c]) => c.startsWith(command))
      .reduce((s, [, v]) => s + v, 0);
  };
  const stackCpu = {
    workerNode: cpuOf(stackUsage, 'worker', 'node'),
    workerChromium: cpuOf(stackUsage, 'worker') - cpuOf(stackUsage, 'worker', 'node'),
    temporal: cpuOf(stackUsage, 'temporal'),
    benchProcess: cpuOf(stackUsage, 'bench'),
  };
  const stackOurs = Object.values(stackCpu).reduce((a, b) => a + b, 0);
  const cores = os.availableParallelism();

  const report = {
    generatedAt: new Date(startedAt).toISOString(),
    cases: count,
    casesPerMinute: round((count / stackWall) * 60, 1),
    p50Seconds: round(percentile(latencies, 50)),
    p95Seconds: round(percentile(latencies, 95)),
    overheadRatio: baseline ? round(stackWall / baseline.wallSeconds) : null,
    ocrSecondsPerReceipt: round(ocrSecondsPerReceipt, 3),
    botSecondsPerCase: round(botSeconds / count, 3),
    workerPeakRssMb: round(peakWorkerRss, 0),
    /** The worker processes' Chromium (every process under the worker not named node), CPU seconds per case. */
    chromiumCoreSecondsPerCase: round(stackCpu.workerChromium / count, 3),
    /** The same by Chromium process type (browser, renderer, gpu-process, utility:network…). */
    chromiumCoreSecondsPerCaseByProcess: perCaseByProcess(stackUsage.groups.worker!.byChromiumType, count),
    /** Documents the core system served the bots (redirects included), per case, from the workers' own count. */
    pageLoadsPerCase: botSteps ? round(sumLoads(botSteps) / count) : null,
    pageLoadsPerCaseByType: botSteps ? loadsByType(botSteps, byType) : null,
    botSteps,
    /** How long readFacts waited for a bot slot (scheduled → started), on average. */
    readFactsQueueSeconds: round(steps.readFacts?.meanQueueSeconds ?? NaN, 3),
    workerTreePeakRssMb: round(stackUsage.groups.worker!.peakRssMb, 0),
    wallSeconds: round(stackWall, 1),
    latencySource:
      'Temporal history event times: WorkflowExecutionStarted → SignalExternalWorkflowExecutionInitiated (the case telling its batch it waits for a clerk, or is closed) or, for a case that reported by closing, WorkflowExecutionCompleted',
    options: {
      concurrency,
      workers: workerCount,
      seed,
      botSlotsPerWorker: botSlots,
      ocrSlotsPerWorker: defaultOcrSlots(),
      ocrThreadsPerRun: stack.config.worker.ocrThreads,
      botTrace: stack.config.worker.botTrace,
      receiptMix: corpus.receiptsByForm,
    },
    byType,
    outcomes,
    receipts: { total: receiptCount, read: receiptsRead },
    steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, roundAll(v)])),
    activityCalls: {
      /** Ordinary activities (each its own task and events on the server) and local ones (a marker in a workflow task). */
      perCase: round(timelines.reduce((n, t) => n + t.activities.length, 0) / count, 2),
      localPerCase: round(timelines.reduce((n, t) => n + t.localActivities, 0) / count, 2),
      historyEventsPerCase: round(timelines.reduce((n, t) => n + t.events, 0) / count, 1),
    },
    /** What the batch workflow stored per case, over all its runs: child start, started, completed, settle signals, its workflow tasks. */
    batchHistory: {
      runs: batchRuns.runs,
      eventsPerCase: round(batchRuns.events / count, 2),
      workflowTasksPerCase: round(batchRuns.workflowTasks / count, 2),
      eventTypesPerCase: eventTypesPer([batchRuns.eventTypes], count),
    },
    /** The case workflows' own events per case, by type. */
    caseEventTypesPerCase: eventTypesPer(
      timelines.map((t) => t.eventTypes),
      count,
    ),
    /** Temporal server CPU seconds per case, and per history event (the cases' and the batch's). */
    temporalServer: {
      cpuSecondsPerCase: round(stackCpu.temporal / count, 3),
      cpuMillisecondsPerEvent: round((stackCpu.temporal * 1000) / (timelines.reduce((n, t) => n + t.events, 0) + batchRuns.events), 3),
      /** Its SQLite operations per case, by operation: unlike its CPU, they do not move with the machine's load. */
      persistenceRequestsPerCase: serverRequests.total,
      persistenceRequestsByOperation: serverRequests.byOperation,
    },
    workflowTasks: {
      count: workflowTasks.length,
      perCase: round(workflowTasks.length / count, 1),
      meanQueueSeconds: round(mean(workflowTasks.map((w) => w.queueMs / 1000)), 3),
      meanRunSeconds: round(mean(workflowTasks.map((w) => w.runMs / 1000)), 3),
    },
    latencyBreakdown: {
      meanSeconds: round(mean(perCase.map((p) => p.total))),
      meanInActivitiesSeconds: round(mean(perCase.map((p) => p.activities))),
      meanActivityQueueSeconds: round(mean(perCase.map((p) => p.queued))),
      meanOtherSeconds: round(mean(perCase.map((p) => p.total - p.activities - p.queued))),
    },
    cpu: {
      cores,
      capacitySeconds: round(cores * stackWall, 1),
      stack: roundAll(stackCpu),
      machineBusySeconds: round(stackUsage.machine.busySeconds, 1),
      otherProcessesSeconds: round(stackUsage.machine.busySeconds - stackOurs, 1),
      perCaseSeconds: round(stackOurs / count, 3),
      byCommand: Object.fromEntries(Object.entries(stackUsage.groups).map(([g, u]) => [g, roundAll(u.byCommand)])),
      /** CPU seconds of each worker process's threads, by thread name. */
      workerThreads,
    },
    workerMemory,
    /** Resident sets over the run (about 60 points), to see whether the worker's memory keeps growing. */
    rssTimeline: stackUsage.timeline
      .filter((_, i, all) => i % Math.max(1, Math.floor(all.length / 60)) === 0 || i === all.length - 1)
      .map((p) => ({ t: round(p.t, 0), ...roundAll(p.rssMb) })),
    baseline: baseline && {
      wallSeconds: round(baseline.wallSeconds, 1),
      casesPerMinute: round((count / baseline.wallSeconds) * 60, 1),
      p50Seconds: round(
        percentile(
          baseline.cases.map((c) => (c.settledMs - c.startMs) / 1000),
          50,
        ),
      ),
      p95Seconds: round(
        percentile(
          baseline.cases.map((c) => (c.settledMs - c.startMs) / 1000),
          95,
        ),
      ),
      ocrSecondsPerReceipt: round(
        baseline.cases.reduce((s, c) => s + c.ocrMs, 0) /
          1000 /
          Math.max(
            1,
            baseline.cases.reduce((s, c) => s + c.receipts, 0),
          ),
        3,
      ),
      botSecondsPerCase: round(baseline.cases.reduce((s, c) => s + c.factsMs + c.enterMs, 0) / 1000 / count, 3),
      chromiumCoreSecondsPerCase: round((cpuOf(baseline.usage, 'baseline') - cpuOf(baseline.usage, 'baseline', 'node')) / count, 3),
      chromiumCoreSecondsPerCaseByProcess: perCaseByProcess(baseline.usage.groups.baseline!.byChromiumType, count),
      pageLoadsPerCase: round(sumLoads(baseline.botSteps) / count),
      pageLoadsPerCaseByType: loadsByType(baseline.botSteps, byType),
      meanStepSeconds: {
        readFacts: round(mean(baseline.cases.map((c) => c.factsMs / 1000)), 3),
        readReceipts: round(mean(baseline.cases.filter((c) => c.receipts > 0).map((c) => c.ocrMs / 1000)), 3),
        decide: round(mean(baseline.cases.map((c) => c.decideMs / 1000)), 4),
        enterResult: round(mean(baseline.cases.filter((c) => c.entered).map((c) => c.enterMs / 1000)), 3),
      },
      retries: baseline.retries,
      peakRssMb: baseline.peakRssMb === null ? null : round(baseline.peakRssMb, 0),
      treePeakRssMb: round(baseline.usage.groups.baseline!.peakRssMb, 0),
      cpu: {
        node: round(cpuOf(baseline.usage, 'baseline', 'node'), 1),
        chromium: round(cpuOf(baseline.usage, 'baseline') - cpuOf(baseline.usage, 'baseline', 'node'), 1),
        standIn: round(cpuOf(baseline.usage, 'bench'), 1),
        machineBusySeconds: round(baseline.usage.machine.busySeconds, 1),
        otherProcessesSeconds: round(
          baseline.usage.machine.busySeconds - cpuOf(baseline.usage, 'baseline') - cpuOf(baseline.usage, 'bench'),
          1,
        ),
        threads: baseline.threads,
      },
    },
    checks,
    machine: {
      cores,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: round(os.totalmem() / 2 ** 30, 0),
      node: process.version,
      loadAverageAtEnd: os.loadavg().map((l) => round(l)),
    },
  };

  fs.mkdirSync(OUT_DIR, { recursive: true });
  const jsonFile = values.out ?? path.join(OUT_DIR, 'bench.json');
  const svgFile = jsonFile.replace(/\.json$/, '') + '.svg';
  fs.writeFileSync(jsonFile, JSON.stringify(report, null, 2));
  fs.writeFileSync(
    svgFile,
    benchChart({
      title: `${count} cases, concurrency ${concurrency}, ${cores} cores: the stack vs a plain loop`,
      cores,
      series: [
        {
          label: 'stack',
          colour: '#1f77b4',
          settledSeconds: timelines.filter((t) => t.settledMs !== null).map((t) => (t.settledMs! - startedAt) / 1000),
        },
        ...(baseline ? [{ label: 'plain loop', colour: '#999999', settledSeconds: baseline.cases.map((c) => c.settledMs / 1000) }] : []),
      ],
      cpu: [
        {
          label: 'stack',
          wallSeconds: stackWall,
          parts: [
            { label: 'node (worker / loop)', seconds: stackCpu.workerNode },
            { label: 'Chromium', seconds: stackCpu.workerChromium },
            { label: 'Temporal server', seconds: stackCpu.temporal },
            { label: 'stand-in + store', seconds: stackCpu.benchProcess },
            { label: 'other processes', seconds: Math.max(0, stackUsage.machine.busySeconds - stackOurs) },
          ],
        },
        ...(baseline
          ? [
              {
                label: 'plain loop',
                wallSeconds: baseline.wallSeconds,
                parts: [
                  { label: 'node (worker / loop)', seconds: cpuOf(baseline.usage, 'baseline', 'node') },
                  { label: 'Chromium', seconds: cpuOf(baseline.usage, 'baseline') - cpuOf(baseline.usage, 'baseline', 'node') },
                  { label: 'Temporal server', seconds: 0 },
                  { label: 'stand-in + store', seconds: cpuOf(baseline.usage, 'bench') },
                  {
                    label: 'other processes',
                    seconds: Math.max(
                      0,
                      baseline.usage.machine.busySeconds - cpuOf(baseline.usage, 'baseline') - cpuOf(baseline.usage, 'bench'),
                    ),
                  },
                ],
              },
            ]
          : []),
      ],
    }),
  );
  printTable(report);
  log(`written to ${path.relative(process.cwd(), jsonFile)} and ${path.relative(process.cwd(), svgFile)}`);
  if (checks.some((c) => !c.ok)) process.exitCode = 1;

  // ── Helpers that need the run's state ───────────────────────────────────────────────────────────
  function checkStack(p: BatchProgress, tl: CaseTimeline[], reg: Awaited<ReturnType<typeof listCasesByBatch>>, ents: Entry[]) {
    check(
      'batch: every case done, none failed',
      p.total === count && p.done === count && p.byOutcome.failed === 0 && p.alreadyProcessed === 0 && p.invalidRows === 0,
      JSON.stringify(p.byOutcome),
    );
    // Told by its settle signal, or (its batch taking the child's completion) by closing without one.
    const notOnce = tl.filter((t) => t.failed || t.settleSignals > 1 || (t.settleSignals === 0 && t.completedMs === null));
    check(
      'every case settled exactly once',
      notOnce.length === 0,
      notOnce
        .slice(0, 5)
        .map((t) => `${t.caseId}: ${t.settleSignals} signals${t.failed ? ', failed' : ''}`)
        .join('; '),
    );
    check('every case registered', reg.length === count, `${reg.length} registered`);
    const closedCases = reg.filter((c) => c.status === 'closed');
    const entered = new Map<string, Entry[]>();
    for (const e of ents) entered.set(e.caseId, [...(entered.get(e.caseId) ?? []), e]);
    const twice = [...entered].filter(([, list]) => list.length > 1).map(([id]) => id);
    check('no case entered twice', twice.length === 0, twice.slice(0, 5).join(', '));
    const wrong = closedCases.filter((c) => {
      const [e] = entered.get(c.caseId) ?? [];
      return !e || e.outcome !== c.outcome || money(e.amount) !== money(c.amount);
    });
    check(
      'entries in the core system == cases closed (outcome and amount)',
      wrong.length === 0 && ents.length === closedCases.length,
      `${ents.length} entries, ${closedCases.length} closed, ${wrong.length} missing or different`,
    );
    check(
      'the other cases wait for a clerk',
      reg.every((c) => c.status === 'closed' || c.status === 'review'),
      JSON.stringify(reg.filter((c) => c.status !== 'closed' && c.status !== 'review').slice(0, 3)),
    );
  }

  async function runBaselineProcess(stagedAttachments: string) {
    log('baseline: a second stand-in, seeded identically; a plain loop in one process');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-bench-baseline-'));
    try {
      seedCaseFiles(dir, caseFiles);
      const legacy = await startLegacySystem({ dataFile: legacyDataFile(dir), port: 0, users: [STAND_IN_DEFAULT_CREDENTIALS] });
      try {
        const spec: BaselineSpec = {
          workbook: corpus.workbook,
          attachmentsDir: stagedAttachments,
          legacyUrl: legacy.url,
          concurrency,
          botSlots: botSlots * workerCount,
          ocrSlots: defaultOcrSlots() * workerCount,
          ocrThreads: stack.config.worker.ocrThreads,
          evidenceDir: path.join(dir, 'evidence'),
          botTrace: stack.config.worker.botTrace,
          chromiumPath: stack.config.botChromiumPath ?? botChromiumPath(),
        };
        const specFile = path.join(dir, 'spec.json');
        const outFile = path.join(dir, 'result.json');
        fs.writeFileSync(specFile, JSON.stringify(spec));
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', path.join(ROOT, 'bench', 'throughput', 'baseline.ts'), specFile, outFile],
          { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
        );
        const sampler = new ProcSampler({
          baseline: { pids: () => [child.pid!], tree: true },
          bench: { pids: () => [process.pid], tree: false },
        });
        let peakRssMb: number | null = null;
        let firstThreads: Record<string, number> | null = null;
        let lastThreads: Record<string, number> = {};
        const memo = setInterval(() => {
          const m = memoryOf(child.pid!);
          if (m) peakRssMb = m.peakMb;
          const t = threadCpu(child.pid!);
          if (Object.keys(t).length > 0) {
            firstThreads ??= t;
            lastThreads = t;
          }
        }, 500);
        const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
        clearInterval(memo);
        const usage = sampler.stop();
        if (code !== 0) throw new Error(`baseline exited with ${code}`);
        const result = JSON.parse(fs.readFileSync(outFile, 'utf8')) as BaselineResult;
        log(`baseline: ${result.cases.length} cases in ${result.wallSeconds.toFixed(1)} s`);
        const baseEntries = loadLegacyData(legacyDataFile(dir)).entries ?? [];
        const enteredCount = result.cases.filter((c) => c.entered).length;
        check(
          'baseline: every case once',
          result.cases.length === count && new Set(result.cases.map((c) => c.caseId)).size === count,
          `${result.cases.length} cases`,
        );
        check(
          'baseline: entries == cases entered',
          baseEntries.length === enteredCount && new Set(baseEntries.map((e) => e.caseId)).size === enteredCount,
          `${baseEntries.length} entries, ${enteredCount} entered`,
        );
        const byCase = new Map(registered.map((c) => [c.caseId, c]));
        const differ = result.cases.filter((c) => {
          const s = byCase.get(c.caseId);
          return !s || s.outcome !== c.outcome || money(s.amount) !== money(c.amount);
        });
        check(
          'baseline decides every case as the stack did',
          differ.length === 0,
          differ
            .slice(0, 5)
            .map((c) => `${c.caseId}: ${c.outcome} ${c.amount} vs ${byCase.get(c.caseId)?.outcome} ${byCase.get(c.caseId)?.amount}`)
            .join('; '),
        );
        return { ...result, usage, peakRssMb, threads: threadCpuDelta(firstThreads ?? {}, lastThreads) };
      } finally {
        await legacy.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  await stack.stop();
}

/** Money as the store ("1234.50") and the core system ("1234.50") print it, compared in fen. */
function money(amount: string | null | undefined): string | null {
  return amount === null || amount === undefined ? null : String(Math.round(Number(amount) * 100));
}

function roundAll<T extends object>(o: T): Record<keyof T, number | null> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v, 3)])) as Record<keyof T, number | null>;
}

/** Chromium CPU seconds by process type, per case, largest first. */
function perCaseByProcess(byType: Record<string, number>, count: number): Record<string, number | null> {
  return Object.fromEntries(
    Object.entries(byType)
      .filter(([, v]) => v >= 0.0005 * count)
      .sort((a, b) => b[1] - a[1])
      .map(([t, v]) => [t, round(v / count, 3)]),
  );
}

/** `renderer 0.31 · browser 0.12 · …` for the table. */
function byProcess(perCase: unknown): string {
  if (!perCase) return '—';
  return Object.entries(perCase as Record<string, number>)
    .map(([t, v]) => `${t.replace(/^utility:/, '').replace(/-process$/, '')} ${v}`)
    .join(' · ');
}

function printTable(r: Record<string, unknown> & { baseline: unknown }): void {
  const b = r.baseline as Record<string, unknown> | null;
  const cpu = r.cpu as {
    cores: number;
    capacitySeconds: number;
    stack: Record<string, number>;
    machineBusySeconds: number;
    otherProcessesSeconds: number;
    perCaseSeconds: number;
  };
  const bcpu = b?.cpu as Record<string, number> | undefined;
  const rows: [string, string, string][] = [
    ['', 'stack', 'plain loop'],
    ['cases', String(r.cases), b ? String(r.cases) : '—'],
    ['wall time (s)', String(r.wallSeconds), String(b?.wallSeconds ?? '—')],
    ['cases / minute', String(r.casesPerMinute), String(b?.casesPerMinute ?? '—')],
    ['case latency p50 / p95 (s)', `${r.p50Seconds} / ${r.p95Seconds}`, b ? `${b.p50Seconds} / ${b.p95Seconds}` : '—'],
    ['OCR s / receipt', String(r.ocrSecondsPerReceipt), String(b?.ocrSecondsPerReceipt ?? '—')],
    ['bot s / case (read + enter)', String(r.botSecondsPerCase), String(b?.botSecondsPerCase ?? '—')],
    ['Chromium core-s / case', String(r.chromiumCoreSecondsPerCase), String(b?.chromiumCoreSecondsPerCase ?? '—')],
    ['  by process', byProcess(r.chromiumCoreSecondsPerCaseByProcess), byProcess(b?.chromiumCoreSecondsPerCaseByProcess)],
    ['page loads / case', String(r.pageLoadsPerCase ?? '—'), String(b?.pageLoadsPerCase ?? '—')],
    ...(['lump-sum', 'transfer', 'reimbursement'] as const).map((t): [string, string, string] => [
      `  page loads / ${t} case`,
      String((r.pageLoadsPerCaseByType as Record<string, number> | null)?.[t] ?? '—'),
      String((b?.pageLoadsPerCaseByType as Record<string, number> | undefined)?.[t] ?? '—'),
    ]),
    [
      'peak RSS worker node / tree (MB)',
      `${r.workerPeakRssMb} / ${r.workerTreePeakRssMb}`,
      b ? `${b.peakRssMb} / ${b.treePeakRssMb}` : '—',
    ],
    ['CPU s: node (worker / loop)', String(round(cpu.stack.workerNode!, 1)), String(bcpu?.node ?? '—')],
    ['CPU s: Chromium', String(round(cpu.stack.workerChromium!, 1)), String(bcpu?.chromium ?? '—')],
    ['CPU s: Temporal server', String(round(cpu.stack.temporal!, 1)), '0'],
    ['CPU s: stand-in (+ store, client)', String(round(cpu.stack.benchProcess!, 1)), String(bcpu?.standIn ?? '—')],
    ['CPU s: other processes on the machine', String(cpu.otherProcessesSeconds), String(bcpu?.otherProcessesSeconds ?? '—')],
    ['CPU s available (cores × wall)', String(cpu.capacitySeconds), b ? String(round(cpu.cores * (b.wallSeconds as number), 1)) : '—'],
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
  log(`overhead (stack wall / plain loop wall): ${r.overheadRatio ?? '—'}×`);
  log(`readFacts waited for a bot slot ${r.readFactsQueueSeconds} s on average`);
  const steps = r.steps as Record<string, { count: number; meanQueueSeconds: number; meanRunSeconds: number; totalRunSeconds: number }>;
  log('activity            count  mean queue s  mean run s  total run s');
  for (const [name, s] of Object.entries(steps).sort((x, y) => y[1].totalRunSeconds - x[1].totalRunSeconds)) {
    log(
      `${name.padEnd(18)}  ${String(s.count).padStart(5)}  ${String(s.meanQueueSeconds).padStart(12)}  ${String(s.meanRunSeconds).padStart(10)}  ${String(s.totalRunSeconds).padStart(11)}`,
    );
  }
  const ac = r.activityCalls as Record<string, number>;
  log(`activity calls per case: ${ac.perCase} ordinary, ${ac.localPerCase} local; history events per case ${ac.historyEventsPerCase}`);
  const wt = r.workflowTasks as Record<string, number>;
  log(`workflow tasks: ${wt.count} (${wt.perCase} per case), mean queue ${wt.meanQueueSeconds} s, mean run ${wt.meanRunSeconds} s`);
  const bh = r.batchHistory as {
    runs: number;
    eventsPerCase: number;
    workflowTasksPerCase: number;
    eventTypesPerCase: Record<string, number>;
  };
  log(`batch workflow per case: ${bh.eventsPerCase} events, ${bh.workflowTasksPerCase} workflow tasks (${bh.runs} run(s))`);
  log(
    `  ${Object.entries(bh.eventTypesPerCase)
      .map(([t, n]) => `${t} ${n}`)
      .join(' · ')}`,
  );
  log(
    `case workflow events per case: ${Object.entries(r.caseEventTypesPerCase as Record<string, number>)
      .map(([t, n]) => `${t} ${n}`)
      .join(' · ')}`,
  );
  const ts = r.temporalServer as { cpuSecondsPerCase: number; cpuMillisecondsPerEvent: number; persistenceRequestsPerCase: number };
  log(
    `Temporal server: ${ts.cpuSecondsPerCase} CPU s per case, ${ts.cpuMillisecondsPerEvent} CPU ms per history event, ${ts.persistenceRequestsPerCase} SQLite operations per case`,
  );
  for (const c of r.checks as { name: string; ok: boolean; detail: string }[])
    log(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}${c.ok ? '' : ` — ${c.detail}`}`);
}

/** The bots' steps of every worker process, from the line each logs at shutdown; null when none did. */
function botStepsOfWorkers(logs: string[]): Record<string, BotStepStats> | null {
  const all: Record<string, BotStepStats> = {};
  let found = false;
  for (const text of logs) {
    for (const line of text.split('\n')) {
      const at = line.indexOf(BOT_STEPS_LOG_PREFIX);
      if (at < 0) continue;
      found = true;
      for (const [kind, s] of Object.entries(JSON.parse(line.slice(at + BOT_STEPS_LOG_PREFIX.length)) as Record<string, BotStepStats>)) {
        const a = all[kind] ?? { steps: 0, pageLoads: 0, milliseconds: 0 };
        all[kind] = { steps: a.steps + s.steps, pageLoads: a.pageLoads + s.pageLoads, milliseconds: a.milliseconds + s.milliseconds };
      }
    }
  }
  return found ? all : null;
}

function sumLoads(steps: Record<string, BotStepStats>): number {
  return Object.values(steps).reduce((n, s) => n + s.pageLoads, 0);
}

/** Page loads per case of each business: its reads and entries (retries and re-logins included) over its cases. */
function loadsByType(steps: Record<string, BotStepStats>, cases: Record<string, number>): Record<string, number | null> {
  return Object.fromEntries(
    Object.entries(cases).map(([type, n]) => {
      const loads = Object.entries(steps)
        .filter(([kind]) => kind.startsWith(`${type}/`))
        .reduce((sum, [, s]) => sum + s.pageLoads, 0);
      return [type, n > 0 ? round(loads / n) : null];
    }),
  );
}

/** `--sweep`: the stack at each concurrency × bot slots, one fresh stack and child process per point, then a table. */
async function runSweep(concurrencies: string, slotList: string): Promise<void> {
  const list = (text: string, what: string) =>
    text.split(',').map((v) => {
      const n = Number(v.trim());
      if (!Number.isInteger(n) || n < 1) throw new Error(`--${what} takes positive integers separated by commas, got ${text}`);
      return n;
    });
  const points = list(concurrencies, 'sweep').flatMap((c) => list(slotList, 'sweep-slots').map((sl) => ({ concurrency: c, slots: sl })));
  const results: Record<string, unknown>[] = [];
  fs.mkdirSync(OUT_DIR, { recursive: true });
  for (const point of points) {
    const out = path.join(OUT_DIR, `sweep-c${point.concurrency}-s${point.slots}.json`);
    log(`sweep: concurrency ${point.concurrency}, ${point.slots} bot slots per worker`);
    const args = ['--import', 'tsx', path.join(ROOT, 'bench', 'run.ts'), '--skip-baseline', '--out', out];
    args.push('--cases', String(count), '--seed', String(seed), '--workers', String(workerCount));
    args.push('--concurrency', String(point.concurrency), '--bot-slots', String(point.slots));
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    if (code !== 0) {
      log(`sweep: the run at concurrency ${point.concurrency}, ${point.slots} slots exited with ${code}`);
      process.exitCode = 1;
      continue;
    }
    const r = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>;
    results.push({
      concurrency: point.concurrency,
      botSlots: point.slots,
      casesPerMinute: r.casesPerMinute,
      p95Seconds: r.p95Seconds,
      readFactsQueueSeconds: r.readFactsQueueSeconds,
      chromiumCoreSecondsPerCase: r.chromiumCoreSecondsPerCase,
      workerPeakRssMb: r.workerPeakRssMb,
      workerTreePeakRssMb: r.workerTreePeakRssMb,
      otherProcessesCpuSeconds: (r.cpu as { otherProcessesSeconds: number }).otherProcessesSeconds,
    });
  }
  fs.writeFileSync(path.join(OUT_DIR, 'sweep.json'), JSON.stringify({ cases: count, seed, workers: workerCount, results }, null, 2));
  const header = [
    'concurrency',
    'bot slots',
    'cases/min',
    'p95 s',
    'readFacts wait s',
    'Chromium core-s/case',
    'worker RSS MB',
    'tree RSS MB',
    'other CPU s',
  ];
  const rows = results.map((r) =>
    [
      r.concurrency,
      r.botSlots,
      r.casesPerMinute,
      r.p95Seconds,
      r.readFactsQueueSeconds,
      r.chromiumCoreSecondsPerCase,
      r.workerPeakRssMb,
      r.workerTreePeakRssMb,
      r.otherProcessesCpuSeconds,
    ].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  for (const row of [header, ...rows]) log(row.map((cell, i) => cell.padStart(widths[i]!)).join('  '));
  log('written to bench-results/sweep.json (other CPU s: what other processes on the machine used meanwhile)');
}
