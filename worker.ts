import { currentBuild } from './audit/ruleSetVersion';
import { restrictNewFilesToOwner } from './security/ownerOnly';
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, legacyBotActivities, type ActivityDeps } from './activities';
import { createReviewActivities } from './activities/review';
import { caseWatchActivities } from './activities/caseWatch';
import { withLeanCase } from './activities/leanCase';
import { browserCoreSystem } from './activities/coreSystem';
import { createBrowserPool } from './bots';
import { createReceiptReader, ocrActivities, type ReceiptReader, type ReceiptReaderOptions } from './ocr';
import { availableParallelism } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { noticeActivities } from './notices/activities';
import { auditActivities } from './audit/activities';
import { scheduleActivities } from './schedules/activities';
import { notificationActivities } from './notifications/activities';
import { configuredSenders, startDeliveryLoop, type DeliveryLoop } from './notifications/deliver';
import { createNotifier } from './notifications/notifier';
import { notifySettings } from './notifications/settings';
import { ZHISHEN_VERSION } from './activities/version';
import { loadConfig, type AppConfig, type TaskQueueName } from './config/env';
import { configuredTarget, connectionOptions, describeTarget } from './temporal/connection';
import { configuredDataConverter, FAILURE_CONVERTER_PATH } from './temporal/dataConverter';
import { createLogger, type Logger } from './logging/logger';
import { installRuntimeLogger, temporalLoggerFor } from './logging/temporalLogger';
import { openAppStore } from './config/openAppStore';
import { startCheckpointTimer, trailCheckpointer } from './audit/checkpointing';
import { checkpointSignerFromConfig } from './security/checkpointKey';
import { checkpointExportDir } from './store/checkpoints';
import { TASK_QUEUES } from './workflows/types';
import { untilStopSignal } from './lifecycle/stopSignal';
import { missingYearsAround } from './rules/calendar';
import { loadBureauCalendar } from './store/calendarYears';
import type { Store } from './store';
import { beijingDate } from './time/beijing';

const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

/** Bot steps at once per process by default, each in its own logged-in browser context. */
export const DEFAULT_BOT_SLOTS = 4;
/** Starts the line a worker logs at shutdown with its bots' steps and page loads (JSON after it). */
export const BOT_STEPS_LOG_PREFIX = 'bot steps by business: ';
/** OCR is CPU-bound: one receipt per core at a time. */
export const defaultOcrSlots = (): number => Math.max(1, availableParallelism());

export interface WorkerOptions {
  config: AppConfig;
  /** What the activities need; the core system (a browser pool of bots) is created here unless given. */
  deps: ActivityDeps;
  logger: Logger;
  /** Bot steps running at once in this process, each in its own logged-in browser context. */
  botSlots?: number;
  /** A prebuilt bundle, so tests that start several workers bundle once. */
  workflowBundle?: WorkflowBundle;
  /** The task queues to serve; default the configuration's (ZHISHEN_WORKER_QUEUES, all three). */
  queues?: readonly TaskQueueName[];
}

export interface RunningWorkers {
  /** Resolves when every worker has stopped; rejects if one failed. */
  done: Promise<void>;
  /** Stops polling, lets running tasks finish, then resolves. */
  shutdown(): Promise<void>;
}

/** The `ocr` queue's reader: the engine ZHISHEN_OCR_ENGINE names, one per process, loaded with the first receipt. */
export function workerReceiptReader(
  config: Pick<AppConfig, 'worker'>,
  queues: Iterable<TaskQueueName> = config.worker.queues,
): ReceiptReader {
  return createReceiptReader(workerReaderOptions(config, queues));
}

/**
 * How a worker's reader is made. A process that serves the `ocr` queue alone reads each of its slots'
 * receipts in a model thread of its own (a copy of the models each): its cores have nothing else to
 * do, and two model runs of one thread keep two cores busier than one run of two (`client.ts ocr`
 * reads so). A process that also runs bots and workflows keeps one model thread: there the cores are
 * already busy and a second copy of the models did not shorten the benchmark's run
 * (docs/bots-performance.md, "One model thread beside the bots").
 */
export function workerReaderOptions(
  config: Pick<AppConfig, 'worker'>,
  queues: Iterable<TaskQueueName> = config.worker.queues,
): ReceiptReaderOptions {
  const served = new Set(queues);
  const atOnce = config.worker.ocrSlots ?? defaultOcrSlots();
  const ocrAlone = served.size === 1 && served.has(TASK_QUEUES.ocr);
  return { engine: config.worker.ocrEngine, threads: config.worker.ocrThreads, pages: ocrAlone ? atOnce : 1, poolSize: atOnce };
}

/** Bundles the workflow code once (webpack), for workers that start several times in one process. */
export function bundleWorkflows(logger: Logger): Promise<WorkflowBundle> {
  // webpack's report goes to the log file, not the terminal.
  // The failure converter runs in the sandbox too: a workflow's own failures are sealed like an activity's.
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: temporalLoggerFor(logger),
  });
}

/**
 * Runs the workers of one process: workflows and the default activities, the `ocr` queue and the
 * `legacy-bots` queue, each with its own concurrency. A larger installation runs them as separate
 * processes (ZHISHEN_WORKER_QUEUES), as many of each as its resource bears.
 */
export async function startWorkers(options: WorkerOptions): Promise<RunningWorkers> {
  installRuntimeLogger(options.logger);
  const target = configuredTarget(options.config);
  // Every payload this process hands Temporal is sealed, every one it reads opened (temporal/payloadCodec.ts).
  const dataConverter = configuredDataConverter(options.config);
  const connection = await NativeConnection.connect(connectionOptions(target));
  const namespace = options.config.temporal.namespace;
  // Activities that call Temporal themselves (archiving histories, starting scheduled batches).
  const clientConnection = await Connection.connect(connectionOptions(target));
  const temporalClient = new Client({ connection: clientConnection, namespace, dataConverter });
  const { store } = options.deps;
  const queues = new Set(options.queues ?? options.config.worker.queues);
  // The default queue's activities write the trail, so its workers sign checkpoints: at the end of
  // every batch, and on a timer. The key must be there (on a cluster, given) before polling starts.
  const checkpointer = queues.has(TASK_QUEUES.default)
    ? (options.deps.checkpointer ??
      trailCheckpointer({
        store,
        signer: checkpointSignerFromConfig(options.config),
        exportDir: checkpointExportDir(options.config.dataDir),
        logger: options.logger,
      }))
    : undefined;
  // Notifications: produced by the activities that record their events, sent from the outbox by the
  // default queue's workers (a round every interval, and at once after an event; docs/notifications.md).
  const notify = notifySettings();
  const senders = configuredSenders(notify);
  // Started once the workers are created (below), so a worker that fails to start leaves no loop behind.
  let delivery: DeliveryLoop | null = null;
  const notifier =
    options.deps.notifier ??
    createNotifier({
      store,
      settings: notify,
      logger: options.logger,
      consoleUrl: options.config.console.publicUrl,
      nudge: () => delivery?.nudge(),
    });
  const deps: ActivityDeps = { ...options.deps, notifier, ...(checkpointer ? { checkpointer } : {}) };
  const activities = withLeanCase({
    ...notificationActivities({ store, notifier, senders, logger: options.logger }),
    ...createActivities(deps),
    ...createReviewActivities(deps),
    ...noticeActivities({ store, dataDir: options.config.dataDir, version: ZHISHEN_VERSION }),
    ...auditActivities({ store, client: temporalClient }),
    ...caseWatchActivities({ client: temporalClient }),
    ...scheduleActivities({ store, dataDir: options.config.dataDir, client: temporalClient }),
  });
  const botSlots = options.botSlots ?? options.config.worker.botSlots ?? DEFAULT_BOT_SLOTS;
  // One browser per process, one logged-in context per bot slot; it starts with the first case.
  const pool =
    options.deps.coreSystem || !queues.has(TASK_QUEUES.legacyBots)
      ? null
      : createBrowserPool({
          size: botSlots,
          legacyUrl: options.config.legacy.url,
          credentials: options.config.legacy.account,
          timeoutMs: options.config.worker.botTimeoutMs,
          executablePath: options.config.botChromiumPath,
          evidenceDir: path.join(options.config.dataDir, 'evidence'),
          trace: options.config.worker.botTrace,
        });
  const receiptReader = workerReceiptReader(options.config, queues);

  const creating: Promise<Worker>[] = [];
  if (queues.has(TASK_QUEUES.default)) {
    const workflowBundle = options.workflowBundle ?? (await bundleWorkflows(options.logger));
    creating.push(
      Worker.create({
        connection,
        namespace,
        dataConverter,
        taskQueue: TASK_QUEUES.default,
        workflowBundle,
        activities,
        maxConcurrentActivityTaskExecutions: 20,
      }),
    );
  }
  if (queues.has(TASK_QUEUES.ocr)) {
    creating.push(
      Worker.create({
        connection,
        namespace,
        dataConverter,
        taskQueue: TASK_QUEUES.ocr,
        activities: ocrActivities(receiptReader),
        maxConcurrentActivityTaskExecutions: options.config.worker.ocrSlots ?? defaultOcrSlots(),
      }),
    );
  }
  if (queues.has(TASK_QUEUES.legacyBots)) {
    const botDeps: ActivityDeps = { ...deps, coreSystem: deps.coreSystem ?? browserCoreSystem(pool!) };
    creating.push(
      Worker.create({
        connection,
        namespace,
        dataConverter,
        taskQueue: TASK_QUEUES.legacyBots,
        activities: legacyBotActivities(botDeps),
        maxConcurrentActivityTaskExecutions: botSlots,
      }),
    );
  }
  const workers = await Promise.all(creating);
  if (queues.has(TASK_QUEUES.default)) await warnOfMissingCalendarYears(store, options.logger);
  if (queues.has(TASK_QUEUES.default))
    delivery = startDeliveryLoop({ store, senders, intervalMs: notify.intervalSeconds * 1000, logger: options.logger });
  const checkpointTimer = checkpointer
    ? startCheckpointTimer({
        store,
        checkpointer,
        logger: options.logger,
        schedule: { everyEvents: options.config.checkpoints.everyEvents, everyMs: options.config.checkpoints.everyMinutes * 60_000 },
      })
    : null;
  const done = Promise.all(workers.map((w) => w.run()))
    .then(() => {})
    .finally(async () => {
      await checkpointTimer?.stop();
      await delivery?.stop();
      await receiptReader.close();
      const botSteps = pool?.stats() ?? {};
      // What the bots cost the core system in this process's life, per business and step (docs/bots-performance.md).
      if (Object.keys(botSteps).length > 0) options.logger.info(`${BOT_STEPS_LOG_PREFIX}${JSON.stringify(botSteps)}`);
      await pool?.close();
      await clientConnection.close();
      await connection.close();
    });
  let stopping: Promise<void> | null = null;
  return {
    done,
    shutdown() {
      stopping ??= (async () => {
        for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
        await done;
      })();
      return stopping;
    },
  };
}

/** Said once at start, where operators look: deadlines count Monday to Friday until the year is imported. */
async function warnOfMissingCalendarYears(store: Store, logger: Logger): Promise<void> {
  const missing = missingYearsAround(await loadBureauCalendar(store), beijingDate(new Date()));
  if (missing.length > 0) {
    logger.warn(
      `the bureau calendar has no ${missing.join(', ')}: review deadlines count Monday to Friday and transfers due then go to a clerk (TR-07) until it is imported (calendar import FILE)`,
    );
  }
}

/**
 * V8 lets the heap grow to up to four times what survived the last full collection when the process
 * allocates fast, as a worker does: the main thread's heap reached 520-550 MB with 270-300 MB live, at
 * the moment PP-OCR's tensors were largest too. A fixed 1.5× keeps that garbage collected sooner
 * (docs/bots-performance.md §12). Set before any work by `npm run worker` (and so the bench's
 * workers) and by `npm start`, which runs its workers in its own process.
 */
export function limitHeapGrowth(): void {
  v8.setFlagsFromString('--heap-growing-percent=50');
}

/** `npm run worker`: a worker process against the configured Temporal and store. */
async function main(): Promise<void> {
  limitHeapGrowth();
  const config = loadConfig();
  const logger = createLogger('worker', { logDir: path.join(config.dataDir, 'logs'), level: config.logLevel });
  const store = await openAppStore(config);
  const workers = await startWorkers({ config, logger, deps: { store, logger, config } });
  // The build decisions record in their rule-set version: read once, at start.
  logger.info(`worker polling ${config.worker.queues.join(', ')} on ${describeTarget(configuredTarget(config))}, build ${currentBuild()}`);
  void untilStopSignal(() => {}).then(() => {
    logger.info('stopping worker…');
    void workers.shutdown();
  });
  await workers.done;
  await store.close();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  restrictNewFilesToOwner(); // before anything is written under the data directory
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
