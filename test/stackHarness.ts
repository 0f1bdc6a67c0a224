import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type AppConfig } from '../config/env';
import { serveEmbeddedStore, openStore, type EmbeddedStoreServer, type Store } from '../store';
import { freePort, startDevServer, type RunningDevServer } from '../temporal/devServer';
import { startLegacySystem, type RunningLegacySystem } from '../fixtures/legacy-system/server';
import { legacyDataFile } from '../fixtures/legacy-system/records';
import { legacyCredentialsFromEnv } from '../fixtures/legacy-system/credentials';
import type { Faults } from '../fixtures/legacy-system/faults';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * A real stack for integration tests: the Temporal dev server (its own port, state on disk in a
 * temp dir), the embedded store served over the wire, and workers as child processes that a test
 * can kill -9 and start again.
 */
export interface TestStack {
  dataDir: string;
  config: AppConfig;
  env: NodeJS.ProcessEnv;
  temporal: RunningDevServer;
  storeServer: EmbeddedStoreServer;
  /** The core-system stand-in the bots work, with its faults adjustable. */
  legacy: RunningLegacySystem;
  store: Store;
  client: Client;
  startWorker(): Promise<ChildProcess>;
  stop(): Promise<void>;
}

export async function startTestStack(options: { faults?: Partial<Faults> } = {}): Promise<TestStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-e2e-'));
  const port = await freePort();
  const temporal = await startDevServer({ dataDir: path.join(dataDir, 'temporal'), port, uiPort: null, namespace: 'default' });
  const storeServer = await serveEmbeddedStore({ dataDir });
  const legacy = await startLegacySystem({ dataFile: legacyDataFile(dataDir), port: 0, users: [legacyCredentialsFromEnv()], faults: options.faults });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    LEGACY_URL: legacy.url,
    ZHISHEN_DATA_DIR: dataDir,
    ZHISHEN_LOG_LEVEL: 'info',
    DATABASE_URL: '',
  };
  delete env.DATABASE_URL;
  const config = loadConfig(env);
  const store = await openStore({ dataDir });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: 'default' });
  const workers = new Set<ChildProcess>();

  return {
    dataDir,
    config,
    env,
    temporal,
    storeServer,
    legacy,
    store,
    client,
    async startWorker() {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker.ts')], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      workers.add(child);
      child.once('exit', () => workers.delete(child));
      // Ready when it says it polls; it bundles the workflow code first, which takes a few seconds.
      const deadline = Date.now() + 90_000;
      while (!/worker polling/.test(stderr)) {
        if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}: ${stderr}`);
        if (Date.now() > deadline) throw new Error(`worker did not start: ${stderr}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      return child;
    },
    async stop() {
      for (const child of workers) child.kill('SIGKILL');
      await connection.close();
      await store.close();
      await storeServer.close();
      await legacy.close();
      await temporal.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits for a child process to be gone. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
