import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../cli/batch';
import { seedCaseFiles } from '../fixtures/legacy-system';
import { loadConfig } from '../config/env';
import { startConsole } from '../console/server';
import { createLogger } from '../logging/logger';
import { createUser } from '../store';
import { findStuckCases, type StuckStep } from '../console/stuckCases';
import { generateCases, writeIntakeWorkbook } from '../fixtures/generate';
import { legacyDataFile, loadLegacyData } from '../fixtures/legacy-system/records';
import { decide } from '../rules';
import type { CaseFile } from '../rules/schemas';
import { listEvents } from '../store/auditTrail';
import { batchProgressQuery } from '../workflows/messages';
import type { BatchProgress, CaseResult } from '../workflows/types';
import { exited, startTestStack, type TestStack } from '../harness/stack';

const OUTAGE_MS = 75_000;
const PASSWORD = 'correct horse 42';
/** The longest wait between two attempts in this test (ZHISHEN_RETRY_MAX_INTERVAL). */
const MAX_INTERVAL_S = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const started = Date.now();
const note = (message: string) => process.stderr.write(`[outage +${((Date.now() - started) / 1000).toFixed(0)}s] ${message}\n`);

/** GET /dashboard?batch=ID as a manager, from a console on the stack whose threshold is 30 s in retries. */
async function dashboardPage(stack: TestStack, batchId: string): Promise<string> {
  await createUser(stack.store, { username: 'boss', role: 'manager', displayName: '赵经理', password: PASSWORD }).catch(() => {});
  const logger = createLogger('outage-test', { terminal: false, logDir: path.join(stack.dataDir, 'logs') });
  const consoleServer = await startConsole({
    store: stack.store,
    temporal: stack.client,
    config: { ...stack.config, stuckAfterSeconds: 30 },
    logger,
    port: 0,
  });
  try {
    let cookie = '';
    const request = async (p: string, form?: Record<string, string>) => {
      const res = await fetch(consoleServer.url + p, {
        method: form ? 'POST' : 'GET',
        redirect: 'manual',
        headers: { ...(cookie ? { cookie } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body: form ? new URLSearchParams(form).toString() : undefined,
      });
      const set = res.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0]!;
      return { status: res.status, body: await res.text() };
    };
    const login = await request('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.body)![1]!;
    expect((await request('/login', { _csrf: csrf, username: 'boss', password: PASSWORD, next: '/' })).status).toBe(303);
    const dashboard = await request(`/dashboard?batch=${encodeURIComponent(batchId)}`);
    expect(dashboard.status).toBe(200);
    return dashboard.body;
  } finally {
    await consoleServer.close();
  }
}

const entriesIn = (stack: TestStack) => loadLegacyData(legacyDataFile(stack.dataDir)).entries ?? [];

/**
 * The core system down for 75 seconds (fifteen retry intervals and more) in the middle of a batch: the cases wait and then go on, none
 * fails, none is entered twice; while it is down the dashboard lists the cases held up, with the step,
 * the attempts and the last error. A retry interval of 5 s at most keeps the wait after it short.
 */
describe('an outage of the core system in the middle of a batch', () => {
  let stack: TestStack;
  let caseFiles: CaseFile[];
  let workbook: string;

  beforeAll(async () => {
    // Slow pages, so that the outage finds cases in flight.
    stack = await startTestStack({ faults: { latencyMs: 300 } });
    // Cases the rules settle without a clerk, so that every one reaches the core system by itself.
    caseFiles = generateCases({ seed: 70, count: 12, types: ['lump-sum', 'transfer'] })
      .map((g) => g.caseFile)
      .filter((c) => decide(c).outcome !== 'review')
      .slice(0, 6);
    expect(caseFiles).toHaveLength(6);
    seedCaseFiles(stack.dataDir, caseFiles);
    workbook = path.join(stack.dataDir, 'intake.xlsx');
    await writeIntakeWorkbook(workbook, caseFiles);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('delays the cases and fails none; the dashboard shows the ones held up', async () => {
    const worker = await stack.startWorker();
    // Whoever starts the batch chooses the retry interval: here through the environment, as `batch run` does.
    const config = loadConfig({ ...stack.env, ZHISHEN_RETRY_MAX_INTERVAL: String(MAX_INTERVAL_S) });
    const { workflowId } = await runBatch(config, { workbook, wait: false, concurrency: 2 });
    const batch = stack.client.workflow.getHandle(workflowId);
    const batchId = workflowId.replace(/^batch-/, '');

    await expect
      .poll(() => entriesIn(stack).length, { timeout: 300_000, interval: 200, message: 'no case reached the core system' })
      .toBeGreaterThan(0);
    await stack.stopLegacy();
    const downAt = Date.now();
    const enteredBefore = entriesIn(stack).length;
    note(`core system down with ${enteredBefore} of ${caseFiles.length} cases entered`);
    expect(enteredBefore).toBeLessThan(caseFiles.length);

    // Well into the outage (past the 30 s a case must be held up to be listed): the held-up cases are on the dashboard.
    await sleep(OUTAGE_MS * 0.6);
    const found = await findStuckCases(stack.client, batchId, { stuckAfterMs: 30_000 });
    note(`held up: ${found.steps.map((s) => `${s.caseId} ${s.step} ×${s.attempts}`).join(', ')}`);
    expect(found.steps.length).toBeGreaterThan(0);
    for (const step of found.steps) {
      expect(step).toMatchObject<Partial<StuckStep>>({ step: expect.stringMatching(/^(readFacts|enterResult)$/) });
      expect(caseFiles.map((c) => c.caseId)).toContain(step.caseId);
      expect(step.attempts).toBeGreaterThanOrEqual(3);
      expect(Date.parse(step.since)).toBeLessThanOrEqual(Date.now() - 30_000);
      expect(step.lastError).toMatch(/核心系统|ERR_CONNECTION_REFUSED|unreachable/);
    }
    // As a manager sees it on the dashboard.
    const page = await dashboardPage(stack, batchId);
    expect(page).toContain('id="stuck-cases"');
    for (const step of found.steps) expect(page).toContain(`data-case="${step.caseId}"`);
    expect(page).toMatch(/读取核心系统数据|录入核心系统/);
    // No 身份证号 on the page in full.
    for (const c of caseFiles) expect(page).not.toContain(c.person.idNumber);

    await sleep(Math.max(0, downAt + OUTAGE_MS - Date.now()));
    const progressDuring = (await batch.query(batchProgressQuery)) as BatchProgress;
    expect(progressDuring.byOutcome.failed).toBe(0);
    await stack.startLegacy();
    const upAt = Date.now();
    // An entry posted as the stand-in went down may have been saved all the same: count from here.
    const enteredAtReturn = entriesIn(stack).length;
    expect(enteredAtReturn).toBeLessThan(caseFiles.length);
    note(`core system back after ${((upAt - downAt) / 1000).toFixed(0)} s; ${progressDuring.done} of ${caseFiles.length} cases settled`);

    // Within the maximum interval (and a slow page or two), the bots are at work again.
    const backAtWork = {
      timeout: Math.max(0, upAt + (MAX_INTERVAL_S + 40) * 1000 - Date.now()),
      interval: 200,
      message: `no case entered within ${MAX_INTERVAL_S + 40} s of the core system's return`,
    };
    await expect.poll(() => entriesIn(stack).length, backAtWork).toBeGreaterThan(enteredAtReturn);
    note(`first entry after the outage ${((Date.now() - upAt) / 1000).toFixed(1)} s after the return`);

    const result = (await batch.result()) as BatchProgress;
    note(`batch finished ${((Date.now() - upAt) / 1000).toFixed(0)} s after the return: ${JSON.stringify(result.byOutcome)}`);
    expect(result).toMatchObject({ total: caseFiles.length, done: caseFiles.length, finished: true });
    expect(result.byOutcome.failed).toBe(0);

    const entries = entriesIn(stack);
    for (const caseFile of caseFiles) {
      const handle = stack.client.workflow.getHandle(`case-${caseFile.caseId}`);
      const final = (await handle.result()) as CaseResult;
      expect(final.outcome).toBe(decide(caseFile).outcome);
      expect((await handle.describe()).status.name).toBe('COMPLETED');
      expect(
        entries.filter((e) => e.caseId === caseFile.caseId),
        caseFile.caseId,
      ).toMatchObject([{ outcome: final.outcome }]);
    }
    expect(entries).toHaveLength(caseFiles.length);

    // The outage is on the record: the bots' failed attempts, as the core system could not be reached.
    const faults = (await Promise.all(caseFiles.map((c) => listEvents(stack.store, c.caseId))))
      .flat()
      .filter((e) => e.step === 'bot-fault');
    expect(faults.length).toBeGreaterThan(0);

    worker.kill('SIGTERM');
    await exited(worker);
  }, 900_000);
});
