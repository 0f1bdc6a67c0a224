import { defineQuery } from '@temporalio/workflow';
import type { BatchProgress, CaseResult } from './types';

/** Progress of a batch: counts by business and outcome, for the CLI's progress bar and the dashboard. */
export const batchProgressQuery = defineQuery<BatchProgress>('progress');

/** The step a case workflow is at, and its result once decided. */
export const caseStateQuery = defineQuery<{ step: string; result: CaseResult | null }>('state');
