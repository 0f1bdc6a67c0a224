import { enterLumpSumResult } from './lumpSumBot';
import { EntryRequestSchema, type EntryRequest, type EntryResult } from './lookBeforeSubmit';
import { enterReimbursementResult } from './reimbursementBot';
import type { SubmitGuard } from './pages/EntryFormPage';
import type { BotSession } from './session';
import { enterTransferResult } from './transferBot';

/**
 * Enters a decided result through the entry screen of its business, look-before-submit by case ID;
 * `mayStillSubmit` is asked right before the click that sends the entry (see EntryFormPage.submit).
 */
export function enterResult(session: BotSession, request: EntryRequest, mayStillSubmit?: SubmitGuard): Promise<EntryResult> {
  const checked = EntryRequestSchema.parse(request);
  switch (checked.type) {
    case 'lump-sum':
      return enterLumpSumResult(session, checked, mayStillSubmit);
    case 'transfer':
      return enterTransferResult(session, checked, mayStillSubmit);
    case 'reimbursement':
      return enterReimbursementResult(session, checked, mayStillSubmit);
  }
}
