import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Business of a case workflow (`lump-sum`, `transfer`, `reimbursement`). */
export const CaseTypeKey = defineSearchAttributeKey('CaseType', SearchAttributeType.KEYWORD);
/** Outcome of a case workflow once decided (`approve`, `reject`, `review`). */
export const CaseOutcomeKey = defineSearchAttributeKey('CaseOutcome', SearchAttributeType.KEYWORD);
/** Batch a workflow belongs to, so a manager can list one batch's cases in the Temporal UI. */
export const BatchIdKey = defineSearchAttributeKey('BatchId', SearchAttributeType.KEYWORD);

export const PROJECT_SEARCH_ATTRIBUTES = [CaseTypeKey, CaseOutcomeKey, BatchIdKey] as const;
