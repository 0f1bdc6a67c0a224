import { enterLumpSumResult } from './lumpSumBot';
import { EntryRequestSchema, type EntryLook, type EntryRequest, type EntryResult } from './lookBeforeSubmit';
import { enterReimbursementResult } from './reimbursementBot';
import type { SubmitGuard } from './pages/EntryFormPage';
import type { BotSession } from './session';
import { enterTransferResult } from './transferBot';

/**
 * Enters a decided result through the entry screen of its business, look-before-submit by case ID;
 * `mayStillSubmit` is asked right before the click that sends the entry (see EntryFormPage.submit);
 * `look: false` skips the search when the caller knows nothing can have entered the case yet.
 */
export function enterResult(
  session: BotSession,
  request: EntryRequest,
  mayStillSubmit?: SubmitGuard,
  look?: EntryLook,
): Promise<EntryResult> {
  const checked = EntryRequestSchema.parse(request);
  switch (checked.type) {
    case 'lump-sum':
      return enterLumpSumResult(session, checked, mayStillSubmit, look);
    case 'transfer':
      return enterTransferResult(session, checked, mayStillSubmit, look);
    case 'reimbursement':
      return enterReimbursementResult(session, checked, mayStillSubmit, look);
  }
}
