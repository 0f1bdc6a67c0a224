import { OWNER_ONLY_FILE } from '../../security/ownerOnly';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** What the process serving the embedded store tells the others: where to connect. */
export const StoreServerInfo = z.object({
  host: z.string(),
  port: z.number().int().min(1).max(65535),
  pid: z.number().int().min(1),
  url: z.string(),
});
export type StoreServerInfo = z.infer<typeof StoreServerInfo>;

/** data/store-server.json */
export function serverFilePath(dataDir: string): string {
  return join(dataDir, 'store-server.json');
}

/** The recorded server, or undefined if none is recorded or the file is unreadable. */
export function readServerFile(dataDir: string): StoreServerInfo | undefined {
  try {
    return StoreServerInfo.parse(JSON.parse(readFileSync(serverFilePath(dataDir), 'utf8')));
  } catch {
    return undefined;
  }
}

/** Written by rename so that a reader never sees half a file. */
export function writeServerFile(dataDir: string, info: StoreServerInfo): void {
  const path = serverFilePath(dataDir);
  writeFileSync(`${path}.${process.pid}.tmp`, `${JSON.stringify(info, null, 2)}\n`, { mode: OWNER_ONLY_FILE });
  renameSync(`${path}.${process.pid}.tmp`, path);
}

/** Removes the file only if it still describes this process's server. */
export function removeServerFile(dataDir: string, pid: number): void {
  if (readServerFile(dataDir)?.pid === pid) rmSync(serverFilePath(dataDir), { force: true });
}
