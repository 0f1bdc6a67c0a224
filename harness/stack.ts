import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { loadConfig, type AppConfig } from '../config/env';
import { serveEmbeddedStore, openStore, type EmbeddedStoreServer, type Store } from '../store';
import { freePort, startDevServer, type RunningDevServer } from '../temporal/devServer';
import {
  legacyDataFile,
  startLegacySystem,
  STAND_IN_DEFAULT_CREDENTIALS,
  type Faults,
  type RunningLegacySystem,
} from '../fixtures/legacy-system';
import { testDatabaseUrl } from '../store/testing/backends';
import { ALL_KEYS } from '../security/allKeys';
import { ensureKeyFiles } from '../security/keyFiles';
import { configuredTarget, connectionOptions } from '../temporal/connection';
import { configuredDataConverter } from '../temporal/dataConverter';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * A real stack for integration tests and the benchmark (harness/ is neither product nor test: both
 * test/ and bench/ start it): the Temporal dev server (its own port, state on disk in a
 * temp dir), the embedded store served over the wire, and workers as child processes that a test
 * can kill -9 and start again.
 */
export interface TestStack {
  dataDir: string;
  config: AppConfig;
  env: NodeJS.ProcessEnv;
  temporal: RunningDevServer;
  /** The embedded store's server; null when the stack runs on PostgreSQL. */
  storeServer: EmbeddedStoreServer | null;
  /** The core-system stand-in the bots work, with its faults adjustable. */
  legacy: RunningLegacySystem;
  /** Takes the stand-in down (connections refused), as an outage of the core system. */
  stopLegacy(): Promise<void>;
  /** Brings the stand-in back on the same port and data file, with the faults it first had; its sessions are gone. */
  startLegacy(): Promise<void>;
  store: Store;
  client: Client;
  /** A worker process; `env` adds to the stack's environment (e.g. ZHISHEN_WORKER_QUEUES). */
  startWorker(env?: NodeJS.ProcessEnv): Promise<ChildProcess>;
  /** What each worker process started so far wrote to stderr (its log), in start order. */
  workerLogs(): string[];
  /** Stops the Temporal dev server and starts it again on the same port and SQLite file. */
  restartTemporal(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestStackOptions {
  faults?: Partial<Faults>;
  /** Run on the machine's PostgreSQL (a database of its own, dropped at stop) instead of the embedded store. */
  postgres?: boolean;
}

/** The worker logs of every stack started in this process and not yet stopped, for workerLogTails. */
const running = new Set<{ dataDir: string; logs: readonly { stderr: string }[] }>();

/**
 * The last lines each running stack's workers wrote, one block per worker, or '' when none wrote any.
 * A test that fails while a stack runs prints them (test/e2e.setup.ts): the logs live only in memory
 * and go with the stack's directory, so a failure seen once in CI would otherwise say nothing of what
 * the workers were doing.
 */
export function workerLogTails(lines = 60): string {
  return [...running]
    .flatMap((stack) =>
      stack.logs.map((log, i) => {
        const tail = log.stderr.trimEnd().split('\n').slice(-lines).join('\n');
        return tail ? `--- worker ${i + 1} of the stack in ${stack.dataDir}, its last ${lines} lines ---\n${tail}` : '';
      }),
    )
    .filter(Boolean)
    .join('\n');
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-e2e-'));
  // The stack runs as a cluster would (TEMPORAL_ADDRESS set): its processes share keys made here, as by setup.
  ensureKeyFiles(dataDir, ALL_KEYS);
  const port = await freePort();
  const temporalOptions = { dataDir: path.join(dataDir, 'temporal'), port, uiPort: null, namespace: 'default' } as const;
  let temporal = await startDevServer(temporalOptions);
  const database = options.postgres ? await createDatabase() : null;
  const storeServer = database ? null : await serveEmbeddedStore({ dataDir });
  const legacyOptions = { dataFile: legacyDataFile(dataDir), port: 0, users: [STAND_IN_DEFAULT_CREDENTIALS], faults: options.faults };
  let legacy: RunningLegacySystem | null = await startLegacySystem(legacyOptions);
  legacyOptions.port = Number(new URL(legacy.url).port);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    LEGACY_URL: legacy.url,
    // LEGACY_URL needs the bots' account: here the stand-in's, which it was started with.
    LEGACY_USERNAME: STAND_IN_DEFAULT_CREDENTIALS.username,
    LEGACY_PASSWORD: STAND_IN_DEFAULT_CREDENTIALS.password,
    ZHISHEN_DATA_DIR: dataDir,
    ZHISHEN_LOG_LEVEL: 'info',
    // Test batches back off at most 30 s between attempts of a failing step (production: 5 minutes).
    ZHISHEN_RETRY_MAX_INTERVAL: process.env.ZHISHEN_RETRY_MAX_INTERVAL ?? '30',
  };
  if (database) env.DATABASE_URL = database.url;
  else delete env.DATABASE_URL;
  const config = loadConfig(env);
  const store = await openStore({ dataDir, databaseUrl: database?.url });
  const connection = await Connection.connect(connectionOptions(configuredTarget(config)));
  const client = new Client({ connection, namespace: 'default', dataConverter: configuredDataConverter(config, env) });
  const workers = new Set<ChildProcess>();
  const logs: { stderr: string }[] = [];
  const entry = { dataDir, logs };
  running.add(entry);

  return {
    dataDir,
    config,
    env,
    get temporal() {
      return temporal;
    },
    storeServer,
    get legacy() {
      if (!legacy) throw new Error('the core-system stand-in is down (stopLegacy)');
      return legacy;
    },
    async stopLegacy() {
      const running = legacy;
      legacy = null;
      await running?.close();
    },
    async startLegacy() {
      if (legacy) return;
      legacy = await startLegacySystem(legacyOptions);
    },
    store,
    client,
    async startWorker(extraEnv: NodeJS.ProcessEnv = {}) {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker.ts')], {
        cwd: ROOT,
        // As `npm run worker` starts one: glibc's allocator with two arenas, not eight per core
        // (docs/configuration.md).
        env: { MALLOC_ARENA_MAX: '2', ...env, ...extraEnv },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const log = { stderr: '' };
      logs.push(log);
      child.stderr!.on('data', (chunk: Buffer) => {
        log.stderr += chunk.toString();
      });
      workers.add(child);
      child.once('exit', () => workers.delete(child));
      // Ready when it says it polls; it bundles the workflow code first, which takes a few seconds.
      const deadline = Date.now() + 90_000;
      while (!/worker polling/.test(log.stderr)) {
        if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}: ${log.stderr}`);
        if (Date.now() > deadline) throw new Error(`worker did not start: ${log.stderr}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      return child;
    },
    workerLogs: () => logs.map((l) => l.stderr),
    async restartTemporal() {
      await temporal.stop();
      temporal = await startDevServer(temporalOptions);
    },
    async stop() {
      running.delete(entry);
      for (const child of workers) child.kill('SIGKILL');
      await connection.close();
      await store.close();
      await storeServer?.close();
      await legacy?.close();
      await temporal.stop();
      await database?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A database of its own on the machine's PostgreSQL, so that a test's workers see only its cases. */
async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `zhishen_e2e_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: testDatabaseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Waits for a child process to be gone. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
