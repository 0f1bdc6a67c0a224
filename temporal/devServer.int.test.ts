import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { freePort, isListening, PLAIN_DEV_SERVER, startDevServer } from './devServer';
import { PROJECT_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';

describe('embedded Temporal dev server', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-temporal-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('registers the search attributes, keeps state in its SQLite file across a restart, and is reused when running', async () => {
    const port = await freePort();
    const first = await startDevServer({ dataDir, port, uiPort: null, namespace: 'default' });
    expect(first.reused).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'temporal.db'))).toBe(true);

    let connection = await Connection.connect({ address: first.address });
    const attributes = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    for (const key of PROJECT_SEARCH_ATTRIBUTES) expect(Object.keys(attributes.customAttributes ?? {})).toContain(key.name);
    // No worker polls this queue: the workflow stays running, which is what must survive the restart.
    await new Client({ connection }).workflow.start('caseWorkflow', { taskQueue: 'nobody-polls', workflowId: 'case-PERSIST-1', args: [] });

    const again = await startDevServer({ dataDir, port, uiPort: null, namespace: 'default' });
    expect(again.reused).toBe(true);
    await connection.close();

    await first.stop();
    expect(await isListening(port)).toBe(false);

    const restarted = await startDevServer({ dataDir, port, uiPort: null, namespace: 'default' });
    try {
      connection = await Connection.connect({ address: restarted.address });
      const described = await new Client({ connection }).workflow.getHandle('case-PERSIST-1').describe();
      expect(described.status.name).toBe('RUNNING');
      await connection.close();
    } finally {
      await restarted.stop();
    }
  });

  it('starts again a server that crashed while starting, and when it keeps crashing says what it said', async () => {
    const port = await freePort();
    const crashDir = path.join(dataDir, 'crashing');
    // The Go runtime refuses a malformed memory limit before the server does anything: status 2,
    // as a panic or a lost port would end it.
    const tuning = { ...PLAIN_DEV_SERVER, env: { GOMEMLIMIT: 'not-a-size' } };
    await expect(startDevServer({ dataDir: crashDir, port, uiPort: null, namespace: 'default', ephemeral: true, tuning })).rejects.toThrow(
      /exited with status 2 while starting; the server's log \(.*temporal-server\.log\) says:\nfatal error: malformed GOMEMLIMIT/,
    );
    const log = fs.readFileSync(path.join(crashDir, 'temporal-server.log'), 'utf8');
    expect(log.match(/fatal error: malformed GOMEMLIMIT/g)).toHaveLength(3);
    expect(await isListening(port)).toBe(false);
  });

  it('stops when the process that started it dies, even by kill -9', async () => {
    const port = await freePort();
    const script = [
      `import { startDevServer } from ${JSON.stringify(path.join(import.meta.dirname, 'devServer.ts'))};`,
      `await startDevServer({ dataDir: ${JSON.stringify(path.join(dataDir, 'orphan'))}, port: ${port}, uiPort: null, namespace: 'default', ephemeral: true });`,
      `process.stdout.write('up\\n');`,
      `setInterval(() => {}, 60_000);`,
    ].join('\n');
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    parent.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const starterExited = once(parent, 'exit').then(([code]) => {
      throw new Error(`the starter exited (${code}) without bringing the server up`);
    });
    await Promise.race([vi.waitFor(() => expect(out).toContain('up'), { timeout: 90_000, interval: 200 }), starterExited]);
    expect(await isListening(port)).toBe(true);

    parent.kill('SIGKILL');
    await expect.poll(() => isListening(port), { timeout: 30_000, interval: 200 }).toBe(false);
  }, 120_000);
});
