/**
 * An auditor's acts on a case, each recorded in the case's own trail after it is done: verifying the
 * chain (`audit-verified`), replaying the case (`audit-replayed`), exporting the trail (`audit-exported`).
 * Who acts is a proven person (the console's session), passed in by the caller, never read from a form.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { appendEvent } from '../store/auditTrail';
import type { AuditStep } from '../store/auditSteps';
import { getCase } from '../store/caseRegister';
import { verifyChain, type ChainVerdict } from '../store/verifyChain';
import type { Store } from '../store';
import { exportCaseAudit } from './export';
import type { CaseReplay } from './replay';

type AuditActStep = Extract<AuditStep, 'audit-verified' | 'audit-replayed' | 'audit-exported'>;

async function recordAct(
  store: Store,
  caseId: string,
  act: {
    step: AuditActStep;
    username: string;
    at: Date;
    inputs: Record<string, unknown>;
    outcome: Record<string, unknown>;
    evidence?: { kind: string; ref: string; sha256: string }[];
  },
) {
  const stored = await getCase(store, caseId);
  return appendEvent(store, {
    caseId,
    workflowId: stored?.workflowId ?? `case-${caseId}`,
    runId: 'audit',
    step: act.step,
    actor: { kind: 'user', name: act.username },
    at: act.at.toISOString(),
    inputs: { via: 'console', ...act.inputs } as never,
    ruleSetVersion: null,
    outcome: act.outcome as never,
    evidence: act.evidence ?? [],
    // Each act is its own event: verifying twice is two acts.
    idempotencyKey: `${act.step}/${randomUUID()}`,
  });
}

/** Verifies the case's hash chain as it stands, then records that it did and what it found. */
export async function verifyCaseAsAuditor(store: Store, caseId: string, username: string, at: Date): Promise<ChainVerdict> {
  const verdict = await verifyChain(store, caseId);
  await recordAct(store, caseId, { step: 'audit-verified', username, at, inputs: {}, outcome: { ...verdict } });
  return verdict;
}

/** The replay in a few fields, as the trail keeps it (the full result is shown, and `audit replay` repeats it). */
function replayOutcome(r: CaseReplay): Record<string, unknown> {
  return {
    ok: r.ok,
    history:
      r.history.status === 'ok'
        ? { status: 'ok', events: r.history.events, sha256: r.history.sha256 }
        : { status: r.history.status, error: r.history.error },
    decisions: r.decisions.map((d) => ({
      seq: d.seq,
      step: d.step,
      match: d.match,
      sameFiles: d.ruleSet.sameFiles,
      diffs: d.diffs.map((x) => x.path),
      error: d.error ?? null,
    })),
    today: r.today
      ? { parameterVersion: r.today.parameterVersion, differsFrom: r.today.differsFrom.map((x) => x.path), error: r.today.error ?? null }
      : null,
  };
}

/** Records a replay the caller ran (it needs the workflow code and the key ring, which the caller holds). */
export async function recordReplayAsAuditor(store: Store, replay: CaseReplay, username: string, at: Date): Promise<void> {
  await recordAct(store, replay.caseId, { step: 'audit-replayed', username, at, inputs: {}, outcome: replayOutcome(replay) });
}

/** Writes the trail's PDF (as `audit export`), records the export with the file's sha256, and returns the bytes. */
export async function exportCaseAsAuditor(
  store: Store,
  caseId: string,
  username: string,
  at: Date,
): Promise<{ pdf: Buffer; sha256: string; verdict: ChainVerdict; events: number }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zhishen-audit-export-'));
  try {
    const out = path.join(dir, `${caseId}.pdf`);
    const result = await exportCaseAudit(store, caseId, out);
    const pdf = await fs.readFile(out);
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    await recordAct(store, caseId, {
      step: 'audit-exported',
      username,
      at,
      inputs: { format: 'pdf' },
      outcome: { events: result.events, chainOk: result.verdict.ok },
      evidence: [{ kind: 'audit-export', ref: `${caseId}.pdf`, sha256 }],
    });
    return { pdf, sha256, verdict: result.verdict, events: result.events };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
