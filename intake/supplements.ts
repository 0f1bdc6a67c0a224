import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ReceiptReadError } from '../ocr/errors';
import { loadReceiptFile } from '../ocr/input/load';
import { openPdf } from '../ocr/input/pdf';
import { attachmentNameProblem } from './fields';

/** At most this many documents in one hand-in. */
const MAX_SUPPLEMENT_FILES = 10;

/** A document handed in for a case returned for documents (退回补正), as uploaded. */
export interface SupplementUpload {
  name: string;
  bytes: Buffer;
}

/** Where a hand-in was staged, and each file's name and sha256 (what the trail keeps as evidence). */
export interface StagedSupplement {
  dir: string;
  files: { name: string; sha256: string }[];
  /** The case's receipts from now on, in order: those carried over, then the new ones. */
  receipts: string[];
}

/** Thrown when an upload is refused; the message names the file and what is wrong, in Chinese. */
export class SupplementRefused extends Error {}

/**
 * Checks the documents a claimant supplied as intake's receipts are checked (type by content, size,
 * page and pixel limits, PDFs without active content, names that stay inside their folder), then
 * stages them under `<dataDir>/attachments/supplements/<caseId>/<stamp>/`: whole or not at all.
 * `carried` are the receipts the case already has (e.g. from its batch), copied beside the new ones
 * unless the new ones replace them, so that the case reads one folder.
 */
export async function stageSupplement(
  dataDir: string,
  caseId: string,
  uploads: readonly SupplementUpload[],
  carried: readonly { name: string; file: string }[] = [],
): Promise<StagedSupplement> {
  if (uploads.length === 0) throw new SupplementRefused('没有提交任何补正材料');
  if (uploads.length > MAX_SUPPLEMENT_FILES)
    throw new SupplementRefused(`一次最多提交 ${MAX_SUPPLEMENT_FILES} 个文件（收到 ${uploads.length} 个）`);
  const names = new Set<string>();
  for (const upload of uploads) {
    const name = upload.name.normalize('NFC');
    const problem = name.includes('/') ? '含有 /，只能是文件名' : attachmentNameProblem(name);
    if (problem) throw new SupplementRefused(`补正材料文件名「${name}」${problem}`);
    if (names.has(name)) throw new SupplementRefused(`补正材料文件名「${name}」重复`);
    names.add(name);
    try {
      const loaded = await loadReceiptFile({ name, bytes: upload.bytes });
      if (loaded.kind === 'pdf') await (await openPdf(name, upload.bytes)).document.destroy();
    } catch (err) {
      if (err instanceof ReceiptReadError) throw new SupplementRefused(`补正材料「${name}」无法接收：${err.message}`);
      throw err;
    }
  }
  const stamp = new Date().toISOString().replace(/[-:.]/g, '').replace('T', '-').slice(0, 18);
  const dir = path.join(dataDir, 'attachments', 'supplements', caseId, `${stamp}-${crypto.randomBytes(3).toString('hex')}`);
  const partial = `${dir}.partial`;
  fs.mkdirSync(partial, { recursive: true, mode: 0o700 });
  try {
    for (const old of carried) if (!names.has(old.name)) fs.copyFileSync(old.file, path.join(partial, old.name));
    for (const upload of uploads)
      fs.writeFileSync(path.join(partial, upload.name.normalize('NFC')), upload.bytes, { mode: 0o600, flag: 'wx' });
    // Renamed when complete: OCR never reads a folder still being written.
    fs.renameSync(partial, dir);
  } finally {
    fs.rmSync(partial, { recursive: true, force: true });
  }
  const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');
  const files = uploads.map((u) => ({ name: u.name.normalize('NFC'), sha256: sha256(u.bytes) }));
  return { dir, files, receipts: [...carried.map((c) => c.name).filter((n) => !names.has(n)), ...files.map((f) => f.name)] };
}
