import { z } from 'zod';
import { AUDIT_STEPS } from './auditSteps';

export const Actor = z.strictObject({
  kind: z.enum(['bot', 'user', 'system']),
  name: z.string().min(1),
  version: z.string().min(1).optional(),
});
export type Actor = z.infer<typeof Actor>;

const EvidenceRef = z.strictObject({
  kind: z.string().min(1),
  ref: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex sha256'),
});
export type EvidenceRef = z.infer<typeof EvidenceRef>;

/** What a caller hands to appendEvent: one automated decision or effect on one case. */
export const AuditEventInput = z.strictObject({
  caseId: z.string().min(1),
  workflowId: z.string().min(1),
  runId: z.string().min(1),
  /** One of AUDIT_STEPS: a step not in the list is refused, not written. */
  step: z.enum(AUDIT_STEPS),
  actor: Actor,
  /** The caller's clock (activities pass their own); normalised to UTC milliseconds before hashing. */
  at: z.iso.datetime({ offset: true }),
  inputs: z.json(),
  ruleSetVersion: z.string().min(1).nullable(),
  /** e.g. {outcome, amount, reasons, checks: [{rule, result, ...}]} */
  outcome: z.json().nullable(),
  evidence: z.array(EvidenceRef),
  /** Same key ⇒ same event: a retried activity passes e.g. `${runId}/${step}`. */
  idempotencyKey: z.string().min(1),
});
export type AuditEventInput = z.input<typeof AuditEventInput>;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** The fields the hash covers: the input plus its place in the case's chain. */
export const HashedEvent = AuditEventInput.extend({
  seq: z.number().int().min(1),
  prevHash: sha256Hex.nullable(),
});
export type HashedEvent = z.infer<typeof HashedEvent>;

/** An event as stored: the hashed fields, its hash, and when the database recorded it. */
export const AuditEvent = HashedEvent.extend({
  hash: sha256Hex,
  recordedAt: z.string(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;
