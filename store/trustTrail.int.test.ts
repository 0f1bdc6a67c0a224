import { execFile } from 'node:child_process';
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkProof } from '../audit/verifyProof';
import { ed25519Signer, type CheckpointSigner } from '../security/checkpointKey';
import { appendEvent } from './auditTrail';
import type { AuditStep } from './auditSteps';
import { checkpointBody } from '../audit/verifyProof';
import { checkpointFileName, exportCheckpoint, listCheckpoints, readCheckpointDir, takeCheckpoint, type Checkpoint } from './checkpoints';
import { merkleRoot } from './merkle';
import { proveConsistency, proveInclusion } from './proofs';
import type { Store } from './store';
import { backendKinds, type TestBackend } from './testing/backends';
import { sampleEvent } from './testing/sampleEvent';
import { deleteEvents, rewriteWithChain, swapGlobalPlaces, withTriggersOff } from './testing/tamper';
import { verifyChain } from './verifyChain';
import { verifyTrail, type TrailProblem } from './verifyTrail';
import { describeEachBackend } from './testing/onPostgres';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');

const newSigner = (): CheckpointSigner =>
  ed25519Signer(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());

describeEachBackend(backendKinds, 'signed checkpoints over the audit trail on $name', (kind) => {
  let backend: TestBackend;
  let store: Store;
  let signer: CheckpointSigner;
  let exportDir: string;
  beforeEach(async () => {
    backend = kind.create();
    store = await backend.open();
    signer = newSigner();
    exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-checkpoints-'));
  });
  afterEach(async () => {
    await store?.close();
    await backend?.cleanup();
    fs.rmSync(exportDir, { recursive: true, force: true });
  });

  const publicKeys = () => [createPublicKey(signer.publicKeyPem)];
  const verify = (caseId?: string) =>
    verifyTrail(store, { publicKeys: publicKeys(), trusted: readCheckpointDir(exportDir), ...(caseId ? { caseId } : {}) });
  const checkpoint = () => takeCheckpoint(store, signer, { exportDir });
  const problemsOf = async () => (await verify()).problems;

  /** Cases A (3 events), B (2), C (3), interleaved as a batch would write them; then a checkpoint. */
  async function normalRun(): Promise<Checkpoint> {
    const plan: [string, AuditStep][] = [
      ['A', 'intake'],
      ['B', 'intake'],
      ['A', 'decided'],
      ['C', 'intake'],
      ['B', 'decided'],
      ['C', 'decided'],
      ['A', 'closed'],
      ['C', 'closed'],
    ];
    for (const [caseId, step] of plan) await appendEvent(store, sampleEvent({ caseId, step }));
    const made = await checkpoint();
    if (!made) throw new Error('no checkpoint');
    return made;
  }

  it('numbers every event globally, signs checkpoints that accumulate, exports them, and a normal run verifies', async () => {
    const first = await normalRun();
    expect(first.treeSize).toBe(8);
    expect(first.leaves.map((l) => `${l.caseId}#${l.seq}`)).toEqual(['A#1', 'B#1', 'A#2', 'C#1', 'B#2', 'C#2', 'A#3', 'C#3']);
    // Nothing new: the same checkpoint, not another.
    expect(await checkpoint()).toEqual(first);
    for (const step of ['reviewed', 'closed'] as const) await appendEvent(store, sampleEvent({ caseId: 'B', step }));
    await appendEvent(store, sampleEvent({ caseId: '_admin', step: 'user-added' }));
    const second = await checkpoint();
    expect(second).toMatchObject({ treeSize: 11, previousSize: 8 });
    expect(second?.leaves).toHaveLength(3);
    expect((await listCheckpoints(store)).map((c) => c.treeSize)).toEqual([8, 11]);
    expect(fs.readdirSync(exportDir).sort()).toEqual([checkpointFileName(8), checkpointFileName(11)]);
    // The signed root is the Merkle root of all leaves, by the definition.
    expect(second?.rootHash).toBe(merkleRoot([...first.leaves, ...second!.leaves].map((l) => l.leaf)));
    await appendEvent(store, sampleEvent({ caseId: 'D', step: 'intake' }));
    expect(await verify()).toMatchObject({ ok: true, events: 12, cases: 5, checkpointsVerified: 2, uncheckpointed: 1, problems: [] });
    expect(await verify('B')).toMatchObject({ ok: true, cases: 1 });
  });

  it('assigns gap-free global numbers to events appended at once from many writers', async () => {
    await Promise.all(Array.from({ length: 30 }, (_, i) => appendEvent(store, sampleEvent({ caseId: `P${i % 5}`, runId: `run-${i}` }))));
    const made = await checkpoint();
    expect(made?.treeSize).toBe(30);
    const rows = await store.db.query<{ n: number }>('SELECT global_seq::integer AS n FROM audit_events ORDER BY global_seq');
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect((await verify()).ok).toBe(true);
  });

  it('catches one event edited with its case chain recomputed, and names it', async () => {
    await normalRun();
    await rewriteWithChain(store, 'A', 2, { outcome: 'approve', amount: '9987.60', reasons: [], checks: [] });
    // The case's own chain is fooled…
    expect(await verifyChain(store, 'A')).toEqual({ ok: true, cases: 1, events: 3 });
    // …the signed checkpoint is not: the edited event (number 3) and the re-hashed one after it (7).
    const problems = await problemsOf();
    expect(problems).toContainEqual(expect.objectContaining({ problem: 'altered event', globalSeq: 3, caseId: 'A', seq: 2 }));
    expect(problems).toContainEqual(expect.objectContaining({ problem: 'altered event', globalSeq: 7, caseId: 'A', seq: 3 }));
    expect(problems).toContainEqual(expect.objectContaining({ problem: 'checkpoint mismatch', treeSize: 8 }));
  });

  it('catches a chain’s tail cut off, and names the case', async () => {
    await normalRun();
    for (const step of ['intake', 'decided'] as const) await appendEvent(store, sampleEvent({ caseId: 'Z', step }));
    await checkpoint();
    // Case A's last event is number 7, with later events after it: a gap in the global order.
    await deleteEvents(store, 'case_id = $1 AND seq = 3', ['A']);
    expect(await verifyChain(store, 'A')).toMatchObject({ ok: true });
    expect(await problemsOf()).toContainEqual(expect.objectContaining({ problem: 'missing event', globalSeq: 7, caseId: 'A', seq: 3 }));
    // The trail's own tail: the checkpoint covers more than the store holds.
    await deleteEvents(store, 'case_id = $1 AND seq = 2', ['Z']);
    expect(await problemsOf()).toContainEqual(expect.objectContaining({ problem: 'truncated trail', treeSize: 10, events: 9 }));
  });

  it('catches a whole case deleted, and names each of its events', async () => {
    await normalRun();
    await deleteEvents(store, 'case_id = $1', ['B']);
    expect(await verifyChain(store)).toMatchObject({ ok: true, cases: 2 });
    const missing = (await problemsOf()).filter(
      (p): p is Extract<TrailProblem, { problem: 'missing event' }> => p.problem === 'missing event',
    );
    expect(missing.map((p) => [p.globalSeq, p.caseId, p.seq])).toEqual([
      [2, 'B', 1],
      [5, 'B', 2],
    ]);
  });

  it('catches two events swapped in the global order', async () => {
    await normalRun();
    await swapGlobalPlaces(store, 2, 4);
    expect(await verifyChain(store)).toMatchObject({ ok: true });
    const problems = await problemsOf();
    expect(problems).toContainEqual(expect.objectContaining({ problem: 'reordered events', globalSeq: 2, caseId: 'C', seq: 1 }));
    expect(problems).toContainEqual(expect.objectContaining({ problem: 'reordered events', globalSeq: 4, caseId: 'B', seq: 1 }));
  });

  it('catches a checkpoint forged without the key over a rewritten trail', async () => {
    const genuine = await normalRun();
    await rewriteWithChain(store, 'C', 2, { outcome: 'approve', amount: '50000.00', reasons: [], checks: [] });
    // The insider replaces the store's checkpoint with one over the forged events, signed with a key of their own.
    const forger = newSigner();
    fs.rmSync(exportDir, { recursive: true, force: true });
    await withTriggersOff(store, () => store.db.query('DELETE FROM audit_checkpoints'));
    const forged = await takeCheckpoint(store, forger);
    expect(forged?.treeSize).toBe(8);
    const storeOnly = await verifyTrail(store, { publicKeys: publicKeys() });
    expect(storeOnly.problems).toContainEqual(expect.objectContaining({ problem: 'forged checkpoint', treeSize: 8, source: 'store' }));
    expect(storeOnly.ok).toBe(false);
    // A forged signature under the genuine key id is refused too.
    await withTriggersOff(store, () => store.db.query('DELETE FROM audit_checkpoints'));
    const body = checkpointBody({ treeSize: 8, rootHash: forged!.rootHash, signedAt: genuine.signedAt, keyId: signer.keyId });
    await store.db.query(
      `INSERT INTO audit_checkpoints (tree_size, root_hash, signed_at, key_id, body, signature, previous_size, frontier, leaves)
       VALUES (8, $1, $2::text::timestamptz, $3, $4, $5, 0, '[]'::jsonb, '[]'::jsonb)`,
      [forged!.rootHash, genuine.signedAt, signer.keyId, body, genuine.signature],
    );
    const sameKeyId = await verifyTrail(store, { publicKeys: publicKeys() });
    expect(sameKeyId.problems).toContainEqual(
      expect.objectContaining({ problem: 'forged checkpoint', treeSize: 8, detail: expect.stringMatching(/signature does not verify/) }),
    );
    // The auditor's exported copy names the event that changed and the checkpoint the store lost.
    exportCheckpoint(exportDir, genuine);
    const withExport = await problemsOf();
    expect(withExport).toContainEqual(expect.objectContaining({ problem: 'altered event', globalSeq: 6, caseId: 'C', seq: 2 }));
    expect(withExport).toContainEqual(expect.objectContaining({ problem: 'checkpoint missing from store', treeSize: 8 }));
  });

  it('builds each checkpoint on the last one its key signed: a row slipped into the checkpoints does not lead it astray', async () => {
    const genuine = await normalRun();
    // The application role may INSERT checkpoints: one with a consistent frontier and root, but no valid signature.
    const junkFrontier = [merkleRoot(['00'.repeat(32)])];
    await store.db.query(
      `INSERT INTO audit_checkpoints (tree_size, root_hash, signed_at, key_id, body, signature, previous_size, frontier, leaves)
       VALUES (9, $1, now(), $2, 'junk', 'junk', 8, $3::text::jsonb, '[]'::jsonb)`,
      [junkFrontier[0], signer.keyId, JSON.stringify(['x'])],
    );
    for (const step of ['reviewed', 'closed'] as const) await appendEvent(store, sampleEvent({ caseId: 'B', step }));
    const next = await checkpoint();
    expect(next).toMatchObject({ treeSize: 10, previousSize: genuine.treeSize });
    const verdict = await verify();
    expect(verdict.problems).toEqual([expect.objectContaining({ problem: 'forged checkpoint', treeSize: 9, source: 'store' })]);
    expect(verdict.checkpointsVerified).toBe(2);
    expect(await proveInclusion(store, { globalSeq: 9 }, signer.publicKeyPem)).toMatchObject({ treeSize: 10 });
    // A row at exactly the size to be signed is refused loudly, not returned as the checkpoint.
    await store.db.query(
      `INSERT INTO audit_checkpoints (tree_size, root_hash, signed_at, key_id, body, signature, previous_size, frontier, leaves)
       VALUES (11, $1, now(), $2, 'junk', 'junk', 10, '[]'::jsonb, '[]'::jsonb)`,
      [junkFrontier[0], signer.keyId],
    );
    await appendEvent(store, sampleEvent({ caseId: 'C', step: 'reviewed' }));
    await expect(checkpoint()).rejects.toThrow(/checkpoint of 11 events not signed by this key/);
  });

  it('keeps an exported checkpoint file once: the same again is fine, another one is refused', async () => {
    const made = await normalRun();
    expect(exportCheckpoint(exportDir, made)).toBe(false);
    const other = { ...made, signature: Buffer.alloc(64).toString('base64') };
    expect(() => exportCheckpoint(exportDir, other)).toThrow(/another checkpoint of 8 events/);
  });

  it('proves an event’s inclusion and two checkpoints’ consistency, checked with the public key alone', async () => {
    const first = await normalRun();
    for (const step of ['reviewed', 'closed'] as const) await appendEvent(store, sampleEvent({ caseId: 'B', step }));
    await appendEvent(store, sampleEvent({ caseId: 'ID', step: 'intake', inputs: { insuredId: '11010119900307123X' } }));
    await checkpoint();
    const proof = await proveInclusion(store, { caseId: 'C', seq: 2 }, signer.publicKeyPem);
    expect(proof).toMatchObject({ leafIndex: 5, treeSize: 11, event: { caseId: 'C', seq: 2, globalSeq: 6 } });
    expect(proof.event.canonical).toContain('"amount":"987.60"');
    expect(checkProof(proof, createPublicKey(signer.publicKeyPem)).ok).toBe(true);
    expect(checkProof(proof, createPublicKey(newSigner().publicKeyPem)).ok).toBe(false);
    const consistency = await proveConsistency(store, first.treeSize, undefined, signer.publicKeyPem);
    expect(checkProof(consistency, createPublicKey(signer.publicKeyPem))).toMatchObject({ ok: true, failures: [] });
    // A proof leaves the clerks' screens: a 身份证号 in the event goes masked, and the exact text only when asked for.
    const withId = await proveInclusion(store, { globalSeq: 11 }, signer.publicKeyPem);
    expect(withId.event.canonical).toBeUndefined();
    expect(withId.event.masked).toMatch(/110101\*+123X|110101\*{8}123X/);
    expect(withId.event.masked).not.toContain('11010119900307123X');
    expect(checkProof(withId, createPublicKey(signer.publicKeyPem)).ok).toBe(true);
    const entitled = await proveInclusion(store, { globalSeq: 11 }, signer.publicKeyPem, { withIdNumbers: true });
    expect(entitled.event.canonical).toContain('11010119900307123X');
    expect(checkProof(entitled, createPublicKey(signer.publicKeyPem)).ok).toBe(true);
    await expect(proveInclusion(store, { caseId: 'C', seq: 9 }, signer.publicKeyPem)).rejects.toThrow(/no case C event 9/);
    await appendEvent(store, sampleEvent({ caseId: 'E', step: 'intake' }));
    await expect(proveInclusion(store, { globalSeq: 12 }, signer.publicKeyPem)).rejects.toThrow(/not under a checkpoint yet/);
  });
});

describe('the standalone verifier (audit/verifyProof.ts, node:crypto only)', () => {
  it('verifies a proof with the public key, and fails when one byte changes; openssl checks the signature', async () => {
    const backend = backendKinds[0]!.create();
    const store = await backend.open();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zs-proof-'));
    try {
      const signer = newSigner();
      for (const caseId of ['A', 'B', 'C'])
        for (const step of ['intake', 'decided'] as const) await appendEvent(store, sampleEvent({ caseId, step }));
      await takeCheckpoint(store, signer);
      const proof = await proveInclusion(store, { caseId: 'B', seq: 2 }, signer.publicKeyPem);
      const keyFile = path.join(dir, 'checkpoint-public.pem');
      fs.writeFileSync(keyFile, signer.publicKeyPem);
      const verifier = async (p: unknown) => {
        const file = path.join(dir, `proof-${Math.random()}.json`);
        fs.writeFileSync(file, JSON.stringify(p));
        return run(process.execPath, ['--import', 'tsx', path.join(root, 'audit/verifyProof.ts'), file, '--public-key', keyFile], {
          cwd: root,
        }).then(
          (r) => ({ code: 0, out: r.stdout }),
          (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
        );
      };
      const good = await verifier(proof);
      expect(good.code, good.out).toBe(0);
      expect(good.out).toMatch(/verified with key/);
      // One byte of the event's text (the amount), of the audit path, of the signature.
      const edited = await verifier({ ...proof, event: { ...proof.event, canonical: proof.event.canonical!.replace('987.60', '987.69') } });
      expect(edited).toMatchObject({ code: 1 });
      expect(edited.out).toMatch(/FAIL {2}leaf hash/);
      const path0 = proof.auditPath[0]!;
      const flipped = (path0[0] === '0' ? '1' : '0') + path0.slice(1);
      expect(await verifier({ ...proof, auditPath: [flipped, ...proof.auditPath.slice(1)] })).toMatchObject({ code: 1 });
      const sig = Buffer.from(proof.checkpoint.signature, 'base64');
      sig[0] = sig[0]! ^ 1;
      expect(await verifier({ ...proof, checkpoint: { ...proof.checkpoint, signature: sig.toString('base64') } })).toMatchObject({
        code: 1,
      });
      // The signature with openssl alone, as docs/trust-trail.md shows.
      fs.writeFileSync(path.join(dir, 'body.txt'), proof.checkpoint.body);
      fs.writeFileSync(path.join(dir, 'sig.bin'), Buffer.from(proof.checkpoint.signature, 'base64'));
      const openssl = await run(
        'openssl',
        ['pkeyutl', '-verify', '-pubin', '-inkey', keyFile, '-rawin', '-in', 'body.txt', '-sigfile', 'sig.bin'],
        { cwd: dir },
      );
      expect(openssl.stdout).toMatch(/Signature Verified Successfully/);
      fs.writeFileSync(path.join(dir, 'body.txt'), proof.checkpoint.body.replace(/tree-size \d+/, 'tree-size 5'));
      await expect(
        run('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', keyFile, '-rawin', '-in', 'body.txt', '-sigfile', 'sig.bin'], {
          cwd: dir,
        }),
      ).rejects.toThrow();
    } finally {
      await store.close();
      await backend.cleanup();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
