import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent, listEvents } from './auditTrail';
import { StoreInUseError } from './embedded/dataDirLock';
import { serveEmbeddedStore, type EmbeddedStoreServer } from './embedded/serveEmbeddedStore';
import { readServerFile, serverFilePath, writeServerFile } from './embedded/serverFile';
import { openStore } from './openStore';
import { verifyChain } from './verifyChain';
import type { Store } from './store';
import { tempDataDir } from './testing/backends';
import { sampleEvent } from './testing/sampleEvent';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function freshDataDir(): string {
  const dataDir = tempDataDir();
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  return dataDir;
}

/** A pid that certainly belongs to no process: one that has just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('embedded store in-process (PGlite)', () => {
  it('keeps its data across close and reopen', async () => {
    const dataDir = freshDataDir();
    const first = await openStore({ dataDir });
    expect(first.backend).toBe('pglite');
    await appendEvent(first, sampleEvent({ caseId: 'PERSIST-1', step: 'intake' }));
    await appendEvent(first, sampleEvent({ caseId: 'PERSIST-1', step: 'decided' }));
    await first.close();

    const second = await openStore({ dataDir });
    expect((await listEvents(second, 'PERSIST-1')).map((e) => e.step)).toEqual(['intake', 'decided']);
    expect(await verifyChain(second)).toEqual({ ok: true, cases: 1, events: 2 });
    await second.close();
  });

  it('refuses a second opener while the files are open, and allows it after close', async () => {
    const dataDir = freshDataDir();
    const store = await openStore({ dataDir });
    await expect(openStore({ dataDir })).rejects.toBeInstanceOf(StoreInUseError);
    await store.close();
    const again = await openStore({ dataDir });
    await again.close();
  });

  it('ignores a server file left by a dead process', async () => {
    const dataDir = freshDataDir();
    writeServerFile(dataDir, { host: '127.0.0.1', port: 1, pid: deadPid(), url: 'postgres://postgres@127.0.0.1:1/postgres' });
    const store = await openStore({ dataDir });
    expect(store.backend).toBe('pglite');
    await store.close();
  });
});

describe('embedded store served to other processes', () => {
  let dataDir: string;
  let server: EmbeddedStoreServer;
  const clients: pg.Client[] = [];

  async function connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: server.url });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    dataDir = tempDataDir();
    server = await serveEmbeddedStore({ dataDir });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('records where it listens, and openStore connects there', async () => {
    expect(readServerFile(dataDir)).toEqual({ host: '127.0.0.1', port: server.port, pid: process.pid, url: server.url });
    const store = await openStore({ dataDir });
    expect(store.backend).toBe('embedded-server');
    expect(store.location).toBe(server.url);
    await store.close();
  });

  it('keeps results apart for two clients sending large and small parameterised queries at once', async () => {
    // The stock pglite-socket queue fails this one: a large Bind arrives in several TCP chunks and
    // the other client's Parse slips in between.
    const [writer, reader] = [await connect(), await connect()];
    await writer.query('CREATE TEMP TABLE IF NOT EXISTS big_rows (id int, body jsonb)');
    const body = JSON.stringify({ text: 'x'.repeat(300_000) });
    const writes = (async () => {
      for (let i = 0; i < 15; i++) await writer.query('INSERT INTO big_rows VALUES ($1, $2::text::jsonb)', [i, body]);
    })();
    const reads = (async () => {
      for (let i = 0; i < 1500; i++) {
        const { rows } = await reader.query<{ n: number }>('SELECT $1::int + 1 AS n', [i]);
        expect(rows[0]?.n).toBe(i + 1);
      }
    })();
    await Promise.all([writes, reads]);
    const { rows } = await reader.query<{ n: number }>('SELECT count(*)::int AS n FROM big_rows');
    expect(rows[0]?.n).toBe(15);
  });

  it('runs a client transaction undisturbed: others wait for COMMIT or ROLLBACK', async () => {
    const [a, b] = [await connect(), await connect()];
    await a.query('CREATE TABLE IF NOT EXISTS tx_probe (who text)');
    await a.query('BEGIN');
    await a.query(`INSERT INTO tx_probe VALUES ('a')`);
    let bDone = false;
    const bInsert = b.query(`INSERT INTO tx_probe VALUES ('b')`).then(() => (bDone = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bDone).toBe(false);
    await a.query('ROLLBACK');
    await bInsert;
    const { rows } = await a.query<{ who: string }>('SELECT who FROM tx_probe');
    expect(rows.map((r) => r.who)).toEqual(['b']);
  });

  it('rolls back the transaction of a client that disconnects in the middle of it', async () => {
    const quitter = await connect();
    const other = await connect();
    await other.query('CREATE TABLE IF NOT EXISTS quit_probe (who text)');
    await quitter.query('BEGIN');
    await quitter.query(`INSERT INTO quit_probe VALUES ('quitter')`);
    const otherInsert = other.query(`INSERT INTO quit_probe VALUES ('other')`);
    await quitter.end();
    await otherInsert;
    const { rows } = await other.query<{ who: string }>('SELECT who FROM quit_probe');
    expect(rows.map((r) => r.who)).toEqual(['other']);
  });

  it('passes errors back and stays usable: the append-only trigger refuses through the socket too', async () => {
    const store = await openStore({ dataDir });
    cleanups.push(() => store.close());
    await appendEvent(store, sampleEvent({ caseId: 'SOCKET-TRIGGER' }));
    await expect(store.db.query(`DELETE FROM audit_events WHERE case_id = 'SOCKET-TRIGGER'`)).rejects.toThrow(/append-only/);
    expect(await listEvents(store, 'SOCKET-TRIGGER')).toHaveLength(1);
  });

  it('keeps one contiguous chain when two processes append to the same case at once', async () => {
    const stores: Store[] = [await openStore({ dataDir }), await openStore({ dataDir })];
    cleanups.push(() => Promise.all(stores.map((s) => s.close())).then(() => undefined));
    const caseId = 'SOCKET-RACE';
    await Promise.all(
      stores.flatMap((store, s) => Array.from({ length: 10 }, (_, i) => appendEvent(store, sampleEvent({ caseId, runId: `s${s}-${i}` })))),
    );
    // Both retry the same step at once: written once.
    const retries = await Promise.all(stores.map((store) => appendEvent(store, sampleEvent({ caseId, runId: 's0-3' }))));
    expect(retries[0]).toEqual(retries[1]);
    expect(await verifyChain(stores[0]!, caseId)).toEqual({ ok: true, cases: 1, events: 20 });
  });

  it('refuses to serve the same data directory twice', async () => {
    await expect(serveEmbeddedStore({ dataDir })).rejects.toBeInstanceOf(StoreInUseError);
  });
});

describe('closing the embedded store', () => {
  it('removes the server file and the lock, and lets the process exit by itself', () => {
    const dataDir = freshDataDir();
    const script = fileURLToPath(new URL('./testing/serveOpenClose.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--import', 'tsx', script, dataDir], { encoding: 'utf8', timeout: 60_000 });
    expect(child.signal, `child hung and was killed; stderr: ${child.stderr}`).toBeNull();
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout.trim()).toBe('embedded-server');
    expect(existsSync(serverFilePath(dataDir))).toBe(false);
    expect(existsSync(join(dataDir, 'store.lock'))).toBe(false);
  });
});
