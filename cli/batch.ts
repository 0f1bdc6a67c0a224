import { mkdirOwnerOnly } from '../security/ownerOnly';
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/env';
import { workflowUiLink } from '../config/temporalUi';
import { writeResultReport } from '../intake/report';
import { openAppStore } from '../config/openAppStore';
import { batchProgressQuery } from '../workflows/messages';
import type { BatchProgress } from '../workflows/types';
import { attachmentsBeside, submitBatch, type SubmittedBatch } from '../activities/submitBatch';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { collectBatchResults } from '../reports/batchResults';
import { ProgressBar } from './progressBar';
import { describeUnserved, queuesForBatch, unservedQueues, watchWorkers } from './workerWatch';
import { connectClient } from './temporalClient';
import { UsageError } from './args';

export interface BatchRunOptions {
  workbook: string;
  attachments?: string;
  wait: boolean;
  report?: string;
  concurrency?: number;
}

export interface BatchRunResult {
  batchId: string;
  workflowId: string;
  url: string;
  progress?: BatchProgress;
  report?: string;
}

/** `batch run`: submits a workbook; with `wait`, follows its progress and writes the result workbook. */
export async function runBatch(config: AppConfig, options: BatchRunOptions): Promise<BatchRunResult> {
  if (!fs.existsSync(options.workbook)) throw new UsageError(`${options.workbook}: no such file`);
  const attachments = options.attachments ?? attachmentsBeside(options.workbook);
  if (attachments && !fs.statSync(attachments, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`--attachments ${attachments}: not a directory`);
  // Connected by submitBatch once the files are staged; closed here whatever happens.
  const connected: { connection?: Awaited<ReturnType<typeof connectClient>> } = {};
  let submitted: SubmittedBatch;
  try {
    submitted = await submitBatch(
      config.dataDir,
      { workbook: options.workbook, attachments, concurrency: options.concurrency, retry: config.retry },
      async () => (connected.connection = await connectClient(config)).client,
    );
  } catch (error) {
    await connected.connection?.close();
    throw error;
  }
  const { batchId, workflowId, attachmentsDir } = submitted;
  const connection = connected.connection;
  if (!connection) throw new Error(`batch ${batchId} started without a connection`); // submitBatch connects before it starts
  const handle: WorkflowHandle = connection.client.workflow.getHandle(workflowId);
  const { close } = connection;
  try {
    const url = workflowUiLink(config, workflowId);
    process.stderr.write(`batch ${batchId} submitted: ${url}\n`);
    const queues = queuesForBatch(attachmentsDir !== undefined);
    if (!options.wait) {
      // Not followed: one look, so that a batch nobody will work on is not submitted in silence.
      const unserved = await unservedQueues(connection.client, config.temporal.namespace, queues).catch(() => []);
      if (unserved.length > 0)
        process.stderr.write(
          `警告 no live worker serves what this batch needs yet:\n${unserved.map((u) => `  ${describeUnserved(u)}`).join('\n')}\n`,
        );
      return { batchId, workflowId, url };
    }

    const bar = new ProgressBar();
    // Without a live worker on a queue the batch needs it would wait silently: say so, and keep waiting.
    const watch = watchWorkers({
      client: connection.client,
      namespace: config.temporal.namespace,
      workflowId,
      queues,
      say: (line) => bar.note(line),
    });
    // One query at a time, and none left in flight when the connection closes.
    const query: { inflight: Promise<void> | null } = { inflight: null };
    const poll = setInterval(() => {
      query.inflight ??= handle
        .query(batchProgressQuery)
        .then(
          (p) => bar.update(p),
          () => {},
        )
        .finally(() => {
          query.inflight = null;
        });
    }, 500);
    let progress: BatchProgress;
    try {
      progress = (await handle.result()) as BatchProgress;
    } catch (error) {
      throw batchFailure(batchId, error);
    } finally {
      clearInterval(poll);
      await Promise.all([query.inflight, watch.stop()]);
    }
    bar.update(progress);
    bar.finish();

    const report = path.resolve(options.report ?? path.join(config.dataDir, 'reports', `${batchId}.xlsx`));
    const store = await openAppStore(config);
    try {
      mkdirOwnerOnly(path.dirname(report));
      await writeResultReport(report, await collectBatchResults(store, config, batchId));
    } finally {
      await store.close();
    }
    return { batchId, workflowId, url, progress, report };
  } finally {
    await close();
  }
}

/**
 * A batch that failed as a whole (its workbook could not be read by the worker, say): the message
 * of the innermost cause, which names the file and the problem, rather than "Workflow execution failed".
 */
function batchFailure(batchId: string, error: unknown): Error {
  if (!(error instanceof WorkflowFailedError)) return error as Error;
  let cause: unknown = error;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  return new Error(`批次 ${batchId} 失败：${(cause as Error).message}`);
}
