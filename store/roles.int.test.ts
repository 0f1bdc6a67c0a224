import { generateKeyPairSync, randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ed25519Signer } from '../security/checkpointKey';
import { appendEvent, listEvents } from './auditTrail';
import { getCase, upsertCase } from './caseRegister';
import { takeCheckpoint } from './checkpoints';
import { openStore } from './openStore';
import { migrateAsOwner } from './roles';
import type { Store } from './store';
import { testDatabaseUrl, unusedDataDir } from './testing/backends';
import { sampleEvent } from './testing/sampleEvent';
import { describeOnPostgres } from './testing/onPostgres';

/** The same server as another role: user and password swapped into the test database's URL. */
function urlAs(role: string, password: string): string {
  const url = new URL(testDatabaseUrl);
  url.username = role;
  url.password = password;
  return url.toString();
}

async function asSuperuser(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/**
 * Least privilege on PostgreSQL: an owner role migrates, the application's role may only INSERT
 * and SELECT the trail. Roles and schema are this test's own (random names), dropped afterwards.
 */
describeOnPostgres('database roles on postgres: the application cannot rewrite the trail', () => {
  const suffix = randomBytes(5).toString('hex');
  const owner = `zs_owner_${suffix}`;
  const app = `zs_app_${suffix}`;
  const schema = `zs_roles_${suffix}`;
  const password = randomBytes(12).toString('hex');
  let store: Store;

  beforeAll(async () => {
    await asSuperuser(`CREATE ROLE ${owner} LOGIN PASSWORD '${password}'`);
    await asSuperuser(`CREATE ROLE ${app} LOGIN PASSWORD '${password}'`);
    await asSuperuser(`CREATE SCHEMA ${schema} AUTHORIZATION ${owner}`);
    const migrated = await migrateAsOwner({ ownerUrl: urlAs(owner, password), appRole: app, schema });
    expect(migrated).toMatchObject({ schema, owner, appRole: app });
    expect(migrated.applied).toContain('060');
    store = await openStore({ databaseUrl: urlAs(app, password), dataDir: unusedDataDir, schema });
  });

  afterAll(async () => {
    await store?.close();
    await asSuperuser(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    for (const role of [app, owner]) {
      await asSuperuser(`DROP OWNED BY ${role}`).catch(() => undefined);
      await asSuperuser(`DROP ROLE IF EXISTS ${role}`);
    }
  });

  it('lets the application append and read the trail, checkpoint it, and keep the case register', async () => {
    for (const step of ['intake', 'decided'] as const) await appendEvent(store, sampleEvent({ caseId: 'ROLE-1', step }));
    expect(await listEvents(store, 'ROLE-1')).toHaveLength(2);
    const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    expect(await takeCheckpoint(store, signer)).toMatchObject({ treeSize: 2 });
    const record = {
      caseId: 'ROLE-1',
      type: 'lump-sum',
      batchId: null,
      workflowId: 'w',
      runId: 'r',
      status: 'running' as const,
      outcome: null,
      amount: null,
      reasons: [],
      rowNumber: 2,
    };
    await upsertCase(store, record);
    await upsertCase(store, { ...record, status: 'closed', outcome: 'approve', amount: '987.60' });
    expect(await getCase(store, 'ROLE-1')).toMatchObject({ status: 'closed', amount: '987.60' });
  });

  it.each([
    ['UPDATE the trail', `UPDATE audit_events SET step = 'x'`],
    ['DELETE from the trail', 'DELETE FROM audit_events'],
    ['TRUNCATE the trail', 'TRUNCATE audit_events'],
    ['UPDATE a checkpoint', `UPDATE audit_checkpoints SET signature = 'x'`],
    ['DELETE a checkpoint', 'DELETE FROM audit_checkpoints'],
    ['TRUNCATE the checkpoints', 'TRUNCATE audit_checkpoints'],
    ['DISABLE TRIGGER', 'ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only'],
    ['DISABLE TRIGGER ALL', 'ALTER TABLE audit_events DISABLE TRIGGER ALL'],
    ['DROP TRIGGER', 'DROP TRIGGER audit_events_append_only ON audit_events'],
    ['ALTER TABLE', 'ALTER TABLE audit_events ADD COLUMN note text'],
    [
      'replace the trigger function',
      `CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$`,
    ],
    ['DROP TABLE', 'DROP TABLE audit_events'],
    ['CREATE a table in the schema', 'CREATE TABLE shadow (x int)'],
    ['rewrite the migration record', 'DELETE FROM schema_migrations'],
    [
      'upsert over an event',
      `INSERT INTO audit_events SELECT * FROM audit_events LIMIT 1 ON CONFLICT (case_id, seq) DO UPDATE SET step = 'x'`,
    ],
  ])('refuses the application role: %s', async (_what, sql) => {
    await expect(store.db.query(sql)).rejects.toThrow(/permission denied|must be owner/);
    // Refused by the grants, not by the append-only triggers (which say "append-only").
    expect((await listEvents(store, 'ROLE-1')).map((e) => e.step)).toEqual(['intake', 'decided']);
  });

  it('numbers an event itself: a global number the application gives is overridden', async () => {
    await store.db.query(
      `INSERT INTO audit_events (case_id, seq, workflow_id, run_id, step, actor, at, inputs, evidence, idempotency_key, hash, canonical, global_seq)
       VALUES ('ROLE-2', 1, 'w', 'r', 's', '{}'::jsonb, now(), '{}'::jsonb, '[]'::jsonb, 'k', 'h', 'c', 1)`,
    );
    const [row] = await store.db.query<{ n: number }>(`SELECT global_seq::integer AS n FROM audit_events WHERE case_id = 'ROLE-2'`);
    expect(row?.n).toBe(3);
  });

  it('tells the application role to run `store migrate` when its schema is behind', async () => {
    await asSuperuser(`DELETE FROM ${schema}.schema_migrations WHERE version = '060'`);
    try {
      await expect(openStore({ databaseUrl: urlAs(app, password), dataDir: unusedDataDir, schema })).rejects.toThrow(
        /lacks migrations 060.*store migrate/,
      );
    } finally {
      await asSuperuser(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ('060', 'audit_checkpoints')`);
    }
  });

  it('refuses to grant to a role that could undo the grants: a superuser, or the owner itself', async () => {
    await expect(migrateAsOwner({ ownerUrl: urlAs(owner, password), appRole: 'postgres', schema })).rejects.toThrow(/superuser/);
    await expect(migrateAsOwner({ ownerUrl: urlAs(owner, password), appRole: owner, schema })).rejects.toThrow(
      /another role than the owner/,
    );
    await expect(migrateAsOwner({ ownerUrl: urlAs(owner, password), appRole: `nobody_${suffix}`, schema })).rejects.toThrow(
      /does not exist/,
    );
  });
});
