/**
 * The activities of the `ocr` task queue: the reimbursement workflow sends a case's receipt
 * attachments here and puts the readings (fields and confidences) into the case file, with the
 * hash of each file as evidence. The reader is created once per worker and shared.
 */
import { maskIdNumbersIn } from '../rules/idNumber';
import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { ReceiptReadError } from './errors';
import { fileTooLarge, MAX_FILE_BYTES } from './input/limits';
import type { ReceiptReader } from './reader';
import type { ReceiptReading } from './schema';

/** How often a reading tells Temporal it is alive; the workflow allows a few missed beats. */
const OCR_HEARTBEAT_MS = 2_000;

export interface ReadReceiptsInput {
  caseId: string;
  /** Directory holding the case's uploads; every file must resolve inside it. */
  attachmentsDir: string;
  /** File names relative to attachmentsDir, in the order the receipts are numbered. */
  files: string[];
}

export interface ReadReceiptsResult {
  receipts: ReceiptReading[];
  evidence: { file: string; sha256: string }[];
}

/** Activities of the `ocr` queue on a shared reader. */
export function ocrActivities(reader: ReceiptReader) {
  return {
    async readReceipts(input: ReadReceiptsInput): Promise<ReadReceiptsResult> {
      const receipts: ReceiptReading[] = [];
      const evidence: ReadReceiptsResult['evidence'] = [];
      // A worker killed mid-reading is noticed at the heartbeat timeout, not the step's two minutes.
      const context = Context.current();
      const beat = setInterval(() => context.heartbeat({ read: receipts.length }), OCR_HEARTBEAT_MS);
      try {
        return await readReceiptFiles(reader, input, receipts, evidence);
      } finally {
        clearInterval(beat);
      }
    },
  };
}

/**
 * Reads a case's receipt files in order, each checked to lie inside the attachments directory; what
 * the activity does between heartbeats (the throughput benchmark's plain loop calls it directly).
 */
export async function readReceiptFiles(
  reader: ReceiptReader,
  input: ReadReceiptsInput,
  receipts: ReceiptReading[] = [],
  evidence: ReadReceiptsResult['evidence'] = [],
): Promise<ReadReceiptsResult> {
  for (const file of input.files) {
    const absolute = await insideAttachments(input, file);
    const bytes = await readFile(absolute).catch((error: unknown) => {
      throw ApplicationFailure.nonRetryable(
        maskIdNumbersIn(`${input.caseId}: ${file}: cannot read the attachment (${(error as NodeJS.ErrnoException).code ?? String(error)})`),
        'AttachmentUnreadable',
      );
    });
    evidence.push({ file, sha256: createHash('sha256').update(bytes).digest('hex') });
    try {
      receipts.push(await reader.read({ bytes, name: file }));
    } catch (error) {
      // The same file will not read better on a retry: the case goes to a clerk instead.
      if (error instanceof ReceiptReadError)
        throw ApplicationFailure.nonRetryable(maskIdNumbersIn(`${input.caseId}: ${error.message}`), 'ReceiptUnreadable');
      throw error;
    }
  }
  return { receipts, evidence };
}

/**
 * The attachment's real path, refused when it leaves the attachments directory (../, absolute,
 * symlink), or when the file is larger than any receipt: it is not read into memory to find out.
 */
async function insideAttachments(input: ReadReceiptsInput, file: string): Promise<string> {
  const refuse = (why: string) =>
    ApplicationFailure.nonRetryable(maskIdNumbersIn(`${input.caseId}: ${JSON.stringify(file)} ${why}`), 'AttachmentPathRefused');
  // Intake refuses these names already; a row that reached here otherwise is refused again, by name.
  if (file === '' || /\p{Cc}/u.test(file)) throw refuse('is not a file name (empty, or a control character such as NUL)');
  if (path.isAbsolute(file) || /^[A-Za-z]:/.test(file) || file.startsWith('\\\\') || file.split(/[\\/]/).includes('..')) {
    throw refuse("is outside the case's attachments directory");
  }
  const root = await realpath(input.attachmentsDir).catch(() => {
    throw ApplicationFailure.nonRetryable(
      maskIdNumbersIn(`${input.caseId}: attachments directory ${input.attachmentsDir} does not exist`),
      'AttachmentUnreadable',
    );
  });
  const resolved = await realpath(path.join(root, file)).catch(() => path.join(root, file));
  if (resolved !== root && !resolved.startsWith(root + path.sep)) throw refuse("is outside the case's attachments directory");
  const size = (await stat(resolved).catch(() => null))?.size ?? 0;
  if (size > MAX_FILE_BYTES) {
    throw ApplicationFailure.nonRetryable(maskIdNumbersIn(`${input.caseId}: ${file}: ${fileTooLarge(size)}`), 'ReceiptUnreadable');
  }
  return resolved;
}
