/**
 * Loading an upload: the bytes (from a path or given), refused when too large, and its type from
 * its magic bytes, never from its name, because claimants rename files freely.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ReceiptReadError } from '../errors';
import { MAX_FILE_BYTES } from './limits';

export type ReceiptInput = string | { bytes: Buffer; name: string };
export type FileKind = 'png' | 'jpeg' | 'pdf';

export interface LoadedFile {
  name: string;
  bytes: Buffer;
  kind: FileKind;
}

/** Reads and classifies an upload; throws ReceiptReadError naming the file and the problem. */
export async function loadReceiptFile(input: ReceiptInput): Promise<LoadedFile> {
  const name = typeof input === 'string' ? input : input.name;
  const bytes = typeof input === 'string' ? await readFromDisk(input) : input.bytes;
  if (bytes.length > MAX_FILE_BYTES) throw new ReceiptReadError(name, `file too large (${megabytes(bytes.length)} MB; at most ${megabytes(MAX_FILE_BYTES)} MB)`);
  if (bytes.length === 0) throw new ReceiptReadError(name, 'empty file');
  const kind = sniff(bytes);
  if (kind === null) throw new ReceiptReadError(name, `unsupported file type${extensionHint(name)} (expected PNG, JPEG or PDF)`);
  return { name, bytes, kind };
}

async function readFromDisk(file: string): Promise<Buffer> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new ReceiptReadError(file, 'is a directory');
    if (info.size > MAX_FILE_BYTES) throw new ReceiptReadError(file, `file too large (${megabytes(info.size)} MB; at most ${megabytes(MAX_FILE_BYTES)} MB)`);
    return await readFile(file);
  } catch (error) {
    if (error instanceof ReceiptReadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ReceiptReadError(file, `cannot read the file (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))})`);
  }
}

function sniff(bytes: Buffer): FileKind | null {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  // The header may follow a little junk; readers accept it within the first kilobyte.
  if (bytes.subarray(0, 1024).includes('%PDF-')) return 'pdf';
  return null;
}

function extensionHint(name: string): string {
  const extension = path.extname(name).toLowerCase();
  return extension === '' ? '' : ` (${extension} content)`;
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
