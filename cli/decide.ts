/**
 * `client.ts decide FILE...` (CONTRACT.md): one JSON Lines line per file, in argument order — the
 * decision, or `{"file", "error"}` for a file that is not a valid case file.
 */
import { readFile } from 'node:fs/promises';
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

async function decideFile(file: string): Promise<object | { file: string; error: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { file, error: `caseFile: cannot read the file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? 'unknown error')})` };
  }
  let input: unknown;
  try {
    input = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return { file, error: `caseFile: not valid JSON (${(error as Error).message})` };
  }
  const result = decideInput(input);
  return result.ok ? result.decision : { file, error: result.error };
}
