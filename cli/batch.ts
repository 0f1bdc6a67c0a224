import { chmodTreeOwnerOnly, mkdirOwnerOnly, OWNER_ONLY_FILE } from '../security/ownerOnly';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/env';
import { workflowUiLink } from '../config/temporalUi';
import { writeResultReport } from '../intake/report';
import { openAppStore } from '../config/openAppStore';
import { BatchIdKey } from '../workflows/searchAttributes';
import { batchProgressQuery } from '../workflows/messages';
import { batchWorkflowId, TASK_QUEUES, type BatchProgress, type WorkbookRef } from '../workflows/types';
import { sha256File } from '../activities/hashing';
import { checkWorkbookFile, checkWorkbookSize, workbookLabel } from '../intake/workbookFile';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { collectBatchResults } from '../reports/batchResults';
import { ProgressBar } from './progressBar';
import { describeUnserved, queuesForBatch, unservedQueues, watchWorkers } from './workerWatch';
import { connectClient } from './temporalClient';
import { UsageError } from './args';
import { beijingIso } from '../time/beijing';

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

/**
 * Copies the workbook into the data directory under its sha256, so that the file the worker reads
 * is the file that was submitted, whatever happens to the original afterwards. The copy is checked
 * (a whole .xlsx within the limits, with a business sheet) and hashed before it is renamed into
 * place: a refused or interrupted submission leaves nothing behind, and a staged file is never
 * half-written.
 */
async function stageWorkbook(config: AppConfig, file: string): Promise<WorkbookRef> {
  if (!fs.existsSync(file)) throw new UsageError(`${file}: no such file`);
  await checkWorkbookSize(file);
  const dir = path.join(config.dataDir, 'intake');
  mkdirOwnerOnly(dir);
  const temporary = path.join(dir, `.staging-${process.pid}-${crypto.randomBytes(4).toString('hex')}.xlsx`);
  try {
    fs.copyFileSync(file, temporary);
    fs.chmodSync(temporary, OWNER_ONLY_FILE); // a copy keeps its source's mode
    await checkWorkbookFile(temporary, workbookLabel(file));
    const sha256 = await sha256File(temporary);
    const staged = path.join(dir, `${sha256}.xlsx`);
    fs.renameSync(temporary, staged);
    return { path: staged, sha256, fileName: path.basename(file) };
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** `attachments/` beside the workbook, when there is one: where the front desk's export puts them. */
function defaultAttachments(workbook: string): string | undefined {
  const beside = path.join(path.dirname(path.resolve(workbook)), 'attachments');
  return fs.existsSync(beside) ? beside : undefined;
}

/**
 * Copies the batch's attachments under the data directory, so that what OCR reads and the console
 * shows stays what was submitted, whatever happens to the upload folder afterwards.
 */
function stageAttachments(config: AppConfig, batchId: string, dir: string | undefined): string | undefined {
  if (!dir) return undefined;
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--attachments ${dir}: not a directory`);
  const staged = path.join(config.dataDir, 'attachments', batchId);
  const partial = `${staged}.partial`;
  try {
    // Links are not followed: an attachment pointing outside the upload folder is not copied.
    mkdirOwnerOnly(path.dirname(partial));
    fs.cpSync(dir, partial, { recursive: true, dereference: false, filter: (src) => !fs.lstatSync(src).isSymbolicLink() });
    chmodTreeOwnerOnly(partial);
    // Renamed when complete: OCR never reads a folder that is still being copied.
    fs.renameSync(partial, staged);
  } finally {
    fs.rmSync(partial, { recursive: true, force: true });
  }
  return staged;
}

/** A batch ID that sorts by submission time (Beijing, as people read it) and names the workbook it came from. */
function newBatchId(sha256: string, at = new Date()): string {
  const stamp = beijingIso(at).replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${sha256.slice(0, 8)}-${crypto.randomBytes(2).toString('hex')}`;
}

/** `batch run`: submits a workbook; with `wait`, follows its progress and writes the result workbook. */
export async function runBatch(config: AppConfig, options: BatchRunOptions): Promise<BatchRunResult> {
  const workbook = await stageWorkbook(config, path.resolve(options.workbook));
  const batchId = newBatchId(workbook.sha256);
  const attachmentsDir = stageAttachments(config, batchId, options.attachments ?? defaultAttachments(options.workbook));
  const workflowId = batchWorkflowId(batchId);
  let connection: Awaited<ReturnType<typeof connectClient>> | undefined;
  let handle: WorkflowHandle;
  try {
    connection = await connectClient(config);
    handle = await connection.client.workflow.start('batchWorkflow', {
      taskQueue: TASK_QUEUES.default,
      workflowId,
      args: [{ batchId, workbook, attachmentsDir, concurrency: options.concurrency, retry: config.retry }],
      typedSearchAttributes: [{ key: BatchIdKey, value: batchId }],
    });
  } catch (error) {
    // Not submitted: the batch's copy of the attachments has no reader.
    if (attachmentsDir) fs.rmSync(attachmentsDir, { recursive: true, force: true });
    await connection?.close();
    throw error;
  }
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
