import { createPublicKey } from 'node:crypto';
import { checkCheckpoint, type ConsistencyProof, type InclusionProof } from '../audit/verifyProof';
import { maskIdNumbersIn } from '../rules/idNumber';
import { listCheckpoints, type Checkpoint } from './checkpoints';
import { consistencyPath, eventLeafHash, inclusionPath, merkleRoot } from './merkle';
import type { Store } from './store';

/** An event by its global number, or by its case and place in the case's chain. */
export type EventRef = { globalSeq: number } | { caseId: string; seq: number };

/** Reads `CASE#SEQ` or a global number (digits only). */
export function parseEventRef(text: string): EventRef | undefined {
  if (/^\d+$/.test(text)) return { globalSeq: Number(text) };
  const match = /^(.+)#(\d+)$/.exec(text);
  return match ? { caseId: match[1]!, seq: Number(match[2]) } : undefined;
}

/** The leaf hashes of the first `size` events in global order; throws if one is missing. */
async function leavesUpTo(store: Store, size: number): Promise<string[]> {
  const rows = await store.db.query<{ global_seq: number; canonical: string }>(
    'SELECT global_seq::integer AS global_seq, canonical FROM audit_events WHERE global_seq <= $1 ORDER BY global_seq',
    [size],
  );
  rows.forEach((row, i) => {
    if (row.global_seq !== i + 1) throw new Error(`audit trail: event number ${i + 1} is missing; run \`audit verify\``);
  });
  if (rows.length < size) throw new Error(`audit trail: ${size} events were checkpointed, ${rows.length} remain; run \`audit verify\``);
  return rows.map((row) => eventLeafHash(row.canonical));
}

/** Refuses to prove anything against a checkpoint the stored events no longer reproduce. */
function assertReproduces(leaves: readonly string[], checkpoint: Checkpoint): void {
  if (merkleRoot(leaves) !== checkpoint.rootHash) {
    throw new Error(`the stored events no longer hash to the checkpoint of ${checkpoint.treeSize} events; run \`audit verify\``);
  }
}

/**
 * The event's text for a proof. A proof leaves the clerks' screens, so a text holding a 身份证号
 * goes masked (for reading) instead of exact, unless the recipient is entitled to it; without the
 * exact text the leaf hash is taken as given.
 */
function eventText(canonical: string, withIdNumbers: boolean): { canonical: string } | { masked: string } {
  const masked = maskIdNumbersIn(canonical);
  return withIdNumbers || masked === canonical ? { canonical } : { masked };
}

/** The stored checkpoints this key signed (a row without a valid signature proves nothing), smallest first. */
async function signedCheckpoints(store: Store, publicKeyPem: string): Promise<Checkpoint[]> {
  const publicKey = createPublicKey(publicKeyPem);
  return (await listCheckpoints(store)).filter((c) => {
    const checked = checkCheckpoint(c, publicKey);
    return checked.ok && checked.fields.treeSize === c.treeSize && checked.fields.rootHash === c.rootHash;
  });
}

const signedPart = (c: Checkpoint) => ({
  treeSize: c.treeSize,
  rootHash: c.rootHash,
  signedAt: c.signedAt,
  keyId: c.keyId,
  body: c.body,
  signature: c.signature,
});

/**
 * An inclusion proof of one event in the newest checkpoint: everything a third party needs to
 * check it with the public key alone (audit/verifyProof.ts).
 */
export async function proveInclusion(
  store: Store,
  ref: EventRef,
  publicKeyPem: string,
  options: { withIdNumbers?: boolean } = {},
): Promise<InclusionProof> {
  const [event] = await store.db.query<{ global_seq: number; case_id: string; seq: number; canonical: string }>(
    'caseId' in ref
      ? 'SELECT global_seq::integer AS global_seq, case_id, seq, canonical FROM audit_events WHERE case_id = $1 AND seq = $2'
      : 'SELECT global_seq::integer AS global_seq, case_id, seq, canonical FROM audit_events WHERE global_seq = $1',
    'caseId' in ref ? [ref.caseId, ref.seq] : [ref.globalSeq],
  );
  const name = 'caseId' in ref ? `case ${ref.caseId} event ${ref.seq}` : `event number ${ref.globalSeq}`;
  if (!event) throw new Error(`no ${name} in the audit trail`);
  const checkpoint = (await signedCheckpoints(store, publicKeyPem)).at(-1);
  if (!checkpoint || checkpoint.treeSize < event.global_seq) {
    throw new Error(
      `${name} (number ${event.global_seq}) is not under a checkpoint yet (latest covers ${checkpoint?.treeSize ?? 0}); run \`audit checkpoint\` or wait for the batch to finish`,
    );
  }
  const leaves = await leavesUpTo(store, checkpoint.treeSize);
  assertReproduces(leaves, checkpoint);
  const index = event.global_seq - 1;
  return {
    kind: 'inclusion',
    event: {
      caseId: event.case_id,
      seq: event.seq,
      globalSeq: event.global_seq,
      ...eventText(event.canonical, options.withIdNumbers ?? false),
    },
    leafHash: leaves[index]!,
    leafIndex: index,
    treeSize: checkpoint.treeSize,
    auditPath: inclusionPath(leaves, index),
    checkpoint: signedPart(checkpoint),
    publicKey: publicKeyPem,
  };
}

/** A consistency proof between two stored checkpoints (sizes); the second defaults to the newest. */
export async function proveConsistency(
  store: Store,
  firstSize: number,
  secondSize: number | undefined,
  publicKeyPem: string,
): Promise<ConsistencyProof> {
  const checkpoints = await signedCheckpoints(store, publicKeyPem);
  const first = checkpoints.find((c) => c.treeSize === firstSize);
  const second = secondSize === undefined ? checkpoints.at(-1) : checkpoints.find((c) => c.treeSize === secondSize);
  if (!first)
    throw new Error(`no checkpoint of ${firstSize} events; sizes stored: ${checkpoints.map((c) => c.treeSize).join(', ') || 'none'}`);
  if (!second) throw new Error(`no checkpoint of ${secondSize ?? 'any size'} events`);
  if (second.treeSize < first.treeSize)
    throw new Error(`the second checkpoint (${second.treeSize}) must not be smaller than the first (${first.treeSize})`);
  const leaves = await leavesUpTo(store, second.treeSize);
  assertReproduces(leaves, second);
  assertReproduces(leaves.slice(0, first.treeSize), first);
  return {
    kind: 'consistency',
    first: signedPart(first),
    second: signedPart(second),
    consistencyPath: first.treeSize === second.treeSize ? [] : consistencyPath(leaves, first.treeSize),
    publicKey: publicKeyPem,
  };
}
