import { OWNER_ONLY_DIR, OWNER_ONLY_FILE } from '../../security/ownerOnly';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from './processAlive';

/** Thrown when another live process already has the embedded database open. */
export class StoreInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the embedded store in ${dataDir} is open in process ${pid}; ` +
        `start the stack (npm start) so that it serves the store to every process, or set DATABASE_URL`,
    );
  }
}

/**
 * Claims the embedded database for this process. PGlite files opened by two processes at once get
 * corrupted, so a second opener must fail loudly; a lock left by a dead process is taken over.
 * Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: OWNER_ONLY_DIR });
  const lockFile = join(dataDir, 'store.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx', mode: OWNER_ONLY_FILE });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
      if (Number.isInteger(holder) && processAlive(holder)) throw new StoreInUseError(dataDir, holder);
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`could not lock ${lockFile}`);
}
