/**
 * The steps an audit trail records: the `step` of every event, as stored. A trail is kept for
 * years, so a name once written stays here for its old events to read. Imports nothing, so code
 * of every kind (workflows too) may name a step, and a misspelt one does not compile.
 */
export const AUDIT_STEPS = [
  // A case, in about the order it goes.
  'intake',
  'facts-read',
  'bot-fault',
  'decided',
  'exception',
  'review-opened',
  'review-reminder',
  'review-escalated',
  'claimed',
  'released',
  'corrected',
  'proposed',
  'second-look-approved',
  'second-look-sent-back',
  'act-refused',
  'reviewed',
  'returned',
  'awaiting-documents',
  'documents-supplied',
  'return-expired',
  'entered',
  'entry-refused',
  'entry-fenced',
  'closed',
  'notice-issued',
  // Account administration, in the `_admin` trail (store/userAdmin.ts).
  'user-added',
  'user-disabled',
  'user-enabled',
  'password-reset',
  'user-email-set',
  // The bureau calendar's years, in the `_admin` trail (store/calendarYears.ts).
  'calendar-imported',
  'calendar-replaced',
  'calendar-shown',
  // Parameter versions proposed, approved (published) or refused, in the `_admin` trail (store/parameterVersions.ts).
  'policy-proposed',
  'policy-approved',
  'policy-refused',
  // Auditors' acts: on a case's trail (verified, replayed, exported, a sample's verdict) or `_samples`.
  'audit-verified',
  'audit-replayed',
  'audit-exported',
  'sample-drawn',
  'sample-verdict',
  // A draft parameter change simulated on recorded decisions, in the `_admin` trail (policy/record.ts).
  'policy-simulated',
] as const;

export type AuditStep = (typeof AUDIT_STEPS)[number];
