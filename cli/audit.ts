import type { AppConfig } from '../config/env';
import { maskIdNumbersIn } from '../rules/idNumber';
import { openAppStore } from '../config/openAppStore';
import type { Store } from '../store';
import { listEvents } from '../store/auditTrail';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkpointPublicKey, checkpointSignerFromConfig } from '../security/checkpointKey';
import {
  checkpointExportDir,
  exportCheckpoints,
  readCheckpointDir,
  readCheckpointFile,
  takeCheckpoint,
  type Checkpoint,
} from '../store/checkpoints';
import { parseEventRef, proveConsistency, proveInclusion } from '../store/proofs';
import { verifyTrail } from '../store/verifyTrail';
import { beijingIso } from '../time/beijing';

async function withStore<T>(config: AppConfig, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openAppStore(config);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** `audit show CASE`: the case's events as JSON lines (stdout), a readable timeline on stderr. */
export function auditShow(config: AppConfig, caseId: string, out: (line: string) => void): Promise<number> {
  return withStore(config, async (store) => {
    const events = await listEvents(store, caseId);
    if (events.length === 0) {
      process.stderr.write(`no audit events for case ${caseId}\n`);
      return 1;
    }
    for (const e of events) {
      const actor = `${e.actor.kind}:${e.actor.name}${e.actor.version ? '@' + e.actor.version : ''}`;
      const outcome = e.outcome && typeof e.outcome === 'object' && 'outcome' in e.outcome ? ` → ${String(e.outcome.outcome)}` : '';
      process.stderr.write(
        `#${e.seq} ${beijingIso(e.at)} ${e.step.padEnd(11)} ${actor}${e.ruleSetVersion ? ' ' + e.ruleSetVersion : ''}${outcome}  ${e.hash.slice(0, 12)}\n`,
      );
      // Audit output leaves the clerks' screens: 身份证号 masked.
      out(maskIdNumbersIn(JSON.stringify(e)));
    }
    return 0;
  });
}

/** Where `audit verify` gets the checkpoint key: --public-key FILE, else the public half of the signing key. */
function checkpointPublicKeys(config: AppConfig, publicKeyFile: string | undefined) {
  if (publicKeyFile) return [checkpointPublicKey(readFileSync(publicKeyFile, 'utf8'))];
  try {
    return [checkpointPublicKey(checkpointSignerFromConfig(config).publicKeyPem)];
  } catch (err) {
    throw new Error(`${(err as Error).message}; an auditor without the signing key gives --public-key FILE`, { cause: err });
  }
}

/** Checkpoints kept outside the store: the stack's export directory, plus a file or directory an auditor names. */
function trustedCheckpoints(config: AppConfig, checkpointPath: string | undefined): Checkpoint[] {
  const fromExport = readCheckpointDir(checkpointExportDir(config.dataDir));
  if (!checkpointPath) return fromExport;
  const given = statSync(checkpointPath).isDirectory() ? readCheckpointDir(checkpointPath) : [readCheckpointFile(checkpointPath)];
  if (given.length === 0) throw new Error(`${checkpointPath}: no checkpoint files (checkpoint-NNNNNNNNNNNN.json)`);
  return [...fromExport, ...given];
}

export interface AuditVerifyOptions {
  /** A checkpoint file (or directory of them) the auditor kept. */
  checkpoint?: string;
  /** The checkpoint public key (PEM) the auditor was given. */
  publicKey?: string;
}

/**
 * `audit verify [CASE] [--checkpoint FILE|DIR] [--public-key FILE]`: every checkpoint's signature,
 * every signed root recomputed from the stored events, the global order without gaps, and the hash
 * chains (of one case, or all). Status 1 with every problem named.
 */
export function auditVerify(
  config: AppConfig,
  caseId: string | undefined,
  out: (line: string) => void,
  options: AuditVerifyOptions = {},
): Promise<number> {
  const publicKeys = checkpointPublicKeys(config, options.publicKey);
  const trusted = trustedCheckpoints(config, options.checkpoint);
  return withStore(config, async (store) => {
    const verdict = await verifyTrail(store, { publicKeys, trusted, ...(caseId === undefined ? {} : { caseId }) });
    for (const problem of verdict.problems) process.stderr.write(`${problem.problem}: ${problem.detail}\n`);
    if (verdict.ok) {
      const latest = verdict.latestCheckpoint;
      process.stderr.write(
        `ok: ${verdict.events} events of ${verdict.cases} case(s); ${verdict.checkpointsVerified} checkpoint(s) verified` +
          (latest ? `, the latest over ${latest.treeSize} events signed ${latest.signedAt}` : ', none yet') +
          (verdict.uncheckpointed ? `; ${verdict.uncheckpointed} newer event(s) wait for the next checkpoint` : '') +
          '\n',
      );
    }
    out(JSON.stringify(verdict));
    return verdict.ok ? 0 : 1;
  });
}

/** `audit checkpoint`: signs a checkpoint over the trail now (the workers do so after every batch and on a timer). */
export function auditCheckpoint(config: AppConfig, out: (line: string) => void): Promise<number> {
  const signer = checkpointSignerFromConfig(config);
  return withStore(config, async (store) => {
    const made = await takeCheckpoint(store, signer, { exportDir: checkpointExportDir(config.dataDir) });
    if (!made) {
      process.stderr.write('the audit trail is empty: nothing to checkpoint\n');
      return 1;
    }
    out(JSON.stringify({ treeSize: made.treeSize, rootHash: made.rootHash, signedAt: made.signedAt, keyId: made.keyId }));
    return 0;
  });
}

/**
 * `audit checkpoint export [--out DIR]`: appends every stored checkpoint to a write-once directory
 * (default `<dataDir>/checkpoints`) with the public key beside them; a file there with other
 * content is an error, never overwritten.
 */
export function auditCheckpointExport(config: AppConfig, dir: string | undefined, out: (line: string) => void): Promise<number> {
  const target = path.resolve(dir ?? checkpointExportDir(config.dataDir));
  return withStore(config, async (store) => {
    mkdirSync(target, { recursive: true });
    const result = await exportCheckpoints(store, target);
    const keyFile = path.join(target, 'checkpoint-public-key.pem');
    if (!existsSync(keyFile)) writeFileSync(keyFile, checkpointSignerFromConfig(config).publicKeyPem, { flag: 'wx' });
    out(JSON.stringify({ dir: target, ...result, publicKey: keyFile }));
    return 0;
  });
}

/**
 * `audit prove EVENT` (EVENT = CASE#SEQ or the global number): an inclusion proof in the newest
 * checkpoint (an event text holding a 身份证号 goes masked and without its exact text, unless
 * --with-id-numbers); `audit prove --consistency OLD [NEW]`: that checkpoint NEW extends OLD.
 * JSON on stdout, for audit/verifyProof.ts.
 */
export function auditProve(
  config: AppConfig,
  args: { event?: string; consistency?: { first: number; second?: number }; withIdNumbers?: boolean },
  out: (line: string) => void,
): Promise<number> {
  const publicKeyPem = checkpointSignerFromConfig(config).publicKeyPem;
  return withStore(config, async (store) => {
    if (args.consistency) {
      out(JSON.stringify(await proveConsistency(store, args.consistency.first, args.consistency.second, publicKeyPem), null, 2));
      return 0;
    }
    const ref = args.event === undefined ? undefined : parseEventRef(args.event);
    if (!ref)
      throw new Error(
        `audit prove: name the event as CASE#SEQ (e.g. YB2025-000123#3) or by its global number, not ${JSON.stringify(args.event)}`,
      );
    out(JSON.stringify(await proveInclusion(store, ref, publicKeyPem, { withIdNumbers: args.withIdNumbers ?? false }), null, 2));
    return 0;
  });
}
