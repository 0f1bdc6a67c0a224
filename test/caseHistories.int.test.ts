import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { FAILURE_CONVERTER_PATH } from '../temporal/dataConverter';

const WORKFLOWS = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** The patch IDs a history's markers record, in order. */
function patchIds(events: readonly temporal.api.history.v1.IHistoryEvent[]): string[] {
  return events.flatMap((e) => {
    const m = e.markerRecordedEventAttributes;
    const data = m?.markerName === 'core_patch' ? m.details?.['patch-data']?.payloads?.[0]?.data : null;
    return data ? [(JSON.parse(Buffer.from(data).toString()) as { id: string }).id] : [];
  });
}

describe('case runs recorded before histories were archived while waiting for people', () => {
  it('replay on the present code: review, claim, release, return for documents, a second look sent back, then approved', async () => {
    // Recorded from the case workflow as it was (its history archived only at the close), with stub activities.
    const history = temporal.api.history.v1.History.fromObject(
      JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'histories', 'caseWorkflow-review-before-archiving.json'), 'utf8')),
    );
    const updates = (history.events ?? [])
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name)
      .filter((name) => name !== undefined && name !== null);
    expect(updates).toEqual([
      'claim',
      'release',
      'claim',
      'review',
      'supplyDocuments',
      'claim',
      'review',
      'secondLook',
      'review',
      'secondLook',
    ]);
    await Worker.runReplayHistory({ workflowsPath: WORKFLOWS }, history, 'case-before-archiving-while-waiting');
  }, 60_000);
});

/**
 * A batch and its cases recorded on the stack by `npm run bench -- --cases 40 --skip-baseline
 * --record-histories test/histories/<dir>` (payloads opened): a closed and a waiting case of each
 * business, and the batch's run; each case carries the patch markers `patches` lists.
 */
const RECORDED_STACKS = [
  { dir: 'lean-stack', what: 'with a patch per change (lean steps, settle by completion)', patches: ['lean-case-v1'] },
  { dir: 'case-v2-stack', what: 'with the one case patch', patches: ['case-v2'] },
] as const;

describe.each(RECORDED_STACKS)('a batch and its cases recorded on the stack $what', ({ dir, patches }) => {
  const DIR = path.join(import.meta.dirname, 'histories', dir);
  const load = (file: string) => JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as object;
  const caseFiles = fs.readdirSync(DIR).filter((f) => f !== 'batch.json');
  const replayOptions = { workflowsPath: WORKFLOWS, dataConverter: { failureConverterPath: FAILURE_CONVERTER_PATH } };

  it('hold each business both closed and waiting for a clerk, with their patches', () => {
    const kinds = caseFiles.map((f) => {
      const events = temporal.api.history.v1.History.fromObject(load(f)).events ?? [];
      const markers = patchIds(events);
      return { type: f.slice(0, 2), closed: events.some((e) => e.workflowExecutionCompletedEventAttributes), markers };
    });
    expect(new Set(kinds.map((k) => `${k.type}/${k.closed}`))).toEqual(
      new Set(['LS/true', 'LS/false', 'TR/true', 'TR/false', 'RB/true', 'RB/false']),
    );
    for (const k of kinds) expect(k.markers).toEqual(expect.arrayContaining([...patches]));
  });

  it('replay on the present code', async () => {
    const { runs } = load('batch.json') as { runs: object[] };
    const histories = [
      ...caseFiles.map((f) => ({ workflowId: f.replace(/\.json$/, ''), history: load(f) })),
      ...runs.map((run, i) => ({ workflowId: `${dir}-batch-${i + 1}`, history: run })),
    ].map(({ workflowId, history }) => ({ workflowId, history: temporal.api.history.v1.History.fromObject(history) }));
    const failures: string[] = [];
    // One worker for all of them: a bundle per history would cost seconds each.
    for await (const result of Worker.runReplayHistories(replayOptions, histories))
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    expect(failures).toEqual([]);
  }, 120_000);
});

describe('cases recorded with a patch for each change (lean steps, settle by completion, archive while waiting)', () => {
  const replay = async (file: string) => {
    const history = temporal.api.history.v1.History.fromObject(
      JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'histories', file), 'utf8')),
    );
    const patches = patchIds(history.events ?? []);
    await Worker.runReplayHistory({ workflowsPath: WORKFLOWS }, history, file);
    return patches;
  };

  it('replay on the present code: a calm case, closed', async () => {
    // Recorded from the case workflow before its patches became one, with stand-in activities (bench/temporalShare.ts).
    const patches = await replay('caseWorkflow-lean-closed-two-patches.json');
    expect(patches).toEqual(['lean-case-v1', 'settle-by-completion-v1']);
  }, 60_000);

  it('replay on the present code: a case waiting for a clerk, which takes settle-by-completion-v1 when it closes', async () => {
    const patches = await replay('caseWorkflow-lean-awaiting-clerk.json');
    expect(patches).toEqual(['lean-case-v1', 'archive-while-waiting-v1']);
  }, 60_000);
});
