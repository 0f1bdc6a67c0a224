import { leafHash, nodeHash } from '../audit/verifyProof';

// Merkle trees over the audit trail as RFC 9162 §2.1 defines them. The hashing primitives and the
// proof checks live in audit/verifyProof.ts, the file auditors run on their own; this side builds
// roots and proofs.

/** The leaf hash of an event, from its stored canonical text, hex. */
export function eventLeafHash(canonical: string): string {
  return leafHash(canonical).toString('hex');
}

/**
 * The right edge of a tree: the roots of the perfect subtrees its size splits into (one per set
 * bit, largest first). Enough to add leaves and compute the root without the earlier leaves.
 */
export type Frontier = string[];

/** Adds one leaf to a tree of `size` leaves with this frontier; returns the new frontier. */
export function appendToFrontier(frontier: Frontier, size: number, leaf: string): Frontier {
  const next = [...frontier];
  let carry: Buffer = Buffer.from(leaf, 'hex');
  // Like adding 1 to a binary counter: each trailing 1-bit of size is a subtree of equal size to merge.
  for (let s = size; s & 1; s = Math.floor(s / 2)) {
    const left = next.pop();
    if (left === undefined) throw new Error(`frontier too short for a tree of ${size}`);
    carry = nodeHash(Buffer.from(left, 'hex'), carry);
  }
  next.push(carry.toString('hex'));
  return next;
}

/** The tree's root from its frontier (the subtrees folded right to left); the empty tree's is SHA-256(""). */
export function rootOfFrontier(frontier: Frontier): string {
  if (frontier.length === 0) return merkleRoot([]);
  let root: Buffer = Buffer.from(frontier[frontier.length - 1]!, 'hex');
  for (let i = frontier.length - 2; i >= 0; i--) root = nodeHash(Buffer.from(frontier[i]!, 'hex'), root);
  return root.toString('hex');
}

/** How many set bits a frontier of a tree of `size` leaves has. */
export function frontierLength(size: number): number {
  let count = 0;
  for (let s = size; s > 0; s = Math.floor(s / 2)) count += s & 1;
  return count;
}

/** The largest power of two smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) from the leaf hashes (hex), by the definition. */
export function merkleRoot(leaves: readonly string[]): string {
  return subtreeRoot(
    leaves.map((leaf) => Buffer.from(leaf, 'hex')),
    0,
    leaves.length,
  ).toString('hex');
}

function subtreeRoot(leaves: readonly Buffer[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 0) return Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex');
  if (n === 1) return leaves[start]!;
  const k = split(n);
  return nodeHash(subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end));
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]): the audit path of leaf `index` in the tree of these leaves. */
export function inclusionPath(leaves: readonly string[], index: number): string[] {
  if (index < 0 || index >= leaves.length) throw new Error(`leaf ${index} is outside a tree of ${leaves.length}`);
  const buffers = leaves.map((leaf) => Buffer.from(leaf, 'hex'));
  const path: Buffer[] = [];
  const walk = (m: number, start: number, end: number): void => {
    const n = end - start;
    if (n === 1) return;
    const k = split(n);
    if (m < k) {
      walk(m, start, start + k);
      path.push(subtreeRoot(buffers, start + k, end));
    } else {
      walk(m - k, start + k, end);
      path.push(subtreeRoot(buffers, start, start + k));
    }
  };
  walk(index, 0, buffers.length);
  return path.map((b) => b.toString('hex'));
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]): that the first `m` leaves' tree is a prefix of the whole. */
export function consistencyPath(leaves: readonly string[], m: number): string[] {
  if (m < 1 || m > leaves.length) throw new Error(`no consistency proof from ${m} to ${leaves.length}`);
  const buffers = leaves.map((leaf) => Buffer.from(leaf, 'hex'));
  const path: Buffer[] = [];
  const sub = (m: number, start: number, end: number, whole: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!whole) path.push(subtreeRoot(buffers, start, end));
      return;
    }
    const k = split(n);
    if (m <= k) {
      sub(m, start, start + k, whole);
      path.push(subtreeRoot(buffers, start + k, end));
    } else {
      sub(m - k, start + k, end, false);
      path.push(subtreeRoot(buffers, start, start + k));
    }
  };
  sub(m, 0, buffers.length, true);
  return path.map((b) => b.toString('hex'));
}
