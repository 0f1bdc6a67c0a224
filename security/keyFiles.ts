import fs from 'node:fs';
import path from 'node:path';

/**
 * Where a key comes from, in order: the variable itself (the key's text), a file named by
 * `<variable>_FILE` (a mounted secret), then `<dataDir>/keys/<file>`. Only the embedded stack
 * (no TEMPORAL_ADDRESS) makes a missing key file by itself: processes of a cluster must share
 * their keys, so there a missing key is an error that names the settings, never a fresh key.
 */
export interface KeySpec {
  /** Environment variable holding the key's text, e.g. ZHISHEN_ACT_SIGNING_KEY. */
  envVar: string;
  /** File name under `<dataDir>/keys/`. */
  file: string;
  /** What the key is for, in the error that asks for it. */
  purpose: string;
  /** Makes a new key's text (PEM, base64…), for the embedded stack and `npm run setup`. */
  generate(): string;
}

export const keyDir = (dataDir: string): string => path.join(dataDir, 'keys');

/** Creates a directory owner-only (0700), tightening it if it already exists. */
function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/** Writes a new key file owner-only; an existing file is never replaced (another process may have won). */
function writeKeyFile(file: string, text: string): void {
  ensurePrivateDir(path.dirname(file));
  try {
    fs.writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** A secret given in the environment: the variable itself, or the file `<variable>_FILE` names; undefined when neither is set. */
export function readSecret(envVar: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const inline = env[envVar];
  if (inline) return inline;
  const named = env[`${envVar}_FILE`];
  if (!named) return undefined;
  try {
    return fs.readFileSync(named, 'utf8');
  } catch (err) {
    throw new Error(`${envVar}_FILE: cannot read ${named} (${(err as Error).message})`, { cause: err });
  }
}

/**
 * Where a process looks for its keys: its data directory, and whether it runs against a cluster
 * (then a missing key is an error, never made up). Structural, so config/ can read secrets here.
 */
interface KeyPlace {
  dataDir: string;
  temporal: { address: string | undefined };
}

/** Reads a key's text as the spec says where to look; see KeySpec. */
export function readKey(spec: KeySpec, config: KeyPlace, env: NodeJS.ProcessEnv = process.env): string {
  const given = readSecret(spec.envVar, env);
  if (given) return given;
  const file = path.join(keyDir(config.dataDir), spec.file);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  if (config.temporal.address) {
    throw new Error(
      `${spec.purpose}: no key — set ${spec.envVar} or ${spec.envVar}_FILE (every process of the cluster needs the same key), or put it in ${file}`,
    );
  }
  writeKeyFile(file, spec.generate());
  return fs.readFileSync(file, 'utf8');
}

/** Makes every missing key file under `<dataDir>/keys` (npm run setup, test stacks). */
export function ensureKeyFiles(dataDir: string, specs: readonly KeySpec[]): string[] {
  const made: string[] = [];
  for (const spec of specs) {
    const file = path.join(keyDir(dataDir), spec.file);
    if (fs.existsSync(file)) continue;
    writeKeyFile(file, spec.generate());
    made.push(file);
  }
  return made;
}
