import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runBatch } from '../cli/batch';
import { seedLegacy } from '../fixtures/legacy-system';
import { loadConfig } from '../config/env';
import { freePort, isListening } from '../temporal/devServer';
import { processTree, stillRunning, type ProcessEntry } from './processTree';

const ROOT = path.resolve(import.meta.dirname, '..');
const DEMO = path.join(ROOT, 'fixtures', 'demo');

/** A free port whose neighbour 1000 above is free too (the dev server's Web UI). */
async function freeTemporalPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 1000 <= 65535 && !(await isListening(port + 1000))) return port;
  }
}

/**
 * Ctrl-C in the terminal that runs `npm start`: the terminal sends SIGINT to its foreground process
 * group (npm, the shell, tsx and the stack), each of which may forward it again. Everything the
 * stack started goes: the Temporal dev server (in a process group of its own), Chromium, the ports.
 */
describe('Ctrl-C on `npm start`', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-stop-'));
  let npm: ChildProcess | null = null;
  let tree: ProcessEntry[] = [];

  afterAll(() => {
    // Whatever the test left (it failed), so that no orphan outlives it.
    for (const p of tree) if (stillRunning(p)) process.kill(p.pid, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops every process it started and frees every port, with cases waiting for a clerk', async () => {
    const ports = { temporal: await freeTemporalPort(), console: await freePort(), legacy: await freePort() };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ZHISHEN_DATA_DIR: dataDir,
      ZHISHEN_TEMPORAL_PORT: String(ports.temporal),
      ZHISHEN_CONSOLE_PORT: String(ports.console),
      LEGACY_PORT: String(ports.legacy),
      ZHISHEN_LOG_LEVEL: 'info',
    };
    for (const name of ['TEMPORAL_ADDRESS', 'DATABASE_URL', 'LEGACY_URL', 'TEMPORAL_UI_URL']) delete env[name];
    const config = loadConfig(env);
    const caseFiles = fs
      .readdirSync(path.join(DEMO, 'cases'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => path.join(DEMO, 'cases', f));
    seedLegacy(dataDir, caseFiles);

    // Its own process group, as a terminal gives a foreground job.
    npm = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exitedWith = new Promise<number | null>((resolve) => npm!.once('exit', (code) => resolve(code)));
    const exitedEarly = exitedWith.then((code) => {
      throw new Error(`npm start exited with ${code}:\n${output}`);
    });
    const up = vi.waitFor(() => expect(output, 'npm start did not come up').toMatch(/stack is up/), { timeout: 180_000, interval: 250 });
    await Promise.race([up, exitedEarly]);

    // The demo batch: the bots and OCR work (Chromium runs), and some cases end up waiting for a clerk.
    const batch = await runBatch(config, { workbook: path.join(DEMO, 'intake.xlsx'), wait: true });
    expect(batch.progress).toMatchObject({ finished: true, byOutcome: { failed: 0 } });
    expect(batch.progress!.byOutcome.review).toBeGreaterThan(0);

    tree = processTree(npm.pid!);
    const commands = tree.map((p) => p.command).join('\n');
    expect(commands).toMatch(/temporal server start-dev/);
    expect(commands).toMatch(/chrom/i);
    for (const port of Object.values(ports)) expect(await isListening(port), `port ${port}`).toBe(true);

    const signalled = Date.now();
    process.kill(-npm.pid!, 'SIGINT');
    const code = await exitedWith;
    await vi.waitFor(
      () => {
        const left = tree.filter(stillRunning).map((p) => `${p.pid} ${p.command}`);
        expect(left, `still running after Ctrl-C:\n${left.join('\n')}\n--- output:\n${output}`).toEqual([]);
      },
      { timeout: 60_000, interval: 250 },
    );
    for (const port of [...Object.values(ports), ports.temporal + 1000]) expect(await isListening(port), `port ${port}`).toBe(false);
    expect(output).toMatch(/stopping…/);
    expect(output).toMatch(/stopped/);
    process.stderr.write(
      `[stack-shutdown] npm exited with ${code}; all ${tree.length} processes gone ${((Date.now() - signalled) / 1000).toFixed(1)} s after SIGINT\n`,
    );
  }, 900_000);
});
