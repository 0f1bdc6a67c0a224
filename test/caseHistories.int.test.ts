import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';

const WORKFLOWS = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

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

describe('cases recorded with a patch for each change (lean steps, settle by completion, archive while waiting)', () => {
  const replay = async (file: string) => {
    const history = temporal.api.history.v1.History.fromObject(
      JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'histories', file), 'utf8')),
    );
    const patches = (history.events ?? [])
      .map((e) => e.markerRecordedEventAttributes)
      .filter((m) => m?.markerName === 'core_patch')
      .map((m) => Buffer.from(m!.details!['patch-data']!.payloads![0]!.data!).toString());
    await Worker.runReplayHistory({ workflowsPath: WORKFLOWS }, history, file);
    return patches;
  };

  it('replay on the present code: a calm case, closed', async () => {
    // Recorded from the case workflow before its patches became one, with stand-in activities (bench/temporalShare.ts).
    const patches = await replay('caseWorkflow-lean-closed-two-patches.json');
    expect(patches.map((p) => JSON.parse(p).id)).toEqual(['lean-case-v1', 'settle-by-completion-v1']);
  }, 60_000);

  it('replay on the present code: a case waiting for a clerk, which takes settle-by-completion-v1 when it closes', async () => {
    const patches = await replay('caseWorkflow-lean-awaiting-clerk.json');
    expect(patches.map((p) => JSON.parse(p).id)).toEqual(['lean-case-v1', 'archive-while-waiting-v1']);
  }, 60_000);
});
