import { z } from 'zod';
import { CASE_TYPES } from '../rules/caseTypes';

/**
 * The events that reach people (docs/notifications.md). Each carries `key`: what makes it this
 * event and no other (the audit key of the step that produced it, the batch, the storm's window),
 * so producing it again writes nothing new.
 */
const caseRef = { key: z.string().min(1), caseId: z.string().min(1), caseType: z.enum(CASE_TYPES) };

export const NotifyEvent = z.discriminatedUnion('kind', [
  /** The morning a review's SLA is due: to the clerk holding it and the supervisors. */
  z.object({ kind: z.literal('review-reminder'), ...caseRef, deadlineAt: z.string().nullable(), holder: z.string().nullable() }),
  /** The SLA passed without a decision: the same people, now as an escalation. */
  z.object({ kind: z.literal('review-escalated'), ...caseRef, deadlineAt: z.string().nullable(), holder: z.string().nullable() }),
  /** A decision proposed for a second look (双人复核): to the supervisors other than the proposer. */
  z.object({
    kind: z.literal('second-look'),
    ...caseRef,
    proposer: z.string().min(1),
    decision: z.enum(['approve', 'reject']),
    amount: z.string().nullable(),
    needs: z.array(z.string()),
  }),
  /** A batch's cases are all through: to the managers. */
  z.object({
    kind: z.literal('batch-finished'),
    key: z.string().min(1),
    batchId: z.string().min(1),
    total: z.number().int(),
    invalidRows: z.number().int(),
    byOutcome: z.object({ approve: z.number(), reject: z.number(), review: z.number(), failed: z.number() }),
  }),
  /** A batch stopped with an error: to the managers. */
  z.object({ kind: z.literal('batch-failed'), key: z.string().min(1), batchId: z.string().min(1), message: z.string() }),
  /** Many bot faults in a short window (the core system failing): to the managers, once per window. */
  z.object({
    kind: z.literal('bot-fault-storm'),
    key: z.string().min(1),
    faults: z.number().int(),
    minutes: z.number(),
    since: z.string(),
    lastFault: z.string().nullable(),
  }),
]);
export type NotifyEvent = z.infer<typeof NotifyEvent>;
