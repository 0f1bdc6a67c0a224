import { restrictNewFilesToOwner } from './security/ownerOnly';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, temporalAddress, type AppConfig } from './config/env';
import { openAppStore } from './config/openAppStore';
import { createLogger, type Logger } from './logging/logger';
import { serveEmbeddedStore, StoreInUseError, type EmbeddedStoreServer } from './store';
import { isListening, startDevServer, type RunningDevServer } from './temporal/devServer';
import { legacyDataFile, startLegacySystem } from './fixtures/legacy-system';
import { limitHeapGrowth, startWorkers, type RunningWorkers } from './worker';
import { startConsole } from './console/server';
import { connectClient } from './cli/temporalClient';
import { consoleCodecEndpoint } from './console/codecRoutes';
import { untilStopSignal } from './lifecycle/stopSignal';

export interface RunningStack {
  temporalAddress: string;
  /** The Temporal Web UI, when the embedded server runs it. */
  temporalUi: string | null;
  /** Where the store is: the embedded server's URL, or the configured PostgreSQL (credentials hidden). */
  store: string;
  /** The core business system the bots drive (the stand-in, unless LEGACY_URL). */
  legacy: string;
  /** The web console for clerks, managers and auditors. */
  console: string;
  stop(): Promise<void>;
}

/**
 * Brings up what the configuration does not point elsewhere: the Temporal dev server (unless
 * TEMPORAL_ADDRESS), the embedded store server (unless DATABASE_URL), and a worker for all queues.
 */
export async function startStack(config: AppConfig, logger: Logger): Promise<RunningStack> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => logger.error(`while stopping: ${String(err)}`));
  };
  try {
    let temporal: RunningDevServer | null = null;
    if (!config.temporal.address) {
      temporal = await startDevServer({
        dataDir: path.join(config.dataDir, 'temporal'),
        port: config.temporal.embeddedPort,
        uiPort: config.temporal.embeddedPort + 1000,
        namespace: config.temporal.namespace,
        // The UI shows sealed payloads through the console's codec, to people allowed to see them.
        uiCodecEndpoint: consoleCodecEndpoint(config),
      });
      stops.push(() => temporal!.stop());
      logger.info(
        temporal.reused ? `reusing the Temporal server at ${temporal.address}` : `Temporal dev server started at ${temporal.address}`,
      );
    }

    let storeServer: EmbeddedStoreServer | null = null;
    if (!config.databaseUrl) {
      try {
        storeServer = await serveEmbeddedStore({ dataDir: config.dataDir });
        stops.push(() => storeServer!.close());
      } catch (err) {
        // Another stack already serves the embedded store: share it, as with a running Temporal.
        if (!(err instanceof StoreInUseError)) throw err;
        logger.info('the embedded store is already served by another process; using it');
      }
    }

    let legacyUrl: string | null = null;
    if (config.legacy.standIn) {
      if (await isListening(config.legacy.port)) {
        logger.info(`a core-system stand-in already answers on port ${config.legacy.port}; using it`);
      } else {
        const legacy = await startLegacySystem({
          dataFile: legacyDataFile(config.dataDir),
          port: config.legacy.port,
          faults: config.legacy.standInOptions.faults,
          seed: config.legacy.standInOptions.faultSeed,
          // The stand-in makes the account the bots log in with (the configured one, or its own).
          users: [{ ...config.legacy.account, displayName: '智审机器人' }],
        });
        stops.push(() => legacy.close());
        legacyUrl = legacy.url;
      }
    }

    const store = await openAppStore(config);
    stops.push(() => store.close());
    const workers: RunningWorkers = await startWorkers({ config, logger, deps: { store, logger, config } });
    stops.push(() => workers.shutdown());

    const temporalClient = await connectClient(config);
    stops.push(() => temporalClient.close());
    const consoleServer = await startConsole({ store, temporal: temporalClient.client, config, logger, port: config.consolePort });
    stops.push(() => consoleServer.close());

    return {
      temporalAddress: temporalAddress(config),
      temporalUi: temporal?.uiUrl ?? (config.temporal.address ? null : config.temporal.uiUrl),
      store: storeServer?.url ?? store.location,
      legacy: legacyUrl ?? config.legacy.url,
      console: consoleServer.url,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** `npm start`: the whole stack on the embedded defaults, until Ctrl-C. */
async function main(): Promise<void> {
  limitHeapGrowth();
  const config = loadConfig();
  const logger = createLogger('stack', { logDir: path.join(config.dataDir, 'logs'), level: config.logLevel });
  const stack = await startStack(config, logger);
  process.stdout.write(
    JSON.stringify(
      {
        console: stack.console,
        temporal: stack.temporalAddress,
        temporalUi: stack.temporalUi,
        store: stack.store,
        coreSystem: stack.legacy,
      },
      null,
      2,
    ) + '\n',
  );
  logger.info('stack is up; Ctrl-C stops it');
  const signal = await untilStopSignal(() => logger.info('already stopping: the worker finishes its current steps, then the servers stop'));
  logger.info(`${signal}: stopping…`);
  await stack.stop();
  logger.info('stopped');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  restrictNewFilesToOwner(); // before anything is written under the data directory
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
