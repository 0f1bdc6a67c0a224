import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';
import { openPGlite, pgliteDb } from '../pgliteDb';
import { migrate } from '../migrate';
import { lockDataDir } from './dataDirLock';
import { removeServerFile, writeServerFile } from './serverFile';
import { SessionLockQueue } from './sessionLockQueue';

export interface EmbeddedStoreServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  host: string;
  port: number;
  /** Disconnects every client, closes the database and removes the server file. */
  close(): Promise<void>;
}

/** The PGlite files live here, under the data directory. */
export function embeddedDatabaseDir(dataDir: string): string {
  return join(dataDir, 'store');
}

/**
 * Opens the embedded database (dataDir/store), migrates it and serves it over the PostgreSQL wire
 * protocol on 127.0.0.1, recording host, port and pid in dataDir/store-server.json so that
 * openStore in other processes (worker, CLI, console) connects here instead of opening the files.
 * This process should reach the store through openStore too, never through PGlite directly:
 * a direct query could land inside a client's transaction.
 */
export async function serveEmbeddedStore(options: { dataDir: string; port?: number }): Promise<EmbeddedStoreServer> {
  const releaseLock = lockDataDir(options.dataDir);
  try {
    const pglite = await openPGlite(embeddedDatabaseDir(options.dataDir));
    await migrate(pgliteDb(pglite)).catch(async (error: unknown) => {
      await pglite.close();
      throw error;
    });
    const queue = new SessionLockQueue(pglite);
    const handlers = new Set<PGLiteSocketHandler>();
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      const handler = new PGLiteSocketHandler({
        // The handler only calls enqueue, clearQueueForHandler and clearTransactionIfNeeded;
        // the declared type is the library's class, whose private fields no other class can match.
        queryQueue: queue as unknown as PGLiteSocketHandlerOptions['queryQueue'],
        closeOnDetach: true,
      });
      handlers.add(handler);
      handler.addEventListener('close', () => handlers.delete(handler));
      handler.addEventListener('error', () => handlers.delete(handler));
      handler.attach(socket).catch(() => socket.destroy());
    });
    const host = '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const url = `postgres://postgres@${host}:${port}/postgres`;
    writeServerFile(options.dataDir, { host, port, pid: process.pid, url });

    let closing: Promise<void> | undefined;
    const close = async () => {
      removeServerFile(options.dataDir, process.pid);
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...handlers].map((handler) => handler.detach(true)));
      for (const socket of sockets) socket.destroy();
      await serverClosed;
      await pglite.close();
      releaseLock();
    };
    return { url, host, port, close: () => (closing ??= close()) };
  } catch (error) {
    releaseLock();
    throw error;
  }
}
