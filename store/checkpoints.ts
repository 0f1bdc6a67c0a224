import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { checkCheckpoint, checkpointBody, parseCheckpointBody } from '../audit/verifyProof';
import type { CheckpointSigner } from '../security/checkpointKey';
import { appendToFrontier, eventLeafHash, frontierLength, rootOfFrontier, type Frontier } from './merkle';
import type { Store } from './store';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex sha256');

/** One event a checkpoint added: which it is, and its leaf hash. */
const CheckpointLeaf = z.strictObject({ caseId: z.string().min(1), seq: z.number().int().min(1), leaf: hex64 });
type CheckpointLeaf = z.infer<typeof CheckpointLeaf>;

/**
 * A signed checkpoint as exported: `body` is the signed text (tree size, root, time, key id) and
 * the other fields repeat it; `leaves` are the events numbered previousSize+1…treeSize.
 */
export const Checkpoint = z.strictObject({
  treeSize: z.number().int().min(1),
  rootHash: hex64,
  signedAt: z.iso.datetime(),
  keyId: hex64,
  body: z.string().min(1),
  signature: z.string().min(1),
  previousSize: z.number().int().min(0),
  leaves: z.array(CheckpointLeaf),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

interface CheckpointRow {
  tree_size: number;
  root_hash: string;
  signed_at: string;
  key_id: string;
  body: string;
  signature: string;
  previous_size: number;
  frontier: Frontier;
  leaves: CheckpointLeaf[];
}

// bigint columns read as integers so both drivers give numbers (2³¹ events is far away).
const checkpointColumns = `tree_size::integer AS tree_size, root_hash,
  to_char(signed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS signed_at,
  key_id, body, signature, previous_size::integer AS previous_size, frontier, leaves`;

function checkpointOfRow(row: CheckpointRow): Checkpoint {
  return {
    treeSize: row.tree_size,
    rootHash: row.root_hash,
    signedAt: row.signed_at,
    keyId: row.key_id,
    body: row.body,
    signature: row.signature,
    previousSize: row.previous_size,
    leaves: row.leaves,
  };
}

/** Every checkpoint in the store, smallest tree first. */
export async function listCheckpoints(store: Store): Promise<Checkpoint[]> {
  const rows = await store.db.query<CheckpointRow>(`SELECT ${checkpointColumns} FROM audit_checkpoints ORDER BY tree_size`);
  return rows.map(checkpointOfRow);
}

/** How far the checkpoints lag the trail: events so far, events covered, and when the last was signed. */
export async function checkpointLag(store: Store): Promise<{ events: number; checkpointed: number; lastSignedMs: number | null }> {
  const [state] = await store.db.query<{ events: number; checkpointed: number; last_signed_ms: number | null }>(
    `SELECT (SELECT coalesce(max(global_seq), 0)::integer FROM audit_events) AS events,
            (SELECT coalesce(max(tree_size), 0)::integer FROM audit_checkpoints) AS checkpointed,
            (SELECT (extract(epoch FROM max(signed_at)) * 1000)::float8 FROM audit_checkpoints) AS last_signed_ms`,
  );
  return { events: state?.events ?? 0, checkpointed: state?.checkpointed ?? 0, lastSignedMs: state?.last_signed_ms ?? null };
}

export interface CheckpointOptions {
  /** Also append the checkpoint to this write-once directory (`<dataDir>/checkpoints`). */
  exportDir?: string;
  now?: () => Date;
}

/**
 * Signs a checkpoint over every event committed so far and returns it; the newest existing one if
 * no event came since, undefined if the trail is empty. Only the events after the previous
 * checkpoint this key signed are read: its frontier carries the rest, after checking it still
 * gives its signed root.
 * Needs no lock: events are numbered one commit at a time (migration 060), so the committed events
 * are always 1…N; two processes checkpointing at once sign the same or a longer prefix, and the
 * same size is stored once.
 */
export async function takeCheckpoint(
  store: Store,
  signer: CheckpointSigner,
  options: CheckpointOptions = {},
): Promise<Checkpoint | undefined> {
  const publicKey = createPublicKey(signer.publicKeyPem);
  const last = await newestSignedBy(store, publicKey);
  const previousSize = last?.tree_size ?? 0;
  let frontier: Frontier = last?.frontier ?? [];
  if (last && (frontier.length !== frontierLength(previousSize) || rootOfFrontier(frontier) !== last.root_hash)) {
    throw new Error(
      `checkpoint of ${previousSize} events: its stored frontier does not give its root; run \`audit verify\` before checkpointing again`,
    );
  }
  const events = await store.db.query<{ global_seq: number; case_id: string; seq: number; canonical: string }>(
    'SELECT global_seq::integer AS global_seq, case_id, seq, canonical FROM audit_events WHERE global_seq > $1 ORDER BY global_seq',
    [previousSize],
  );
  if (events.length === 0) {
    const newest = last && checkpointOfRow(last);
    if (newest && options.exportDir) exportCheckpoint(options.exportDir, newest);
    return newest;
  }
  const leaves: CheckpointLeaf[] = [];
  let size = previousSize;
  for (const event of events) {
    if (event.global_seq !== size + 1) {
      throw new Error(`audit trail: event number ${size + 1} is missing (next is ${event.global_seq}); run \`audit verify\``);
    }
    const leaf = eventLeafHash(event.canonical);
    frontier = appendToFrontier(frontier, size, leaf);
    size += 1;
    leaves.push({ caseId: event.case_id, seq: event.seq, leaf });
  }
  const fields = {
    treeSize: size,
    rootHash: rootOfFrontier(frontier),
    signedAt: (options.now?.() ?? new Date()).toISOString(),
    keyId: signer.keyId,
  };
  const body = checkpointBody(fields);
  const signature = Buffer.from(await signer.sign(Buffer.from(body, 'utf8'))).toString('base64');
  const [inserted] = await store.db.query<CheckpointRow>(
    `INSERT INTO audit_checkpoints (tree_size, root_hash, signed_at, key_id, body, signature, previous_size, frontier, leaves)
     VALUES ($1, $2, $3::text::timestamptz, $4, $5, $6, $7, $8::text::jsonb, $9::text::jsonb)
     ON CONFLICT (tree_size) DO NOTHING
     RETURNING ${checkpointColumns}`,
    [
      fields.treeSize,
      fields.rootHash,
      fields.signedAt,
      fields.keyId,
      body,
      signature,
      previousSize,
      JSON.stringify(frontier),
      JSON.stringify(leaves),
    ],
  );
  // Lost a race to another process that signed the same size: theirs is the checkpoint.
  const [row] = inserted
    ? [inserted]
    : await store.db.query<CheckpointRow>(`SELECT ${checkpointColumns} FROM audit_checkpoints WHERE tree_size = $1`, [size]);
  if (!row) throw new Error(`checkpoint of ${size} events: neither inserted nor found`);
  const checkpoint = checkpointOfRow(row);
  if (!checkCheckpoint(checkpoint, publicKey).ok) {
    throw new Error(`the store holds a checkpoint of ${size} events not signed by this key; run \`audit verify\``);
  }
  if (options.exportDir) exportCheckpoint(options.exportDir, checkpoint);
  return checkpoint;
}

/**
 * The newest stored checkpoint this key signed: the base of the next one. A row anyone else put
 * there (the application role may INSERT) is passed over, so it cannot lead the signer astray.
 */
async function newestSignedBy(store: Store, publicKey: KeyObject): Promise<CheckpointRow | undefined> {
  const candidates = await store.db.query<{ tree_size: number; root_hash: string; body: string; signature: string }>(
    'SELECT tree_size::integer AS tree_size, root_hash, body, signature FROM audit_checkpoints ORDER BY tree_size DESC',
  );
  for (const candidate of candidates) {
    const checked = checkCheckpoint(candidate, publicKey);
    if (!checked.ok || checked.fields.treeSize !== candidate.tree_size || checked.fields.rootHash !== candidate.root_hash) continue;
    const [row] = await store.db.query<CheckpointRow>(`SELECT ${checkpointColumns} FROM audit_checkpoints WHERE tree_size = $1`, [
      candidate.tree_size,
    ]);
    return row;
  }
  return undefined;
}

/** The file a checkpoint is exported to; zero-padded so that names sort as sizes do. */
export function checkpointFileName(treeSize: number): string {
  return `checkpoint-${String(treeSize).padStart(12, '0')}.json`;
}

const exportedText = (checkpoint: Checkpoint): string => `${JSON.stringify(checkpoint, null, 2)}\n`;

/**
 * Appends a checkpoint to a write-once export directory: a file is created once and never
 * rewritten. A file already there with other content is an error (someone signed another history).
 * Returns whether the file was new.
 */
export function exportCheckpoint(dir: string, checkpoint: Checkpoint): boolean {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, checkpointFileName(checkpoint.treeSize));
  const text = exportedText(checkpoint);
  try {
    fs.writeFileSync(file, text, { flag: 'wx', mode: 0o444 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const existing = readCheckpointFile(file);
  if (existing.body !== checkpoint.body || existing.signature !== checkpoint.signature) {
    throw new Error(
      `${file} holds another checkpoint of ${checkpoint.treeSize} events than the store's: the exported one stays; run \`audit verify --checkpoint ${file}\``,
    );
  }
  return false;
}

/** Exports every stored checkpoint missing from dir; returns how many files were written. */
export async function exportCheckpoints(store: Store, dir: string): Promise<{ written: number; total: number }> {
  const checkpoints = await listCheckpoints(store);
  let written = 0;
  for (const checkpoint of checkpoints) if (exportCheckpoint(dir, checkpoint)) written += 1;
  return { written, total: checkpoints.length };
}

/** Reads one exported checkpoint file; its body must say what its fields say. */
export function readCheckpointFile(file: string): Checkpoint {
  let parsed: Checkpoint;
  try {
    parsed = Checkpoint.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch (err) {
    throw new Error(
      `${file}: not a checkpoint (${err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (err as Error).message})`,
      { cause: err },
    );
  }
  const fields = parseCheckpointBody(parsed.body);
  if (!fields || fields.treeSize !== parsed.treeSize || fields.rootHash !== parsed.rootHash || fields.keyId !== parsed.keyId) {
    throw new Error(`${file}: its fields differ from the signed body`);
  }
  return parsed;
}

/** Every checkpoint file in an export directory (none if it does not exist), smallest first. */
export function readCheckpointDir(dir: string): Checkpoint[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => /^checkpoint-\d{12}\.json$/.test(name))
    .sort()
    .map((name) => readCheckpointFile(path.join(dir, name)));
}

/** Where the stack appends checkpoints by default. */
export const checkpointExportDir = (dataDir: string): string => path.join(dataDir, 'checkpoints');
