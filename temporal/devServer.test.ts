import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, isListening, startDevServer } from './devServer';
import { PROJECT_SEARCH_ATTRIBUTES } from './searchAttributes';

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
});
