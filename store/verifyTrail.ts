import type { KeyObject } from 'node:crypto';
import { checkCheckpoint } from '../audit/verifyProof';
import { auditEventColumns, type AuditEventRow } from './auditRows';
import type { Checkpoint } from './checkpoints';
import { listCheckpoints } from './checkpoints';
import { appendToFrontier, eventLeafHash, rootOfFrontier, type Frontier } from './merkle';
import type { Store } from './store';
import { firstChainProblem, type ChainProblem } from './verifyChain';

/** What verification found wrong; each names what it is about. */
export type TrailProblem =
  /** A checkpoint whose signature does not verify with the auditor's key: forged, or signed by another key. */
  | { problem: 'forged checkpoint'; treeSize: number; source: CheckpointSource; detail: string }
  /** Two validly signed checkpoints of the same size with different roots: two histories were signed. */
  | { problem: 'conflicting checkpoints'; treeSize: number; detail: string }
  /** An exported checkpoint the store no longer has. */
  | { problem: 'checkpoint missing from store'; treeSize: number; detail: string }
  /** The events now stored do not hash to a signed checkpoint's root. */
  | { problem: 'checkpoint mismatch'; treeSize: number; detail: string }
  /** A signed checkpoint covers more events than the store holds: the trail's end was cut off. */
  | { problem: 'truncated trail'; treeSize: number; events: number; detail: string }
  /** A number in the global sequence has no event: it was deleted (with its whole case, or a chain's tail). */
  | { problem: 'missing event'; globalSeq: number; caseId?: string; seq?: number; detail: string }
  /** The event at this place differs from the one a checkpoint signed. */
  | { problem: 'altered event'; globalSeq: number; caseId: string; seq: number; detail: string }
  /** The event at this place is one a checkpoint signed at another place. */
  | { problem: 'reordered events'; globalSeq: number; caseId: string; seq: number; detail: string }
  /** A case's hash chain is broken (see verifyChain). */
  | { problem: ChainProblem; caseId: string; seq: number; detail: string };

type CheckpointSource = 'store' | 'export';

export interface TrailVerdict {
  ok: boolean;
  events: number;
  cases: number;
  /** Checkpoints whose signatures verified and whose roots the stored events reproduce. */
  checkpointsVerified: number;
  latestCheckpoint: { treeSize: number; rootHash: string; signedAt: string } | null;
  /** Events after the latest checkpoint: not yet under a signature. */
  uncheckpointed: number;
  problems: TrailProblem[];
}

export interface VerifyTrailOptions {
  /** The checkpoint keys the auditor accepts (Ed25519 public keys). */
  publicKeys: readonly KeyObject[];
  /** Checkpoints kept outside the store (the export directory, a file an auditor holds). */
  trusted?: readonly Checkpoint[];
  /** Check only this case's hash chain; the global order and checkpoints are always checked whole. */
  caseId?: string;
}

/** Enough to name, not so many that a wholesale deletion floods the report. */
const maxProblemsPerKind = 50;

/**
 * Verifies the whole trail: every checkpoint's signature; that the stored events, in global
 * order, reproduce every signed root (so each checkpoint extends the previous one, recomputed from
 * the leaves); that the global sequence has no gap and reaches every checkpoint's size; and each
 * case's hash chain. The leaves the checkpoints list name the events that changed.
 */
export async function verifyTrail(store: Store, options: VerifyTrailOptions): Promise<TrailVerdict> {
  const problems: TrailProblem[] = [];
  const counts = new Map<string, number>();
  const report = (problem: TrailProblem) => {
    const seen = counts.get(problem.problem) ?? 0;
    counts.set(problem.problem, seen + 1);
    if (seen < maxProblemsPerKind) problems.push(problem);
  };

  const checkpoints = acceptedCheckpoints(await listCheckpoints(store), options.trusted ?? [], options.publicKeys, report);

  const rows = await store.db.query<AuditEventRow & { global_seq: number }>(
    `SELECT global_seq::integer AS global_seq, ${auditEventColumns} FROM audit_events ORDER BY global_seq`,
  );
  const stored = new Map(rows.map((row) => [row.global_seq, { caseId: row.case_id, seq: row.seq, leaf: eventLeafHash(row.canonical) }]));
  const highest = rows.at(-1)?.global_seq ?? 0;

  // What the checkpoints say stood at each place, to name what changed.
  const signedAt = new Map<number, { caseId: string; seq: number; leaf: string }>();
  const signedPlaceOfLeaf = new Map<string, number>();
  for (const checkpoint of checkpoints) {
    checkpoint.leaves.forEach((leaf, i) => {
      const place = checkpoint.previousSize + i + 1;
      signedAt.set(place, leaf);
      signedPlaceOfLeaf.set(leaf.leaf, place);
    });
  }
  const describe = (place: number) => {
    const known = signedAt.get(place);
    return known ? ` (case ${known.caseId} event ${known.seq})` : '';
  };

  // The global sequence: 1…highest with nothing missing.
  for (let place = 1; place <= highest; place++) {
    if (stored.has(place)) continue;
    const known = signedAt.get(place);
    report({
      problem: 'missing event',
      globalSeq: place,
      ...(known ? { caseId: known.caseId, seq: known.seq } : {}),
      detail: `no event numbered ${place}${describe(place)}: deleted`,
    });
  }

  // Each event against what a checkpoint signed at its place.
  for (const [place, event] of stored) {
    const known = signedAt.get(place);
    if (!known || known.leaf === event.leaf) continue;
    const elsewhere = signedPlaceOfLeaf.get(event.leaf);
    if (elsewhere !== undefined) {
      report({
        problem: 'reordered events',
        globalSeq: place,
        caseId: event.caseId,
        seq: event.seq,
        detail: `the event at ${place} was signed at ${elsewhere}; ${place} held case ${known.caseId} event ${known.seq}`,
      });
    } else {
      report({
        problem: 'altered event',
        globalSeq: place,
        caseId: event.caseId,
        seq: event.seq,
        detail: `case ${event.caseId} event ${event.seq} (number ${place}) differs from the event a checkpoint signed there${describe(place)}`,
      });
    }
  }

  // Every accepted checkpoint's root, recomputed from the stored events in order.
  let frontier: Frontier = [];
  let size = 0;
  let verified = 0;
  for (const checkpoint of checkpoints) {
    if (checkpoint.treeSize > highest) {
      const gone = [
        ...new Set(Array.from({ length: checkpoint.treeSize - highest }, (_, i) => signedAt.get(highest + i + 1)?.caseId).filter(Boolean)),
      ];
      report({
        problem: 'truncated trail',
        treeSize: checkpoint.treeSize,
        events: highest,
        detail: `a checkpoint signed ${checkpoint.treeSize} events; the store has ${highest}: events ${highest + 1}…${checkpoint.treeSize} are gone${gone.length ? ` (cases ${gone.join(', ')})` : ''}`,
      });
      continue;
    }
    let complete = true;
    while (size < checkpoint.treeSize) {
      const event = stored.get(size + 1);
      if (!event) {
        complete = false;
        break;
      }
      frontier = appendToFrontier(frontier, size, event.leaf);
      size += 1;
    }
    if (!complete) {
      report({
        problem: 'checkpoint mismatch',
        treeSize: checkpoint.treeSize,
        detail: `events are missing below ${checkpoint.treeSize}; its root cannot be reproduced`,
      });
      continue;
    }
    if (rootOfFrontier(frontier) !== checkpoint.rootHash) {
      report({
        problem: 'checkpoint mismatch',
        treeSize: checkpoint.treeSize,
        detail: `the first ${checkpoint.treeSize} stored events do not hash to the root signed at ${checkpoint.signedAt}`,
      });
      continue;
    }
    verified += 1;
  }

  // The per-case hash chains.
  const byCase = new Map<string, AuditEventRow[]>();
  for (const row of rows) {
    if (options.caseId !== undefined && row.case_id !== options.caseId) continue;
    const list = byCase.get(row.case_id) ?? [];
    list.push(row);
    byCase.set(row.case_id, list);
  }
  for (const [caseId, caseRows] of [...byCase].sort(([a], [b]) => a.localeCompare(b))) {
    const problem = firstChainProblem(caseRows.sort((a, b) => a.seq - b.seq));
    if (problem) report({ caseId, ...problem });
  }

  const latest = checkpoints.at(-1);
  return {
    ok: problems.length === 0,
    events: rows.length,
    cases: options.caseId === undefined ? new Set(rows.map((r) => r.case_id)).size : byCase.size,
    checkpointsVerified: verified,
    latestCheckpoint: latest ? { treeSize: latest.treeSize, rootHash: latest.rootHash, signedAt: latest.signedAt } : null,
    uncheckpointed: Math.max(0, highest - (latest?.treeSize ?? 0)),
    problems,
  };
}

/**
 * The checkpoints to check the events against: those of the store and of the export whose
 * signatures verify, one per size, smallest first. Reports forgeries, conflicts and exported
 * checkpoints the store lost.
 */
function acceptedCheckpoints(
  fromStore: readonly Checkpoint[],
  trusted: readonly Checkpoint[],
  publicKeys: readonly KeyObject[],
  report: (problem: TrailProblem) => void,
): Checkpoint[] {
  const accepted = new Map<number, Checkpoint>();
  const signatureOk = (checkpoint: Checkpoint, source: CheckpointSource): boolean => {
    const reasons: string[] = [];
    for (const key of publicKeys) {
      const checked = checkCheckpoint(checkpoint, key);
      if (checked.ok) {
        if (checked.fields.treeSize === checkpoint.treeSize && checked.fields.rootHash === checkpoint.rootHash) return true;
        reasons.push('its fields differ from the signed body');
      } else {
        reasons.push(checked.reason);
      }
    }
    report({
      problem: 'forged checkpoint',
      treeSize: checkpoint.treeSize,
      source,
      detail: `checkpoint of ${checkpoint.treeSize} events (${source}): ${reasons.join('; ') || 'no public key to check it with'}`,
    });
    return false;
  };
  // Exported checkpoints first: the copy outside the store is the one an insider could not reach.
  for (const checkpoint of trusted) {
    if (!signatureOk(checkpoint, 'export')) continue;
    const other = accepted.get(checkpoint.treeSize);
    if (other && other.rootHash !== checkpoint.rootHash) {
      report({
        problem: 'conflicting checkpoints',
        treeSize: checkpoint.treeSize,
        detail: `two exported checkpoints of ${checkpoint.treeSize} events sign different roots`,
      });
      continue;
    }
    accepted.set(checkpoint.treeSize, checkpoint);
  }
  const signedText = (c: Checkpoint) => `${c.body}\n${c.signature}`;
  const storedCopies = new Set(fromStore.map(signedText));
  for (const checkpoint of fromStore) {
    if (!signatureOk(checkpoint, 'store')) continue;
    const exported = accepted.get(checkpoint.treeSize);
    if (exported && exported.rootHash !== checkpoint.rootHash) {
      report({
        problem: 'conflicting checkpoints',
        treeSize: checkpoint.treeSize,
        detail: `the store's checkpoint of ${checkpoint.treeSize} events signs another root than the exported one`,
      });
      continue;
    }
    if (!exported) accepted.set(checkpoint.treeSize, checkpoint);
  }
  for (const checkpoint of trusted) {
    // Absent, or replaced by another text: either way the store lost what was signed.
    if (!storedCopies.has(signedText(checkpoint))) {
      report({
        problem: 'checkpoint missing from store',
        treeSize: checkpoint.treeSize,
        detail: `the exported checkpoint of ${checkpoint.treeSize} events (signed ${checkpoint.signedAt}) is not in the store`,
      });
    }
  }
  return [...accepted.values()].sort((a, b) => a.treeSize - b.treeSize);
}
