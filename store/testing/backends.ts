import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { openStore } from '../openStore';
import type { Store } from '../store';

/** The PostgreSQL the store tests use; each run works in its own throwaway schema. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** One place to put a store for a test: open it (again), and remove every trace afterwards. */
export interface TestBackend {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

export interface BackendKind {
  name: 'pglite' | 'postgres';
  create(): TestBackend;
}

/** With a databaseUrl the data directory is never touched. */
export const unusedDataDir = join(tmpdir(), 'zs-store-unused');

/** A fresh temporary data directory for the embedded store. */
export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'zs-store-'));
}

export const backendKinds: BackendKind[] = [
  {
    name: 'pglite',
    create() {
      const dataDir = tempDataDir();
      return {
        open: () => openStore({ dataDir }),
        cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    create() {
      const schema = `zs_test_${randomBytes(6).toString('hex')}`;
      return {
        open: () => openStore({ databaseUrl: testDatabaseUrl, dataDir: unusedDataDir, schema }),
        cleanup: async () => {
          const client = new pg.Client({ connectionString: testDatabaseUrl });
          await client.connect();
          try {
            await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          } finally {
            await client.end();
          }
        },
      };
    },
  },
];

/**
 * Opens a store of the backend's kind before the suite's tests and closes and removes it after
 * them; `use` receives it, for the suite's own variable.
 */
export function storeForSuite(kind: BackendKind, use: (store: Store) => void): void {
  let backend: TestBackend | undefined;
  let store: Store | undefined;
  beforeAll(async () => {
    backend = kind.create();
    store = await backend.open();
    use(store);
  });
  afterAll(async () => {
    await store?.close();
    await backend?.cleanup();
  });
}
