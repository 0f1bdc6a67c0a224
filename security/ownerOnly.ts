/**
 * Files under the data directory hold people's data (workbooks, receipts, notices, the bots' screen
 * evidence, logs, the store): they are created readable by their owner only, 0600 files in 0700
 * directories. Every entry point sets the process umask first, which also covers what libraries and
 * child processes create (PGlite, Playwright, the Temporal dev server); the writers below set the
 * mode themselves too, because a copy keeps its source's mode whatever the umask, and a process that
 * did not start at an entry point (a test, an embedding program) may have a looser umask.
 */
import fs from 'node:fs';
import path from 'node:path';

export const OWNER_ONLY_FILE = 0o600;
export const OWNER_ONLY_DIR = 0o700;

/** New files and directories of this process and its children: owner only. Call first in an entry point. */
export function restrictNewFilesToOwner(): void {
  process.umask(0o077);
}

/** mkdir -p with 0700 for each directory it creates. */
export function mkdirOwnerOnly(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: OWNER_ONLY_DIR });
}

export async function mkdirOwnerOnlyAsync(dir: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true, mode: OWNER_ONLY_DIR });
}

/** Makes an existing file 0600 (after a copy, or a library that wrote it with its own mode). */
export async function chmodOwnerOnly(file: string): Promise<void> {
  await fs.promises.chmod(file, OWNER_ONLY_FILE);
}

/** Makes a copied tree owner only: 0700 directories, 0600 files (links are left alone, never followed). */
export function chmodTreeOwnerOnly(root: string): void {
  const stat = fs.lstatSync(root);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    fs.chmodSync(root, OWNER_ONLY_DIR);
    for (const entry of fs.readdirSync(root)) chmodTreeOwnerOnly(path.join(root, entry));
  } else {
    fs.chmodSync(root, OWNER_ONLY_FILE);
  }
}
