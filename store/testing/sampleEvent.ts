import type { AuditEventInput } from '../auditEvent';

/** A plausible 'decided' event; override what a test cares about. */
export function sampleEvent(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  const runId = overrides.runId ?? 'run-1';
  const step = overrides.step ?? 'decided';
  return {
    caseId: 'YB2025-000123',
    workflowId: 'case-YB2025-000123',
    runId,
    step,
    actor: { kind: 'bot', name: 'decider', version: '0.1.0' },
    at: '2025-03-03T09:15:00.123+08:00',
    inputs: { facts: { insured: true, visits: 3 }, receipts: [{ total: '1234.50', confidence: 0.97 }] },
    ruleSetVersion: 'params-2025-01-01',
    outcome: {
      outcome: 'approve',
      amount: '987.60',
      reasons: [],
      checks: [
        { rule: 'R01', result: 'pass' },
        { rule: 'R07', result: 'pass', detail: { ceiling: '50000.00' } },
      ],
    },
    evidence: [{ kind: 'receipt', ref: 'receipts/1.png', sha256: 'a'.repeat(64) }],
    idempotencyKey: `${runId}/${step}`,
    ...overrides,
  };
}
