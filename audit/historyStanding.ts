import type { AuditStep } from '../store/auditSteps';

/** Where a case stood after each step its history is archived at while open (workflows/historyArchive.ts). */
const STANDING: Partial<Record<AuditStep, string>> = {
  'review-opened': 'case waiting for a clerk',
  claimed: 'case claimed, waiting for the clerk',
  released: 'case waiting for a clerk',
  corrected: 'case corrected, waiting for the clerk',
  proposed: "case waiting for a supervisor's second look",
  'second-look-sent-back': 'case sent back, waiting for the clerk',
  reviewed: 'decided by a clerk, not yet entered',
  'second-look-approved': 'decided by a clerk, not yet entered',
  returned: 'case returned for documents',
  'awaiting-documents': 'case returned, waiting for documents',
  'documents-supplied': 'documents handed in, case deciding again',
  'notice-issued': 'case closing, its last steps',
};

/**
 * Where the case stood when a partial history was archived, in a few words for `audit replay`;
 * archives without a step (saved before steps were kept) were taken from the case's last step.
 */
export function standingAfter(step: AuditStep | null): string {
  return (step && STANDING[step]) ?? 'saved before the run closed';
}
