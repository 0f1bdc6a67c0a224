/**
 * A handful of cases with the trails the workflow writes for them (the same steps, inputs and
 * outcomes as activities/review.ts and activities/decision.ts record), for the auditors' tests.
 */
import { appendEvent } from '../auditTrail';
import { upsertCase } from '../caseRegister';
import type { AuditStep } from '../auditSteps';
import type { Store } from '../store';

const rulebook = { kind: 'bot' as const, name: 'zhishen-rulebook', version: '0.1.0' };
const system = { kind: 'system' as const, name: 'zhishen', version: '0.1.0' };
const user = (name: string) => ({ kind: 'user' as const, name });

interface Step {
  step: AuditStep;
  actor: { kind: 'bot' | 'user' | 'system'; name: string; version?: string };
  at: string;
  inputs?: Record<string, unknown>;
  outcome?: Record<string, unknown> | null;
}

async function trail(store: Store, caseId: string, steps: Step[]): Promise<void> {
  for (const [i, s] of steps.entries())
    await appendEvent(store, {
      caseId,
      workflowId: `case-${caseId}`,
      runId: 'run-1',
      step: s.step,
      actor: s.actor,
      at: s.at,
      inputs: (s.inputs ?? {}) as never,
      ruleSetVersion: s.step === 'decided' || s.step === 'corrected' ? 'lump-sum@2025-01-01' : null,
      outcome: (s.outcome ?? null) as never,
      evidence: [],
      idempotencyKey: `${s.step}/${i}`,
    });
}

const decided = (at: string, outcome: string, reasons: string[] = [], amount: string | null = '1000.00'): Step => ({
  step: 'decided',
  actor: rulebook,
  at,
  inputs: { caseFile: { caseId: 'x', person: { idNumber: '110101199003074578' } } },
  outcome: {
    outcome,
    amount,
    reasons,
    checks: reasons.map((rule) => ({ rule, result: 'fail', severity: 'review', message: `${rule} 未通过` })),
  },
});

/**
 * Writes the cases: in November 2026 (Beijing) automated approvals AUTO-01…AUTO-12 of lump-sum and
 * AUTO-T1 of transfer; OVR-1 overridden (approve → reject) with a second look; AMT-1 approved at a
 * changed amount; COR-1 corrected; RET-1 returned for documents; DEC-1 an automated approval decided
 * on 2026-10-31 23:30 Beijing (October, though UTC says the 31st 15:30).
 */
export async function writeAuditedCases(store: Store): Promise<void> {
  const nov = (day: number, hh = '10') => `2026-11-${String(day).padStart(2, '0')}T${hh}:00:00+08:00`;
  const register = (
    caseId: string,
    type: string,
    status: 'decided' | 'closed' | 'returned' | 'review',
    outcome: string | null,
    reasons: string[] = [],
    amount: string | null = '1000.00',
  ) =>
    upsertCase(store, {
      caseId,
      type,
      batchId: 'B-1',
      workflowId: `case-${caseId}`,
      runId: 'run-1',
      status,
      outcome,
      amount,
      reasons,
      rowNumber: 2,
    });
  for (let i = 1; i <= 12; i++) {
    const id = `AUTO-${String(i).padStart(2, '0')}`;
    await register(id, 'lump-sum', 'closed', 'approve');
    await trail(store, id, [
      { step: 'intake', actor: system, at: nov(2) },
      decided(nov(2), 'approve'),
      { step: 'entered', actor: { kind: 'bot', name: 'legacy-entry-bot', version: '0.1.0' }, at: nov(2) },
      { step: 'closed', actor: system, at: nov(2), outcome: { outcome: 'approve', amount: '1000.00', reasons: [] } },
    ]);
  }
  await register('AUTO-T1', 'transfer', 'closed', 'approve');
  await trail(store, 'AUTO-T1', [
    decided(nov(3), 'approve'),
    { step: 'closed', actor: system, at: nov(3), outcome: { outcome: 'approve' } },
  ]);
  await register('DEC-1', 'lump-sum', 'closed', 'approve');
  await trail(store, 'DEC-1', [decided('2026-10-31T23:30:00+08:00', 'approve')]);

  await register('OVR-1', 'lump-sum', 'decided', 'reject', ['RB-07']);
  await trail(store, 'OVR-1', [
    decided(nov(10), 'review', ['RB-07']),
    { step: 'claimed', actor: user('clerk.a'), at: nov(10, '11'), inputs: { role: 'clerk' }, outcome: { claimedBy: 'clerk.a' } },
    {
      step: 'proposed',
      actor: user('clerk.a'),
      at: nov(10, '12'),
      inputs: { role: 'clerk', decision: 'reject', comment: '材料不符', amountReason: null, needs: ['改变规则结果（approve → reject）'] },
      outcome: { before: { outcome: 'review', amount: '1000.00' }, proposed: { outcome: 'reject', amount: null } },
    },
    {
      step: 'second-look-approved',
      actor: user('chief'),
      at: nov(11),
      inputs: { role: 'supervisor', comment: '同意', proposedBy: 'clerk.a' },
      outcome: { proposal: { outcome: 'reject', amount: null }, verdict: 'approve' },
    },
    {
      step: 'reviewed',
      actor: user('clerk.a'),
      at: nov(11),
      inputs: {
        role: 'clerk',
        decision: 'reject',
        comment: '材料不符',
        amountReason: null,
        approvedBy: { username: 'chief', role: 'supervisor' },
      },
      outcome: { before: { outcome: 'review', amount: '1000.00' }, after: { outcome: 'reject', amount: null } },
    },
  ]);
  await register('AMT-1', 'lump-sum', 'decided', 'approve', [], '800.00');
  await trail(store, 'AMT-1', [
    decided(nov(12), 'review', ['RB-13']),
    {
      step: 'proposed',
      actor: user('clerk.b'),
      at: nov(12, '11'),
      inputs: {
        role: 'clerk',
        decision: 'approve',
        comment: '',
        amountReason: '发票金额有误',
        needs: ['RB-13 大额，需双人复核', '更改金额（1000.00 → 800.00）'],
      },
      outcome: { before: { outcome: 'review', amount: '1000.00' }, proposed: { outcome: 'approve', amount: '800.00' } },
    },
    {
      step: 'second-look-sent-back',
      actor: user('chief'),
      at: nov(12, '12'),
      inputs: { role: 'supervisor', comment: '请再核', proposedBy: 'clerk.b' },
      outcome: { proposal: { outcome: 'approve', amount: '800.00' }, verdict: 'send-back' },
    },
    {
      step: 'reviewed',
      actor: user('clerk.b'),
      at: nov(13),
      inputs: {
        role: 'clerk',
        decision: 'approve',
        comment: '',
        amountReason: '发票金额有误',
        approvedBy: { username: 'chief', role: 'supervisor' },
      },
      outcome: { before: { outcome: 'review', amount: '1000.00' }, after: { outcome: 'approve', amount: '800.00' } },
    },
  ]);
  await register('COR-1', 'lump-sum', 'review', 'review', ['RB-02']);
  await trail(store, 'COR-1', [
    decided(nov(14), 'review', ['RB-03']),
    {
      step: 'corrected',
      actor: user('clerk.a'),
      at: nov(14, '11'),
      inputs: {
        corrected: {
          by: 'clerk.a',
          role: 'clerk',
          reason: '录入错误',
          changes: [{ path: 'to.coverageStart', before: '2025-01-01', after: '2025-02-01' }],
        },
      },
      outcome: { outcome: 'review', amount: '1000.00', reasons: ['RB-02'], checks: [] },
    },
  ]);
  await register('RET-1', 'transfer', 'returned', 'review', ['RB-05']);
  await trail(store, 'RET-1', [
    decided(nov(20), 'review', ['RB-05']),
    {
      step: 'returned',
      actor: user('clerk.b'),
      at: nov(20, '11'),
      inputs: { role: 'clerk', decision: 'return', comment: '请补交发票原件', amountReason: null, approvedBy: null },
      outcome: { before: { outcome: 'review', amount: '1000.00' }, after: { outcome: 'review', amount: null } },
    },
  ]);
}
