/**
 * The one way a batch is submitted, whoever submits it (`batch run`, the demo, a scheduled run):
 * the workbook staged under its sha256, its attachments staged under the batch, one batch ID and
 * workflow ID scheme, and `batchWorkflow` started by its typed reference.
 */
import { chmodTreeOwnerOnly, mkdirOwnerOnly, OWNER_ONLY_FILE } from '../security/ownerOnly';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { checkWorkbookFile, checkWorkbookSize, workbookLabel } from '../intake/workbookFile';
import { beijingIso } from '../time/beijing';
import type { batchWorkflow } from '../workflows/batchWorkflow';
import { BatchIdKey } from '../workflows/searchAttributes';
import { batchWorkflowId, TASK_QUEUES, type BatchInput, type RetrySettings, type WorkbookRef } from '../workflows/types';
import { sha256File } from './hashing';

/**
 * Copies the workbook into the data directory under its sha256, so that the file the worker reads
 * is the file that was submitted, whatever happens to the original afterwards. The copy is checked
 * (a whole .xlsx within the limits, with a business sheet) and hashed before it is renamed into
 * place: a refused or interrupted submission leaves nothing behind, and a staged file is never
 * half-written.
 */
async function stageWorkbook(dataDir: string, file: string): Promise<WorkbookRef> {
  await checkWorkbookSize(file);
  const dir = path.join(dataDir, 'intake');
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

/**
 * Copies the batch's attachments under the data directory, so that what OCR reads and the console
 * shows stays what was submitted, whatever happens to the upload folder afterwards. A batch whose
 * attachments are already staged (a retried scheduled step: same batch ID) keeps its copy.
 */
function stageAttachments(dataDir: string, batchId: string, dir: string | undefined): string | undefined {
  if (!dir) return undefined;
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`attachments ${dir}: not a directory`);
  const staged = path.join(dataDir, 'attachments', batchId);
  if (fs.existsSync(staged)) return staged;
  const partial = `${staged}.partial`;
  try {
    // Links are not followed: an attachment pointing outside the upload folder is not copied.
    mkdirOwnerOnly(path.dirname(partial));
    fs.rmSync(partial, { recursive: true, force: true });
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

/** `attachments/` beside the workbook, when there is one: where the front desk's export puts them. */
export function attachmentsBeside(workbook: string): string | undefined {
  const beside = path.join(path.dirname(path.resolve(workbook)), 'attachments');
  return fs.statSync(beside, { throwIfNoEntry: false })?.isDirectory() ? beside : undefined;
}

export interface BatchSubmission {
  /** The workbook as dropped or named on the command line; staged before anything starts. */
  workbook: string;
  /** The receipts' folder as given; staged under the batch. */
  attachments?: string;
  concurrency?: number;
  retry?: RetrySettings;
}

export interface SubmittedBatch {
  batchId: string;
  workflowId: string;
  /** The staged attachments, when the batch has any. */
  attachmentsDir?: string;
}

/** Stages a batch's files and names it: the input `batchWorkflow` starts from. */
export async function stageBatch(dataDir: string, submission: BatchSubmission, batchIdOf = newBatchId): Promise<BatchInput> {
  const workbook = await stageWorkbook(dataDir, path.resolve(submission.workbook));
  const batchId = batchIdOf(workbook.sha256);
  const attachmentsDir = stageAttachments(dataDir, batchId, submission.attachments);
  return { batchId, workbook, attachmentsDir, concurrency: submission.concurrency, retry: submission.retry };
}

/** Starts a staged batch's workflow by its typed reference, under the one batch workflow ID; returns that ID. */
export async function startBatch(client: Client, input: BatchInput): Promise<string> {
  const workflowId = batchWorkflowId(input.batchId);
  await client.workflow.start<typeof batchWorkflow>('batchWorkflow', {
    taskQueue: TASK_QUEUES.default,
    workflowId,
    args: [input],
    typedSearchAttributes: [{ key: BatchIdKey, value: input.batchId }],
  });
  return workflowId;
}

/**
 * Stages a batch and starts its workflow. The client is asked for once the files are staged, so that
 * a refused workbook is reported as such even when Temporal cannot be reached; a batch that was not
 * started leaves no attachments behind.
 */
export async function submitBatch(dataDir: string, submission: BatchSubmission, client: () => Promise<Client>): Promise<SubmittedBatch> {
  const input = await stageBatch(dataDir, submission);
  try {
    const workflowId = await startBatch(await client(), input);
    return { batchId: input.batchId, workflowId, attachmentsDir: input.attachmentsDir };
  } catch (error) {
    // Not submitted: the batch's copy of the attachments has no reader.
    if (input.attachmentsDir) fs.rmSync(input.attachmentsDir, { recursive: true, force: true });
    throw error;
  }
}
