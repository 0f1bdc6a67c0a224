import { enterLumpSumResult } from './lumpSumBot';
import { EntryRequestSchema, type EntryRequest, type EntryResult } from './lookBeforeSubmit';
import { enterReimbursementResult } from './reimbursementBot';
import type { BotSession } from './session';
import { enterTransferResult } from './transferBot';

/** Enters a decided result through the entry screen of its business, look-before-submit by case ID. */
export function enterResult(session: BotSession, request: EntryRequest): Promise<EntryResult> {
  const checked = EntryRequestSchema.parse(request);
  switch (checked.type) {
    case 'lump-sum':
      return enterLumpSumResult(session, checked);
    case 'transfer':
      return enterTransferResult(session, checked);
    case 'reimbursement':
      return enterReimbursementResult(session, checked);
  }
}
