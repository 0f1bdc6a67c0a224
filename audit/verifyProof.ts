// Standalone verifier for the audit trail's proofs. Depends on node:crypto (and fs, url) only, so an
// auditor can copy this one file and run it without the project:
//
//   npx tsx verifyProof.ts PROOF.json [--public-key KEY.pem]
//
// PROOF.json is what `npx tsx client.ts audit prove EVENT` prints (an inclusion proof) or
// `audit prove --consistency OLD NEW` prints (a consistency proof). Give --public-key with the
// checkpoint key the auditor was handed; without it the key inside the proof is used, which only
// shows the proof is self-consistent. Exit status 0: verified; 1: not; 64: usage.
//
// Hashing is RFC 9162 (Certificate Transparency 2.0) §2.1: leaf = SHA-256(0x00 || event text),
// node = SHA-256(0x01 || left || right). A checkpoint's body is signed with Ed25519.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** RFC 9162 leaf hash of an event's canonical text (UTF-8). */
export function leafHash(canonical: string): Buffer {
  return sha256(Buffer.from([0x00]), Buffer.from(canonical, 'utf8'));
}

/** RFC 9162 interior node hash. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(Buffer.from([0x01]), left, right);
}

const isOdd = (n: bigint): boolean => (n & 1n) === 1n;

/** RFC 9162 §2.1.3.2: does `path` lead from the leaf at `index` to `root` in a tree of `size`? */
export function verifyInclusion(index: bigint, size: bigint, leaf: Uint8Array, path: readonly Uint8Array[], root: Uint8Array): boolean {
  if (index < 0n || index >= size) return false;
  let fn = index;
  let sn = size - 1n;
  let r: Buffer = Buffer.from(leaf);
  for (const p of path) {
    if (sn === 0n) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.equals(root);
}

/** RFC 9162 §2.1.4.2: does the tree of `secondSize` extend the tree of `firstSize` (same first leaves)? */
export function verifyConsistency(
  firstSize: bigint,
  secondSize: bigint,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  path: readonly Uint8Array[],
): boolean {
  if (firstSize < 1n || firstSize > secondSize) return false;
  if (firstSize === secondSize) return path.length === 0 && Buffer.from(firstRoot).equals(secondRoot);
  if (path.length === 0) return false;
  const proof = (firstSize & (firstSize - 1n)) === 0n ? [firstRoot, ...path] : [...path];
  let fn = firstSize - 1n;
  let sn = secondSize - 1n;
  while (isOdd(fn)) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr: Buffer = Buffer.from(proof[0]!);
  let sr: Buffer = Buffer.from(proof[0]!);
  for (const c of proof.slice(1)) {
    if (sn === 0n) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0n;
}

/** The first line of every checkpoint body: what the text is, and its version. */
export const checkpointHeader = 'zhishen audit checkpoint v1';

export interface CheckpointFields {
  treeSize: number;
  rootHash: string;
  signedAt: string;
  keyId: string;
}

/** The exact text a checkpoint's signature covers: one `name value` per line, ending in a newline. */
export function checkpointBody(fields: CheckpointFields): string {
  return [
    checkpointHeader,
    `tree-size ${fields.treeSize}`,
    `root-hash ${fields.rootHash}`,
    `signed-at ${fields.signedAt}`,
    `key-id ${fields.keyId}`,
    '',
  ].join('\n');
}

/** Reads a checkpoint body back into its fields; undefined if it is not one. */
export function parseCheckpointBody(body: string): CheckpointFields | undefined {
  const match = /^zhishen audit checkpoint v1\ntree-size (\d+)\nroot-hash ([0-9a-f]{64})\nsigned-at (\S+)\nkey-id ([0-9a-f]{64})\n$/.exec(
    body,
  );
  if (!match) return undefined;
  return { treeSize: Number(match[1]), rootHash: match[2]!, signedAt: match[3]!, keyId: match[4]! };
}

/** A key's id: SHA-256 of its public key (SubjectPublicKeyInfo DER), hex. */
export function publicKeyId(publicKey: KeyObject): string {
  return sha256(publicKey.export({ type: 'spki', format: 'der' })).toString('hex');
}

export interface SignedCheckpoint {
  body: string;
  /** Ed25519 signature of body's UTF-8 bytes, base64. */
  signature: string;
}

/** Checks a checkpoint's signature with the public key and returns its fields; a reason if it fails. */
export function checkCheckpoint(
  checkpoint: SignedCheckpoint,
  publicKey: KeyObject,
): { ok: true; fields: CheckpointFields } | { ok: false; reason: string } {
  const fields = parseCheckpointBody(checkpoint.body);
  if (!fields) return { ok: false, reason: 'the checkpoint body is not in the expected form' };
  if (fields.keyId !== publicKeyId(publicKey))
    return {
      ok: false,
      reason: `signed by key ${fields.keyId.slice(0, 16)}…, not by the given key ${publicKeyId(publicKey).slice(0, 16)}…`,
    };
  const signed = verify(null, Buffer.from(checkpoint.body, 'utf8'), publicKey, Buffer.from(checkpoint.signature, 'base64'));
  return signed ? { ok: true, fields } : { ok: false, reason: 'the signature does not verify with the public key' };
}

export interface InclusionProof {
  kind: 'inclusion';
  /**
   * The event. `canonical` is its exact text (the leaf's data); it is left out, and `masked` given
   * for reading, when the text holds a 身份证号 and the proof was not asked for with the text.
   */
  event: { caseId: string; seq: number; globalSeq: number; canonical?: string; masked?: string };
  leafHash: string;
  leafIndex: number;
  treeSize: number;
  auditPath: string[];
  checkpoint: SignedCheckpoint & CheckpointFields;
  publicKey: string;
}

export interface ConsistencyProof {
  kind: 'consistency';
  first: SignedCheckpoint & CheckpointFields;
  second: SignedCheckpoint & CheckpointFields;
  consistencyPath: string[];
  publicKey: string;
}

const hex = (text: string): Buffer => Buffer.from(text, 'hex');

/** Checks an inclusion or consistency proof; every step that fails is named. */
export function checkProof(
  proof: InclusionProof | ConsistencyProof,
  publicKey: KeyObject,
): { ok: boolean; checks: string[]; failures: string[] } {
  const checks: string[] = [];
  const failures: string[] = [];
  const expect = (ok: boolean, what: string) => (ok ? checks : failures).push(what);
  const checkpointOk = (cp: SignedCheckpoint & CheckpointFields, label: string) => {
    const checked = checkCheckpoint(cp, publicKey);
    expect(checked.ok, `${label} signature${checked.ok ? '' : `: ${checked.reason}`}`);
    if (checked.ok) {
      const f = checked.fields;
      expect(f.treeSize === cp.treeSize && f.rootHash === cp.rootHash, `${label} fields are the signed ones`);
    }
  };
  if (proof.kind === 'inclusion') {
    if (proof.event.canonical !== undefined) {
      expect(leafHash(proof.event.canonical).toString('hex') === proof.leafHash, 'leaf hash = SHA-256(0x00 || event text)');
    } else {
      checks.push(
        'event text withheld (it holds a 身份证号): the leaf hash is taken as given; whoever holds the text checks SHA-256(0x00 || text)',
      );
    }
    expect(proof.leafIndex === proof.event.globalSeq - 1, 'leaf index = global sequence - 1');
    expect(proof.treeSize === proof.checkpoint.treeSize, 'tree size is the checkpoint’s');
    checkpointOk(proof.checkpoint, 'checkpoint');
    expect(
      verifyInclusion(
        BigInt(proof.leafIndex),
        BigInt(proof.checkpoint.treeSize),
        hex(proof.leafHash),
        proof.auditPath.map(hex),
        hex(proof.checkpoint.rootHash),
      ),
      `audit path leads from leaf ${proof.leafIndex} to the signed root of ${proof.checkpoint.treeSize} events`,
    );
  } else {
    checkpointOk(proof.first, 'first checkpoint');
    checkpointOk(proof.second, 'second checkpoint');
    expect(
      verifyConsistency(
        BigInt(proof.first.treeSize),
        BigInt(proof.second.treeSize),
        hex(proof.first.rootHash),
        hex(proof.second.rootHash),
        proof.consistencyPath.map(hex),
      ),
      `the tree of ${proof.second.treeSize} events extends the tree of ${proof.first.treeSize}`,
    );
  }
  return { ok: failures.length === 0, checks, failures };
}

function main(argv: string[]): number {
  const keyAt = argv.indexOf('--public-key');
  const keyFile = keyAt >= 0 ? argv[keyAt + 1] : undefined;
  const proofFile = argv.find((arg, i) => !arg.startsWith('--') && (keyAt < 0 || i !== keyAt + 1));
  if (!proofFile || (keyAt >= 0 && !keyFile)) {
    process.stderr.write('usage: npx tsx verifyProof.ts PROOF.json [--public-key KEY.pem]\n');
    return 64;
  }
  let proof: InclusionProof | ConsistencyProof;
  try {
    proof = JSON.parse(readFileSync(proofFile, 'utf8')) as InclusionProof | ConsistencyProof;
  } catch (err) {
    process.stderr.write(`${proofFile}: cannot read a proof (${(err as Error).message})\n`);
    return 1;
  }
  if (proof?.kind !== 'inclusion' && proof?.kind !== 'consistency') {
    process.stderr.write(`${proofFile}: not a proof (kind must be inclusion or consistency)\n`);
    return 1;
  }
  const publicKey = createPublicKey(keyFile ? readFileSync(keyFile, 'utf8') : proof.publicKey);
  if (!keyFile)
    process.stderr.write(
      'warning: no --public-key given; using the key inside the proof, which proves only that the proof is self-consistent\n',
    );
  const result = checkProof(proof, publicKey);
  for (const line of result.checks) process.stdout.write(`ok    ${line}\n`);
  for (const line of result.failures) process.stdout.write(`FAIL  ${line}\n`);
  process.stdout.write(result.ok ? `verified with key ${publicKeyId(publicKey)}\n` : 'NOT verified\n');
  return result.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(main(process.argv.slice(2)));
}
