import { generateKeyPairSync, createPublicKey, randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { expect, it } from 'vitest';
import { ed25519Signer } from '../security/checkpointKey';
import { appendEvent } from './auditTrail';
import { takeCheckpoint } from './checkpoints';
import type { Db } from './db';
import { loadMigrations, migrate } from './migrate';
import { pgDb } from './pgDb';
import { pgliteDb } from './pgliteDb';
import type { Store } from './store';
import { testDatabaseUrl } from './testing/backends';
import { sampleEvent } from './testing/sampleEvent';
import { verifyTrail } from './verifyTrail';
import { describeEachBackend } from './testing/onPostgres';

const before060 = loadMigrations().filter((m) => m.version < '060');

const engines: { name: string; open(): Promise<{ db: Db; drop(): Promise<void> }> }[] = [
  { name: 'pglite', open: async () => ({ db: pgliteDb(await PGlite.create()), drop: async () => undefined }) },
  {
    name: 'postgres',
    open: async () => {
      const schema = `zs_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: testDatabaseUrl });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.end();
      return {
        db: pgDb({ connectionString: testDatabaseUrl, schema }),
        drop: async () => {
          const c = new pg.Client({ connectionString: testDatabaseUrl });
          await c.connect();
          await c.query(`DROP SCHEMA ${schema} CASCADE`);
          await c.end();
        },
      };
    },
  },
];

describeEachBackend(engines, 'migration 060 on a trail that already has events ($name)', (engine) => {
  it('numbers the stored events in the order they were recorded, and checkpoints them', async () => {
    const { db, drop } = await engine.open();
    const store: Store = { db, backend: db.backend, location: 'test', close: () => db.close() };
    try {
      await migrate(db, before060);
      for (const [caseId, step] of [
        ['A', 'intake'],
        ['B', 'intake'],
        ['A', 'decided'],
      ] as const) {
        await appendEvent(store, sampleEvent({ caseId, step }));
      }
      expect(await migrate(db)).toContain('060');
      const rows = await db.query<{ case_id: string; seq: number; n: number }>(
        'SELECT case_id, seq, global_seq::integer AS n FROM audit_events ORDER BY global_seq',
      );
      expect(rows.map((r) => `${r.n}:${r.case_id}#${r.seq}`)).toEqual(['1:A#1', '2:B#1', '3:A#2']);
      // Still append-only after the numbering, and new events continue the order.
      await expect(db.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
      await appendEvent(store, sampleEvent({ caseId: 'B', step: 'decided' }));
      const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
      expect(await takeCheckpoint(store, signer)).toMatchObject({ treeSize: 4 });
      expect(await verifyTrail(store, { publicKeys: [createPublicKey(signer.publicKeyPem)] })).toMatchObject({ ok: true, events: 4 });
    } finally {
      await db.close();
      await drop();
    }
  });
});
