import { OWNER_ONLY_DIR, OWNER_ONLY_FILE } from '../security/ownerOnly';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { temporalCliPath } from './binaries';
import { ensureSearchAttributes } from './namespace';
import { PROJECT_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';
import { connectionOptions, localTarget } from './connection';

const GUARDIAN = path.join(import.meta.dirname, 'guardian.mjs');

export interface DevServerOptions {
  /** Directory for `temporal.db` (the SQLite file that makes state survive a restart) and the server log. */
  dataDir: string;
  port: number;
  /** Web UI port; `null` runs the server headless (tests). */
  uiPort: number | null;
  namespace: string;
  /** Keep no state on disk (tests). */
  ephemeral?: boolean;
  /** The remote codec the Web UI decodes payloads with (the console's /codec), so it can show them. */
  uiCodecEndpoint?: string;
  /** How the server is tuned; `DEV_SERVER_TUNING` when absent (docs/bots-performance.md, "The Temporal server's share"). */
  tuning?: DevServerTuning;
}

/** Settings of `temporal server start-dev` that change what it costs per workflow event, not what it keeps. */
export interface DevServerTuning {
  /** `--sqlite-pragma` (the CLI accepts journal_mode and synchronous). */
  sqlitePragmas: Record<string, string>;
  /** `--dynamic-config-value KEY=JSON`. */
  dynamicConfig: Record<string, unknown>;
  /** Environment of the server process (the Go runtime's GOGC, GOMEMLIMIT…). */
  env: Record<string, string>;
}

/** The CLI's own settings: no pragma (SQLite's rollback journal, synchronous=FULL), no dynamic config. */
export const PLAIN_DEV_SERVER: DevServerTuning = { sqlitePragmas: {}, dynamicConfig: {}, env: {} };

/**
 * SQLite in write-ahead-log mode with synchronous=NORMAL: a commit appends to the WAL instead of
 * rewriting a rollback journal and syncing twice; the file stays consistent after a crash of the
 * server or of the machine, which may lose only the last commits before a power cut. About half the
 * server's CPU per case (docs/bots-performance.md).
 *
 * Search attributes read from the server's cache: the CLI makes every read of them (each start,
 * upsert and visibility write) read the cluster metadata and the namespace again, so that an
 * attribute added a moment before is seen at once — about 30 SQLite reads a case. Ours are
 * registered when the server creates its database (`--search-attribute`), and one added later is
 * waited for (temporal/namespace.ts).
 */
export const DEV_SERVER_TUNING: DevServerTuning = {
  sqlitePragmas: { journal_mode: 'wal', synchronous: 'normal' },
  dynamicConfig: { 'system.forceSearchAttributesCacheRefreshOnRead': false },
  env: {},
};

/** The CLI's names for search-attribute types. */
const CLI_ATTRIBUTE_TYPE: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export interface RunningDevServer {
  address: string;
  uiUrl: string | null;
  /** True when a server was already listening and this process only connected to it. */
  reused: boolean;
  /** The child process (the guardian of the server, temporal/guardian.mjs), when this process started it. */
  child: ChildProcess | null;
  stop(): Promise<void>;
}

/** Resolves true when something accepts TCP connections on host:port. */
export function isListening(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A free TCP port on the loopback interface, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until the frontend answers gRPC, not merely until its port is open. */
async function waitUntilServing(address: string, child: ChildProcess | null, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`temporal server exited with status ${child.exitCode} while starting`);
    try {
      const connection = await Connection.connect({ ...connectionOptions(localTarget(address)), connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal at ${address} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

/**
 * Starts `temporal server start-dev` with its state under `dataDir`, or reuses a server already
 * listening on the port, then registers the project's search attributes.
 */
export async function startDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const address = `127.0.0.1:${options.port}`;
  const uiUrl = options.uiPort === null ? null : `http://localhost:${options.uiPort}`;
  if (await isListening(options.port)) {
    await waitUntilServing(address, null, 30_000);
    await registerSearchAttributes(address, options.namespace);
    return { address, uiUrl, reused: true, child: null, stop: async () => {} };
  }

  fs.mkdirSync(options.dataDir, { recursive: true, mode: OWNER_ONLY_DIR });
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn'];
  if (!options.ephemeral) args.push('--db-filename', path.join(options.dataDir, 'temporal.db'));
  if (options.uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort), '--ui-disable-news-fetch');
  if (options.uiPort !== null && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  if (options.namespace !== 'default') args.push('--namespace', options.namespace);
  // Registered with the namespace when the database is created, before the server serves anything.
  for (const key of PROJECT_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${CLI_ATTRIBUTE_TYPE[key.type]}`);
  const tuning = options.tuning ?? DEV_SERVER_TUNING;
  if (!options.ephemeral) for (const [k, v] of Object.entries(tuning.sqlitePragmas)) args.push('--sqlite-pragma', `${k}=${v}`);
  for (const [k, v] of Object.entries(tuning.dynamicConfig)) args.push('--dynamic-config-value', `${k}=${JSON.stringify(v)}`);

  const logFile = path.join(options.dataDir, 'temporal-server.log');
  for (let attempt = 1; ; attempt++) {
    const logStart = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
    const server = launch(args, logFile, tuning);
    try {
      await waitUntilServing(address, server.child, 60_000);
      await registerSearchAttributes(address, options.namespace);
      return { address, uiUrl, reused: false, child: server.child, stop: server.stop };
    } catch (err) {
      await server.stop();
      const said = logSince(logFile, logStart);
      if (server.child.exitCode !== null && worthAnotherStart(server.child.exitCode, said) && attempt < START_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
        continue;
      }
      if (!said) throw err;
      throw new Error(`${(err as Error).message}; the server's log (${logFile}) says:\n${errorLines(said)}`, { cause: err });
    }
  }
}

/** How often a start that crashed or lost one of its ports to another process is tried. */
const START_ATTEMPTS = 3;

/**
 * Whether a server that exited while starting may well start if asked again. The CLI picks its
 * internal services' ports free, lets them go and binds them a moment later, so on a busy machine
 * another process can take one in between; a new start picks new ones. Status 2 is the Go
 * runtime's own (a panic, a thread it could not create), not an error the CLI found in its
 * settings (status 1, which another start would only repeat).
 */
function worthAnotherStart(status: number, said: string): boolean {
  return status === 2 || /address already in use/i.test(said);
}

/** Starts the server through its guardian, its output appended to the log file. */
function launch(args: string[], logFile: string, tuning: DevServerTuning): { child: ChildProcess; stop: () => Promise<void> } {
  const log = fs.openSync(logFile, 'a', OWNER_ONLY_FILE);
  // Through the guardian, which stops the server when this process ends, however it ends (a crash,
  // kill -9): its stdin is our end of a pipe. In a process group of its own: Ctrl-C reaches only us,
  // and we stop the server after the worker has drained.
  const child = spawn(process.execPath, [GUARDIAN, temporalCliPath(), ...args], {
    stdio: ['pipe', log, log],
    detached: true,
    env: { ...process.env, ...tuning.env },
  });
  fs.closeSync(log);
  // The pipe is there to close when we end, not to keep us running.
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // The guardian stops the server: SIGTERM, then SIGKILL after its grace time.
    child.kill('SIGTERM');
    const timer = setTimeout(() => killGroup(child), 20_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, stop };
}

/** What the log file gained after `start` bytes. */
function logSince(logFile: string, start: number): string {
  try {
    return fs.readFileSync(logFile).subarray(start).toString('utf8').trim();
  } catch {
    return '';
  }
}

/** The lines of a log that say what went wrong (not a panic's stack), or its last lines when none does. */
function errorLines(log: string): string {
  const lines = log.split('\n');
  const errors = [...new Set(lines.filter((line) => /^(fatal error|panic|Error)\b|level=(ERROR|FATAL)/.test(line)))];
  return (errors.length > 0 ? errors.slice(-5) : lines.slice(-10)).join('\n');
}

/** The guardian and the server with it: they share the guardian's process group. */
function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function registerSearchAttributes(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect(connectionOptions(localTarget(address)));
  try {
    await ensureSearchAttributes(connection, namespace);
  } finally {
    await connection.close();
  }
}
