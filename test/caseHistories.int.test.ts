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
