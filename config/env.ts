import path from 'node:path';
import { z } from 'zod';
import { TASK_QUEUES } from '../workflows/types';

const QUEUE_NAMES = Object.values(TASK_QUEUES);
export type TaskQueueName = (typeof QUEUE_NAMES)[number];

/**
 * Process configuration, from the environment. Every variable has a working default on a fresh
 * machine: unset TEMPORAL_ADDRESS means the embedded dev server, unset DATABASE_URL the embedded store.
 */
const EnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_UI_URL: z.string().url().optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'expected postgres://…').optional(),
  LEGACY_URL: z.string().url().optional(),
  /** Port of the core-system stand-in that `npm start` runs when LEGACY_URL is unset. */
  LEGACY_PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  /** Port of the web console for clerks, managers and auditors. */
  ZHISHEN_CONSOLE_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  CHROMIUM_PATH: z.string().min(1).optional(),
  ZHISHEN_DATA_DIR: z.string().min(1).default('data'),
  ZHISHEN_LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  /** Port of the embedded Temporal dev server's frontend; its Web UI listens 1000 above. */
  ZHISHEN_TEMPORAL_PORT: z.coerce.number().int().min(1).max(64535).default(7233),
  /** Task queues a worker process serves, comma-separated; each resource scales on its own. */
  ZHISHEN_WORKER_QUEUES: z
    .string()
    .default(QUEUE_NAMES.join(','))
    .transform((list) => [...new Set(list.split(',').map((q) => q.trim()).filter(Boolean))])
    .pipe(z.array(z.enum(QUEUE_NAMES as [TaskQueueName, ...TaskQueueName[]], { message: `expected a comma-separated list of ${QUEUE_NAMES.join(', ')}` })).min(1)),
  /** Bot steps at once in a worker process (browser contexts of its one Chromium). */
  ZHISHEN_BOT_SLOTS: z.coerce.number().int().min(1).max(64).optional(),
  /** Receipts read at once in a worker process; OCR is CPU-bound, so one per core by default. */
  ZHISHEN_OCR_SLOTS: z.coerce.number().int().min(1).max(64).optional(),
  /** Sign an audit checkpoint once this many events wait (besides the end of every batch). */
  ZHISHEN_CHECKPOINT_EVERY_EVENTS: z.coerce.number().int().min(1).default(500),
  /** …or once events have waited this many minutes since the last checkpoint. */
  ZHISHEN_CHECKPOINT_EVERY_MINUTES: z.coerce.number().min(0.1).default(10),
});

export type AppConfig = {
  temporal: { address: string | undefined; namespace: string; uiUrl: string; embeddedPort: number };
  databaseUrl: string | undefined;
  /** The core business system the bots drive: LEGACY_URL, or the stand-in the stack runs. */
  legacy: { url: string; standIn: boolean; port: number };
  chromiumPath: string | undefined;
  dataDir: string;
  consolePort: number;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  worker: { queues: TaskQueueName[]; botSlots: number | undefined; ocrSlots: number | undefined };
  /** When workers sign audit checkpoints besides the end of every batch. */
  checkpoints: { everyEvents: number; everyMinutes: number };
};

/** Reads and validates the configuration; a bad value is reported by name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`environment variable ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const embeddedPort = e.ZHISHEN_TEMPORAL_PORT;
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      uiUrl: (e.TEMPORAL_UI_URL ?? `http://localhost:${embeddedPort + 1000}`).replace(/\/$/, ''),
      embeddedPort,
    },
    databaseUrl: e.DATABASE_URL,
    legacy: { url: (e.LEGACY_URL ?? `http://127.0.0.1:${e.LEGACY_PORT}`).replace(/\/$/, ''), standIn: e.LEGACY_URL === undefined, port: e.LEGACY_PORT },
    chromiumPath: e.CHROMIUM_PATH,
    dataDir: path.resolve(e.ZHISHEN_DATA_DIR),
    consolePort: e.ZHISHEN_CONSOLE_PORT,
    logLevel: e.ZHISHEN_LOG_LEVEL,
    worker: { queues: e.ZHISHEN_WORKER_QUEUES, botSlots: e.ZHISHEN_BOT_SLOTS, ocrSlots: e.ZHISHEN_OCR_SLOTS },
    checkpoints: { everyEvents: e.ZHISHEN_CHECKPOINT_EVERY_EVENTS, everyMinutes: e.ZHISHEN_CHECKPOINT_EVERY_MINUTES },
  };
}

/** The address clients and workers connect to: the cluster's, or the embedded server's. */
export function temporalAddress(config: AppConfig): string {
  return config.temporal.address ?? `127.0.0.1:${config.temporal.embeddedPort}`;
}

/** Link to one workflow in the Temporal Web UI, for reports and clerks. */
export function workflowUiLink(config: AppConfig, workflowId: string): string {
  return `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
