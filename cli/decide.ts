/**
 * `client.ts decide FILE...` (CONTRACT.md): one JSON Lines line per file, in argument order — the
 * decision, or `{"file", "error"}` for a file that is not a valid case file.
 */
import { readFile, stat } from 'node:fs/promises';
import { decideInput } from '../rules/engine';

/** Decides each file in order and prints one line per file; returns 2 if any was invalid, else 0. */
export async function runDecide(files: string[], out: (line: string) => void): Promise<number> {
  let status = 0;
  for (const file of files) {
    const line = await decideFile(file);
    if ('error' in line) status = 2;
    out(JSON.stringify(line));
  }
  return status;
}

/** A case file is a few kilobytes; one far larger is not a case file and is not parsed. */
const MAX_CASE_FILE_BYTES = 5 * 1024 * 1024;

async function decideFile(file: string): Promise<object | { file: string; error: string }> {
  const text = await readCaseFileText(file);
  if (typeof text !== 'string') return { file, error: `caseFile: ${text.problem}` };
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    return { file, error: `caseFile: not valid JSON (${(error as Error).message})` };
  }
  const result = decideInput(input);
  return result.ok ? result.decision : { file, error: result.error };
}

/**
 * The file as UTF-8 text (BOM removed), or what is wrong with it: too large, empty, or in another
 * encoding. A GBK or UTF-16 file decoded as UTF-8 would turn 张伟 into replacement characters that
 * still parse as JSON and be decided under a garbled name, so it is refused instead.
 */
async function readCaseFileText(file: string): Promise<string | { problem: string }> {
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (info.isDirectory()) return { problem: 'cannot read the file (is a directory)' };
    if (info.size > MAX_CASE_FILE_BYTES)
      return { problem: `file too large (${megabytes(info.size)} MB; a case file is at most ${megabytes(MAX_CASE_FILE_BYTES)} MB)` };
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      problem: `cannot read the file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? 'unknown error')})`,
    };
  }
  if (bytes.length === 0) return { problem: 'empty file' };
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { problem: 'the file is UTF-16 text; save it as UTF-8' };
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    const at = firstInvalidUtf8(bytes);
    return {
      problem: `not UTF-8 text (invalid byte 0x${bytes[at]!.toString(16).padStart(2, '0')} at offset ${at}; GBK?); save it as UTF-8`,
    };
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  for (let at = 0; at < bytes.length;) {
    const b = bytes[at]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0) return at;
    for (let k = 1; k < length; k++) if (((bytes[at + k] ?? 0) & 0xc0) !== 0x80) return at;
    at += length;
  }
  return 0;
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
