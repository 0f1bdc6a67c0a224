import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ClaimInput, CorrectionInput, ReviewDecisionInput, ReviewState, SecondLookInput, SupplyInput } from './reviewTypes';
import type { BatchProgress, CaseResult } from './types';

/** Progress of a batch: counts by business and outcome, for the CLI's progress bar and the dashboard. */
export const batchProgressQuery = defineQuery<BatchProgress>('progress');

/** The step a case workflow is at, and its result once decided. */
export const caseStateQuery = defineQuery<{ step: string; result: CaseResult | null }>('state');

/** Where a case under review stands: holder, SLA, the rules' result, the decision once made. */
export const reviewStateQuery = defineQuery<ReviewState>('reviewState');

/** A clerk takes a case, so that no one else works it meanwhile. */
export const claimUpdate = defineUpdate<ReviewState, [ClaimInput]>('claim');

/** The holder (or a supervisor) gives a case back to the inbox. */
export const releaseUpdate = defineUpdate<ReviewState, [ClaimInput]>('release');

/** The holder corrects fields of the case file (e.g. an OCR misread); the rules decide again. */
export const correctUpdate = defineUpdate<CaseResult, [CorrectionInput]>('correct');

/**
 * The holder decides: approve, reject or return for documents (退回补正). A decision that needs a
 * second person (RB-13, an override, a changed amount, corrected core-system data) becomes a proposal.
 */
export const reviewUpdate = defineUpdate<ReviewState, [ReviewDecisionInput]>('review');

/** A supervisor other than the proposer approves a proposal or sends it back (双人复核). */
export const secondLookUpdate = defineUpdate<ReviewState, [SecondLookInput]>('secondLook');

/** A clerk hands in what the claimant supplied for a returned case: it reads them, its facts, and is decided again. */
export const supplyUpdate = defineUpdate<{ round: number }, [SupplyInput]>('supplyDocuments');

/** A case tells its batch that the bots are done with it: the batch counts it, even if a clerk still has it. */
export const caseSettledSignal = defineSignal<[{ caseId: string; result: CaseResult }]>('caseSettled');

/**
 * The batch run that started a case is about to continue as new: the case must now tell the batch
 * by its settle signal even when it closes (the next run holds no child handle to see it close).
 */
export const reportBySignalSignal = defineSignal('reportBySignal');
