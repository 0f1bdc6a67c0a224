import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProof, type InclusionProof } from '../audit/verifyProof';
import { loadConfig } from '../config/env';
import { checkpointPublicKey } from '../security/checkpointKey';
import { appendEvent } from '../store/auditTrail';
import { openStore } from '../store/openStore';
import { tempDataDir } from '../store/testing/backends';
import { sampleEvent } from '../store/testing/sampleEvent';
import { rewriteWithChain } from '../store/testing/tamper';
import { auditCheckpoint, auditCheckpointExport, auditProve, auditVerify } from './audit';

/** The audit commands on the embedded store, as an operator and an auditor run them. */
describe('audit checkpoint / verify / prove / checkpoint export', () => {
  let dir: string;
  const config = () => loadConfig({ ZHISHEN_DATA_DIR: path.join(dir, 'data') });
  const run = async (command: (out: (line: string) => void) => Promise<number>) => {
    const lines: string[] = [];
    const status = await command((line) => lines.push(line));
    return { status, output: lines.join('\n') };
  };
  beforeAll(async () => {
    dir = tempDataDir();
    const store = await openStore({ dataDir: path.join(dir, 'data') });
    for (const caseId of ['A', 'B'])
      for (const step of ['intake', 'decided', 'closed'] as const) await appendEvent(store, sampleEvent({ caseId, step }));
    await store.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('signs, exports, proves and verifies; then names an edit made behind its back', async () => {
    const signed = await run((out) => auditCheckpoint(config(), out));
    expect(signed.status).toBe(0);
    expect(JSON.parse(signed.output)).toMatchObject({ treeSize: 6 });
    // The signing key was made under data/keys, owner-only, and the checkpoint exported beside it.
    expect(fs.statSync(path.join(dir, 'data/keys/checkpoint-signing.pem')).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.join(dir, 'data/checkpoints'))).toEqual(['checkpoint-000000000006.json']);

    const auditorDir = path.join(dir, 'auditor');
    const exported = await run((out) => auditCheckpointExport(config(), auditorDir, out));
    expect(JSON.parse(exported.output)).toMatchObject({ written: 1, total: 1 });
    const publicKeyFile = path.join(auditorDir, 'checkpoint-public-key.pem');

    const proved = await run((out) => auditProve(config(), { event: 'B#2' }, out));
    const proof = JSON.parse(proved.output) as InclusionProof;
    expect(checkProof(proof, checkpointPublicKey(fs.readFileSync(publicKeyFile, 'utf8'))).ok).toBe(true);
    await expect(run((out) => auditProve(config(), { event: 'B-2' }, out))).rejects.toThrow(/CASE#SEQ/);

    const clean = await run((out) => auditVerify(config(), undefined, out, { checkpoint: auditorDir, publicKey: publicKeyFile }));
    expect(clean.status).toBe(0);
    expect(JSON.parse(clean.output)).toMatchObject({ ok: true, events: 6, cases: 2, checkpointsVerified: 1 });

    const store = await openStore({ dataDir: path.join(dir, 'data') });
    await rewriteWithChain(store, 'B', 2, { outcome: 'approve', amount: '9987.60', reasons: [], checks: [] });
    await store.close();
    const caught = await run((out) => auditVerify(config(), 'B', out, { checkpoint: auditorDir, publicKey: publicKeyFile }));
    expect(caught.status).toBe(1);
    expect(JSON.parse(caught.output).problems).toContainEqual(expect.objectContaining({ problem: 'altered event', caseId: 'B', seq: 2 }));
    await expect(run((out) => auditProve(config(), { event: 'B#2' }, out))).rejects.toThrow(/no longer hash to the checkpoint/);
  });
});
