import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sha256File } from '../activities/hashing';
import { seedCaseFiles } from '../fixtures/legacy-system';
import { generateCases, writeIntakeWorkbook } from '../fixtures/generate';
import { legacyDataFile, loadLegacyData } from '../fixtures/legacy-system/records';
import { ENTRY_FORMS } from '../fixtures/legacy-system/screens/entryForms';
import { decide } from '../rules';
import type { CaseFile } from '../rules/schemas';
import type { AuditEvent } from '../store/auditEvent';
import { listEvents } from '../store/auditTrail';
import { getCase } from '../store/caseRegister';
import { currentEntryLease } from '../store/entryLeases';
import { verifyChain } from '../store/verifyChain';
import { TASK_QUEUES, type CaseResult } from '../workflows/types';
import { exited, startTestStack, type TestStack } from '../harness/stack';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const started = Date.now();
const note = (message: string) => process.stderr.write(`[fence +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
/** The entry step's heartbeat timeout (workflows/caseWorkflow.ts, the `bots` activities). */
const HEARTBEAT_TIMEOUT_MS = 10_000;
const FORM_PATHS = new Set(Object.values(ENTRY_FORMS).map((f) => f.path));

/**
 * A pass-through to the core system for the worker that is to stall, which lets the test see (and
 * hold) the moment its bot asks for the empty entry form: it has looked for the case, found no
 * entry, and is about to fill in the form and click 确定.
 */
async function watchingProxy(target: string) {
  const upstream = new URL(target);
  let holding: (() => void) | null = null;
  let formAsked!: () => void;
  const formRequested = new Promise<void>((resolve) => (formAsked = resolve));
  let entryPosts = 0;
  const server = http.createServer((req, res) => {
    const forward = () => {
      const proxied = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      proxied.on('error', () => res.destroy());
      req.pipe(proxied);
    };
    const pathname = new URL(req.url ?? '/', 'http://proxy').pathname;
    if (FORM_PATHS.has(pathname) && req.method === 'POST') entryPosts += 1;
    if (FORM_PATHS.has(pathname) && req.method === 'GET' && holding === null) {
      holding = forward;
      formAsked();
      return;
    }
    forward();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    formRequested,
    /** Lets the held form through (its page arrives in a browser whose bot stands still). */
    release: () => holding?.(),
    entryPosts: () => entryPosts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}

function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await probe();
      if (value === undefined) throw new Error(`timed out waiting for ${what}`);
      return value;
    },
    { timeout: timeoutMs, interval: 250 },
  );
}

/**
 * A bot worker frozen (SIGSTOP) between its look for the case and its click on 确定, for longer
 * than the heartbeat timeout: Temporal retries the entry on another worker, which enters the case.
 * When the first wakes (SIGCONT) its token has been overtaken: it enters nothing and says so.
 */
describe('a bot worker that stalls in the middle of an entry', () => {
  let stack: TestStack;
  let caseFile: CaseFile;
  let workbook: string;

  beforeAll(async () => {
    stack = await startTestStack();
    // A case the rulebook settles without a clerk and without receipts: straight to the entry.
    caseFile = generateCases({ seed: 41, count: 30 })
      .map((g) => g.caseFile)
      .find((c) => c.type !== 'reimbursement' && decide(c).outcome !== 'review')!;
    expect(caseFile).toBeDefined();
    seedCaseFiles(stack.dataDir, [caseFile]);
    workbook = path.join(stack.dataDir, 'intake.xlsx');
    await writeIntakeWorkbook(workbook, [caseFile]);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('enters the case once; the stale holder is fenced when it wakes', async () => {
    const proxy = await watchingProxy(stack.legacy.url);
    try {
      const caseId = caseFile.caseId;
      // Workflows on one process; the entry on a bot process of its own (one slot, so that while it
      // stands still it holds no poll a retry could be handed to). Its pages may take minutes: the
      // stall must end in the fence, not in Playwright's own timeout.
      const main = await stack.startWorker({ ZHISHEN_WORKER_QUEUES: `${TASK_QUEUES.default},${TASK_QUEUES.ocr}` });
      const stalling = await stack.startWorker({
        ZHISHEN_WORKER_QUEUES: TASK_QUEUES.legacyBots,
        ZHISHEN_BOT_SLOTS: '1',
        ZHISHEN_BOT_TIMEOUT_MS: '300000',
        LEGACY_URL: proxy.url,
      });
      note(`workers polling; stalling bot worker is pid ${stalling.pid}`);
      await stack.client.workflow.start('batchWorkflow', {
        taskQueue: TASK_QUEUES.default,
        workflowId: 'batch-fence',
        args: [
          { batchId: 'fence', workbook: { path: workbook, sha256: await sha256File(workbook), fileName: 'intake.xlsx' }, concurrency: 1 },
        ],
      });

      await proxy.formRequested;
      const lease = await currentEntryLease(stack.store, caseId);
      expect(lease).toMatchObject({ token: 1, live: true });
      stalling.kill('SIGSTOP');
      const stoppedAt = Date.now();
      proxy.release();
      note(`bot worker stopped after its look, asking for the form, holding token ${lease!.token}`);

      const rescuer = await stack.startWorker({ ZHISHEN_WORKER_QUEUES: TASK_QUEUES.legacyBots });
      note('second bot worker polling');
      const result = (await stack.client.workflow.getHandle(`case-${caseId}`).result()) as CaseResult;
      const stalledMs = Date.now() - stoppedAt;
      note(`case closed (${result.outcome}) while the first stood still for ${stalledMs} ms`);
      expect(stalledMs).toBeGreaterThan(HEARTBEAT_TIMEOUT_MS);
      const entriesOfCase = () => (loadLegacyData(legacyDataFile(stack.dataDir)).entries ?? []).filter((e) => e.caseId === caseId);
      expect(entriesOfCase()).toHaveLength(1);
      const taken = await currentEntryLease(stack.store, caseId);
      expect(taken!.token).toBeGreaterThan(1);

      stalling.kill('SIGCONT');
      note('first bot worker continued');
      // Until the stale attempt is fenced, or (what must not happen) its bot posts the entry.
      await waitFor(
        'the stale attempt to be fenced or to submit',
        async () =>
          proxy.entryPosts() > 0 || (await listEvents(stack.store, caseId)).some((e) => e.step === 'entry-fenced') ? true : undefined,
        120_000,
      );
      expect(proxy.entryPosts()).toBe(0);
      const fencedEvent = (await listEvents(stack.store, caseId)).find((e) => e.step === 'entry-fenced')!;
      note(`fenced: ${JSON.stringify(fencedEvent.outcome)}`);
      expect(fencedEvent.outcome).toMatchObject({ submitted: false, token: 1, currentToken: taken!.token, currentHolder: taken!.holder });
      expect(['lease-taken-over', 'activity-cancelled']).toContain((fencedEvent.outcome as { reason: string }).reason);
      // The fence is recorded after the refusal and before anything could be clicked: give a late
      // click every chance to show, then count.
      await sleep(3_000);
      expect(proxy.entryPosts()).toBe(0);
      expect(entriesOfCase()).toMatchObject([{ outcome: result.outcome }]);

      const trail: AuditEvent[] = await listEvents(stack.store, caseId);
      const steps = trail.map((e) => e.step);
      expect(steps.filter((s) => s === 'entered')).toHaveLength(1);
      expect(steps.filter((s) => s === 'closed')).toHaveLength(1);
      expect(steps.indexOf('entry-fenced')).toBeGreaterThan(steps.indexOf('closed'));
      expect(await getCase(stack.store, caseId)).toMatchObject({ status: 'closed', outcome: result.outcome });
      expect(await verifyChain(stack.store, caseId)).toMatchObject({ ok: true });

      for (const worker of [main, stalling, rescuer]) worker.kill('SIGKILL');
      await Promise.all([main, stalling, rescuer].map(exited));
    } finally {
      await proxy.close();
    }
  }, 600_000);
});
