/**
 * The activities of the `ocr` task queue: the reimbursement workflow sends a case's receipt
 * attachments here and puts the readings (fields and confidences) into the case file, with the
 * hash of each file as evidence. The reader is created once per worker and shared.
 */
import { createHash } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { ReceiptReadError } from './errors';
import type { ReceiptReader } from './reader';
import type { ReceiptReading } from './schema';

export const OCR_TASK_QUEUE = 'ocr';

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
      for (const file of input.files) {
        const absolute = await insideAttachments(input, file);
        const bytes = await readFile(absolute).catch((error: unknown) => {
          throw ApplicationFailure.nonRetryable(`${input.caseId}: ${file}: cannot read the attachment (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'AttachmentUnreadable');
        });
        evidence.push({ file, sha256: createHash('sha256').update(bytes).digest('hex') });
        try {
          receipts.push(await reader.read({ bytes, name: file }));
        } catch (error) {
          // The same file will not read better on a retry: the case goes to a clerk instead.
          if (error instanceof ReceiptReadError) throw ApplicationFailure.nonRetryable(`${input.caseId}: ${error.message}`, 'ReceiptUnreadable');
          throw error;
        }
      }
      return { receipts, evidence };
    },
  };
}

/** The attachment's real path, refused when it leaves the attachments directory (../, absolute, symlink). */
async function insideAttachments(input: ReadReceiptsInput, file: string): Promise<string> {
  const refuse = () => ApplicationFailure.nonRetryable(`${input.caseId}: ${JSON.stringify(file)} is outside the case's attachments directory`, 'AttachmentPathRefused');
  if (file === '' || path.isAbsolute(file) || file.split(/[\\/]/).includes('..')) throw refuse();
  const root = await realpath(input.attachmentsDir).catch(() => {
    throw ApplicationFailure.nonRetryable(`${input.caseId}: attachments directory ${input.attachmentsDir} does not exist`, 'AttachmentUnreadable');
  });
  const resolved = await realpath(path.join(root, file)).catch(() => path.join(root, file));
  if (resolved !== root && !resolved.startsWith(root + path.sep)) throw refuse();
  return resolved;
}
