import crypto from 'node:crypto';
import fs from 'node:fs';
import { canonicalJson } from '../store/canonicalJson';

/** sha256 of a file's bytes, streamed so a large workbook is not held in memory twice. */
export async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** sha256 of a value's canonical JSON: the same facts always hash the same. */
export function sha256Json(value: unknown): string {
  return crypto.createHash('sha256').update(canonicalJson(value)).digest('hex');
}
