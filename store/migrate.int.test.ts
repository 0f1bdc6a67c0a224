import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from './migrate';
import { openStore } from './openStore';
import { backendKinds, testDatabaseUrl, unusedDataDir } from './testing/backends';
import { describeEachBackend, describeOnPostgres } from './testing/onPostgres';

describe('migration files', () => {
  it('are numbered, named and in order', () => {
    const versions = loadMigrations().map((m) => m.version);
    expect(versions.length).toBeGreaterThan(0);
    expect([...versions].sort()).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
  });
});

describeEachBackend(backendKinds, 'migrations on $name', (kind) => {
  it('apply once and record themselves; opening again applies nothing', async () => {
    const backend = kind.create();
    try {
      const store = await backend.open();
      const recorded = await store.db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(recorded.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
      expect(await migrate(store.db)).toEqual([]);
      await store.close();

      const reopened = await backend.open();
      expect(await migrate(reopened.db)).toEqual([]);
      await reopened.close();
    } finally {
      await backend.cleanup();
    }
  });
});

describeOnPostgres('migrations on postgres started by several processes at once', () => {
  const schema = `zs_test_${randomBytes(6).toString('hex')}`;
  afterAll(async () => {
    const client = new pg.Client({ connectionString: testDatabaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('serialise on the advisory lock: every opener succeeds, each migration is applied once', async () => {
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => openStore({ databaseUrl: testDatabaseUrl, dataDir: unusedDataDir, schema })),
    );
    const [first] = stores;
    const recorded = await first!.db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(recorded.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
    await Promise.all(stores.map((s) => s.close()));
  });
});
