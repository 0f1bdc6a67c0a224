import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeIntakeWorkbook } from '../fixtures/generate';
import { seedLegacy } from '../fixtures/legacy-system';
import { sha256File } from '../activities/hashing';
import { archiveClosedCaseHistories, loadWorkflowHistory } from '../audit/history';
import { replayCase, type ReplayOptions } from '../audit/replay';
import { auditReplay, replaySummary } from '../cli/auditReplay';
import type { CaseFile } from '../rules/schemas';
import { configuredDataConverter } from '../temporal/dataConverter';
import { exited, startTestStack, type TestStack } from '../harness/stack';
import { reviewStateQuery } from '../workflows/messages';
import { TASK_QUEUES, type BatchProgress } from '../workflows/types';
import { must, reviewTeam } from './clerks';
import { waitUntilCasesComplete } from './caseWorkflows';

const WORKFLOWS = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const EXAMPLES = path.join(import.meta.dirname, '..', 'fixtures', 'examples');
// A worked example the rules send to a clerk (LS-03: too few contribution months).
const CASE = 'LS-2024-0006';
const EventType = proto.temporal.api.enums.v1.EventType;

/**
 * A case waiting for a clerk replays like a closed one: its history live from Temporal while the
 * workflow is open, else from the partial archive taken when it entered review and after each act.
 */
describe('audit replay of a case waiting for a person', () => {
  let stack: TestStack;
  let worker: ChildProcess;
  let bundle: WorkflowBundle;
  let options: () => ReplayOptions;

  /** The archived row of the case's run, as the store holds it. */
  const archived = async () => (await loadWorkflowHistory(stack.store, `case-${CASE}`))!;
  /** The names of the Updates a history has accepted, in order. */
  const acceptedUpdates = (history: proto.temporal.api.history.v1.IHistory) =>
    (history.events ?? [])
      .filter((e) => Number(e.eventType) === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name);

  beforeAll(async () => {
    stack = await startTestStack();
    const file = path.join(EXAMPLES, `${CASE}.json`);
    seedLegacy(stack.dataDir, [file]);
    const workbook = path.join(stack.dataDir, 'intake.xlsx');
    await writeIntakeWorkbook(workbook, [JSON.parse(fs.readFileSync(file, 'utf8')) as CaseFile]);
    worker = await stack.startWorker();
    const handle = await stack.client.workflow.start('batchWorkflow', {
      taskQueue: TASK_QUEUES.default,
      workflowId: 'batch-replay-open',
      args: [{ batchId: 'replay-open', workbook: { path: workbook, sha256: await sha256File(workbook), fileName: 'intake.xlsx' } }],
    });
    // The batch is done once the bots are: the case waits for a clerk.
    expect(((await handle.result()) as BatchProgress).byOutcome.review).toBe(1);
    bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS, logger: quietLogger });
    options = () => ({ workflowBundle: bundle, dataConverter: configuredDataConverter(stack.config, stack.env) });
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('archives the history so far once the case is in review', async () => {
    const saved = await vi.waitFor(
      async () => {
        const h = await loadWorkflowHistory(stack.store, `case-${CASE}`);
        if (!h) throw new Error('not archived yet');
        return h;
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(saved).toMatchObject({ caseId: CASE, complete: false, afterStep: 'review-opened' });
    expect(acceptedUpdates(saved.history)).toEqual([]);
  });

  it('replays the open case live from Temporal: determinism and the rules decision so far', async () => {
    const replay = await replayCase(stack.store, CASE, { ...options(), temporal: stack.client });
    expect(replay.history).toMatchObject({ status: 'ok', source: 'live', workflowStatus: 'RUNNING', complete: false });
    expect(replay.decisions.map((d) => [d.step, d.recorded.outcome, d.match])).toEqual([['decided', 'review', true]]);
    expect(replay.ok).toBe(true);
    const text = replaySummary(replay);
    expect(text).toMatch(/workflow history: live from Temporal \(open, \d+ events\) — replays against today's code/);
    expect(text).toContain('REPLAY OK');

    // From the command line, as after the demo with the stack still running.
    const lines: string[] = [];
    expect(await auditReplay(stack.config, CASE, {}, (l) => lines.push(l))).toBe(0);
    expect(JSON.parse(lines[0]!)).toMatchObject({ ok: true, history: { status: 'ok', source: 'live', workflowStatus: 'RUNNING' } });
  });

  it('without Temporal, replays from the partial archive and says where the case stood', async () => {
    const replay = await replayCase(stack.store, CASE, { ...options(), temporalProblem: 'Temporal not running' });
    const saved = await archived();
    expect(replay.history).toMatchObject({
      status: 'ok',
      source: 'archive',
      complete: false,
      afterStep: 'review-opened',
      events: saved.eventCount,
      notLive: 'Temporal not running',
    });
    expect(replay.decision?.match).toBe(true);
    expect(replay.ok).toBe(true);
    const text = replaySummary(replay);
    expect(text).toMatch(
      /workflow history: archived at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d Beijing time \(partial, case waiting for a clerk, \d+ events\) — replays against today's code/,
    );
    expect(text).toContain('not live: Temporal not running');
    expect(text).toContain('REPLAY OK');
  });

  it("updates the archive at each clerk's act, up to the decision; the archive replays at every point", async () => {
    const team = await reviewTeam(stack.store, stack.client, stack.config);
    const before = await archived();
    must(await team.acts.claim(CASE, team.clerk));
    // The act's Update answers once the archive holds it.
    const claimed = await archived();
    expect(claimed).toMatchObject({ complete: false, afterStep: 'claimed' });
    expect(claimed.eventCount).toBeGreaterThan(before.eventCount);
    expect(acceptedUpdates(claimed.history)).toEqual(['claim']);
    const fromClaim = await replayCase(stack.store, CASE, options());
    expect(fromClaim.history).toMatchObject({ status: 'ok', source: 'archive', afterStep: 'claimed', events: claimed.eventCount });
    expect(replaySummary(fromClaim)).toContain('(partial, case claimed, waiting for the clerk,');

    // The clerk decides as the rules would have without the review rule: no second look needed.
    const state = await stack.client.workflow.getHandle(`case-${CASE}`).query(reviewStateQuery);
    must(await team.acts.decide(CASE, team.clerk, { decision: state.provisionalOutcome, comment: '缴费年限经核实' }));
    const decided = await archived();
    // The case goes on to be entered and closed, whose own archive may already have superseded this one.
    expect(['reviewed', 'notice-issued']).toContain(decided.afterStep);
    expect(decided.eventCount).toBeGreaterThan(claimed.eventCount);
    expect(acceptedUpdates(decided.history)).toEqual(['claim', 'review']);
    const fromDecision = await replayCase(stack.store, CASE, options());
    expect(fromDecision.history).toMatchObject({ status: 'ok', source: 'archive', complete: false });
    expect(fromDecision.ok).toBe(true);
  });

  it('once closed, the sweep archives it complete; with Temporal gone the command line replays that and says why', async () => {
    await waitUntilCasesComplete(stack.client, [CASE], 60_000);
    const live = await replayCase(stack.store, CASE, { ...options(), temporal: stack.client });
    expect(live.history).toMatchObject({ status: 'ok', source: 'live', workflowStatus: 'COMPLETED', complete: true });
    expect(replaySummary(live)).toMatch(/live from Temporal \(completed, \d+ events\)/);
    expect((await archiveClosedCaseHistories(stack.store, stack.client)).saved).toEqual([CASE]);
    expect(await archived()).toMatchObject({ complete: true, afterStep: null });

    worker.kill('SIGKILL');
    await exited(worker);
    await stack.temporal.stop();
    const lines: string[] = [];
    const code = await auditReplay(stack.config, CASE, {}, (l) => lines.push(l));
    const replay = JSON.parse(lines[0]!) as Awaited<ReturnType<typeof replayCase>>;
    expect(replay.history).toMatchObject({
      status: 'ok',
      source: 'archive',
      complete: true,
      notLive: expect.stringMatching(/cannot reach Temporal/),
    });
    expect(replaySummary(replay)).toMatch(/archived at .* Beijing time \(complete, \d+ events\)/);
    // The rules' decision and the clerk's: the rules' replays identically.
    expect(replay.decisions.map((d) => d.step)).toEqual(['decided']);
    expect(code).toBe(0);
  }, 120_000);
});

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
