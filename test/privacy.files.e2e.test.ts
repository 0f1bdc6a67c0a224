/**
 * A batch's outputs under the data directory are readable by their owner only: the staged workbook
 * and attachments, the result report, notices, the bots' evidence and the logs. The test process
 * keeps a loose umask (022) on purpose: what it writes itself (staging, the report) must be owner
 * only by the writers' own modes; the worker process sets its umask at its entry point.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../cli/batch';
import { seedCaseFiles } from '../fixtures/legacy-system';
import { generateCases, writeIntakeWorkbook } from '../fixtures/generate';
import { decide } from '../rules';
import type { CaseFile } from '../rules/schemas';
import { startTestStack, type TestStack } from '../harness/stack';

/** Every file and directory below `root`, with its permission bits. */
function walk(root: string): { file: string; mode: number; dir: boolean }[] {
  const out: { file: string; mode: number; dir: boolean }[] = [];
  const visit = (p: string) => {
    const st = fs.lstatSync(p);
    out.push({ file: p, mode: st.mode & 0o777, dir: st.isDirectory() });
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
  };
  visit(root);
  return out;
}

describe('files under the data directory are owner only', () => {
  let stack: TestStack;
  let caseFiles: CaseFile[];
  let previousUmask: number;
  let source: string;

  beforeAll(async () => {
    previousUmask = process.umask(0o022);
    stack = await startTestStack();
    caseFiles = generateCases({ seed: 909, count: 6, types: ['lump-sum', 'transfer'] }).map((g) => g.caseFile);
    seedCaseFiles(stack.dataDir, caseFiles);
    // The upload folder is world-readable, as a shared drive would be: the staged copies must not be.
    source = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-upload-'));
    fs.chmodSync(source, 0o755);
    await writeIntakeWorkbook(path.join(source, 'intake.xlsx'), caseFiles);
    fs.chmodSync(path.join(source, 'intake.xlsx'), 0o644);
    fs.mkdirSync(path.join(source, 'attachments', 'sub'), { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(source, 'attachments', 'sub', 'r1.png'), 'not really a png', { mode: 0o644 });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    if (source) fs.rmSync(source, { recursive: true, force: true });
    process.umask(previousUmask);
  });

  it('stages, reports, notices, evidence and logs of a batch are 0600 files in 0700 directories', async () => {
    // Every step traced: while the core system is down only first attempts reach a screen (a retry's
    // new browser context fails at its login), and the trace's file is one whose mode is checked.
    await stack.startWorker({ ZHISHEN_BOT_TRACE: 'every-step' });
    // Once the bots are logged in (a case's facts are read), the core system fails until a bot has
    // kept evidence of a failure; then it recovers and the bots retry.
    const running = runBatch(stack.config, { workbook: path.join(source, 'intake.xlsx'), wait: true, concurrency: 2 });
    const factsRead = async () => (await stack.store.db.query(`SELECT 1 FROM audit_events WHERE step = 'facts-read' LIMIT 1`)).length;
    await expect.poll(factsRead, { timeout: 180_000, interval: 100, message: 'no case read from the core system' }).toBe(1);
    stack.legacy.setFaults({ errorRate: 1 });
    const evidenceDir = path.join(stack.dataDir, 'evidence');
    const traceKept = () => fs.existsSync(evidenceDir) && fs.readdirSync(evidenceDir).some((f) => f.endsWith('.trace.zip'));
    await expect.poll(traceKept, { timeout: 180_000, interval: 250, message: 'no evidence kept while the core system failed' }).toBe(true);
    stack.legacy.setFaults({ errorRate: 0 });
    const result = await running;
    expect(result.progress?.done).toBe(caseFiles.length);

    const outputs = ['intake', 'attachments', 'reports', 'notices', 'evidence', 'logs'].map((d) => path.join(stack.dataDir, d));
    const entries = outputs.flatMap((d) => (fs.existsSync(d) ? walk(d) : []));
    const files = entries.filter((e) => !e.dir);
    const named = (dir: string) => files.filter((f) => f.file.startsWith(path.join(stack.dataDir, dir) + path.sep));
    // Each kind of output is there, so the modes below are not checked on nothing.
    expect(named('intake').some((f) => f.file.endsWith('.xlsx'))).toBe(true);
    expect(named('attachments').some((f) => f.file.endsWith('r1.png'))).toBe(true);
    expect(named('reports').map((f) => path.basename(f.file))).toEqual([`${result.batchId}.xlsx`]);
    expect(caseFiles.some((c) => decide(c).outcome !== 'review')).toBe(true);
    expect(named('notices').some((f) => f.file.endsWith('.pdf'))).toBe(true);
    expect(named('evidence').some((f) => f.file.endsWith('.trace.zip'))).toBe(true);
    expect(named('evidence').some((f) => f.file.endsWith('.png'))).toBe(true);
    expect(named('logs').some((f) => f.file.endsWith('zhishen.log'))).toBe(true);

    const loose = entries.filter((e) => (e.mode & 0o077) !== 0).map((e) => `${path.relative(stack.dataDir, e.file)} ${e.mode.toString(8)}`);
    expect(loose).toEqual([]);
    for (const e of entries) expect(e.mode, e.file).toBe(e.dir ? 0o700 : 0o600);
  }, 600_000);
});
