import pg from 'pg';
import { assertSchemaName, type Db } from './db';
import { lockDataDir } from './embedded/dataDirLock';
import { processAlive } from './embedded/processAlive';
import { embeddedDatabaseDir } from './embedded/serveEmbeddedStore';
import { readServerFile, serverFilePath, type StoreServerInfo } from './embedded/serverFile';
import { migrate } from './migrate';
import { pendingMigrations } from './roles';
import { pgDb } from './pgDb';
import { openPGlite, pgliteDb } from './pgliteDb';
import type { Store } from './store';

export interface OpenStoreOptions {
  /** postgres://… — a PostgreSQL server. Unset ⇒ the embedded store under dataDir. */
  databaseUrl?: string;
  /** The embedded store's directory, ./data by default in the CLI. */
  dataDir: string;
  /** PostgreSQL only: use (and create) this schema instead of the default search_path. */
  schema?: string;
}

/**
 * Opens the store and brings its schema up to date.
 * DATABASE_URL given ⇒ that PostgreSQL server; else a live embedded store server recorded in
 * dataDir/store-server.json ⇒ connect to it; else open the embedded PGlite files in this process
 * (which then refuses to be opened by any other process until closed).
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.databaseUrl) return openPostgresStore(options.databaseUrl, options.schema);
  if (options.schema !== undefined) throw new Error('openStore: schema applies to PostgreSQL (databaseUrl) only');
  const server = await liveServer(options.dataDir);
  if (server) {
    const db = pgDb({ connectionString: server.url, backend: 'embedded-server' });
    return migrated(db, server.url, () => db.close());
  }
  const releaseLock = lockDataDir(options.dataDir);
  try {
    const databaseDir = embeddedDatabaseDir(options.dataDir);
    const db = pgliteDb(await openPGlite(databaseDir));
    return await migrated(db, databaseDir, async () => {
      await db.close();
      releaseLock();
    });
  } catch (error) {
    releaseLock();
    throw error;
  }
}

async function openPostgresStore(databaseUrl: string, schema: string | undefined): Promise<Store> {
  const db = pgDb({ connectionString: databaseUrl, ...(schema === undefined ? {} : { schema }) });
  // The application's own role may not create schemas; one made by the owner is simply used.
  const exists =
    schema !== undefined &&
    (
      await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]).catch(async (error: unknown) => {
        await db.close();
        throw error;
      })
    ).length > 0;
  if (schema !== undefined && !exists) {
    await db.query(`CREATE SCHEMA IF NOT EXISTS ${assertSchemaName(schema)}`).catch((error: { code?: string }) => {
      // Two processes creating the same schema at once: the loser sees a duplicate; that is fine.
      if (error.code !== '23505' && error.code !== '42P06') throw error;
    });
  }
  return migrated(db, redactedUrl(databaseUrl), () => db.close());
}

async function migrated(db: Db, location: string, close: () => Promise<void>): Promise<Store> {
  try {
    // Only a schema that is behind is migrated, so an application role without the right to change
    // the schema (docs/database-roles.md) opens an up-to-date store, and is told what to do otherwise.
    const pending = await pendingMigrations(db);
    if (pending.length > 0) {
      await migrate(db).catch((error: { code?: string; message?: string }) => {
        if (error.code !== '42501') throw error;
        throw new Error(
          `the store's schema lacks migrations ${pending.join(', ')} and this role may not apply them (${error.message}); ` +
            'run `npx tsx client.ts store migrate` with ZHISHEN_DATABASE_OWNER_URL set to the owner role',
        );
      });
    }
  } catch (error) {
    await close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return { db, backend: db.backend, location, close: () => (closing ??= close()) };
}

/**
 * The recorded embedded store server if it answers. A file left by a dead process is ignored;
 * a live process that does not answer is an error, because opening the files here as well
 * would corrupt them.
 */
async function liveServer(dataDir: string): Promise<StoreServerInfo | undefined> {
  const info = readServerFile(dataDir);
  if (!info || !processAlive(info.pid)) return undefined;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const client = new pg.Client({ connectionString: info.url, connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return info;
    } catch (error) {
      lastError = error;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(
    `the embedded store server recorded in ${serverFilePath(dataDir)} (pid ${info.pid}, ${info.url}) does not answer: ` +
      `${String(lastError)}; if that process is not the store server, delete the file`,
  );
}

function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres';
  }
}
