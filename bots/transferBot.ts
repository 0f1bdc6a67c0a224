import type { FactsQuery } from './facts';
import { BusinessFault } from './errors';
import { enterWithLookBeforeSubmit, type EntryLook, type EntryResult, type TransferEntryRequest } from './lookBeforeSubmit';
import { TransferEntryPage } from './pages/TransferEntryPage';
import { identityOf, openPersonRecord } from './readPerson';
import type { SubmitGuard } from './pages/EntryFormPage';
import type { BotSession } from './session';

/** 转移接续: reads the received 信息表 (outgoing record, funds received) from the person's record. */
export async function readTransferFacts(session: BotSession, query: FactsQuery): Promise<Record<string, unknown>> {
  const { detail, basic } = await openPersonRecord(session, query);
  const transfer = await detail.readTransferInfo();
  if (!transfer) throw new BusinessFault('SYS-NO-TRANSFER', '核心系统中无转入信息表（参保人员基本医疗保险信息表）记录');
  return {
    person: identityOf(basic),
    receivedDate: transfer.receivedDate,
    retired: basic.retired,
    from: transfer.from,
    to: transfer.to,
    accountFundsReceived: transfer.accountFundsReceived,
    continuousMonthsBefore: transfer.continuousMonthsBefore,
  };
}

/** 转移接续转入: enters the decided transfer-in, unless the case has been entered already. */
export function enterTransferResult(
  session: BotSession,
  request: TransferEntryRequest,
  mayStillSubmit?: SubmitGuard,
  look?: EntryLook,
): Promise<EntryResult> {
  return enterWithLookBeforeSubmit(
    session,
    request,
    async () => {
      const form = new TransferEntryPage(session);
      await form.open();
      await form.fillIn(request);
      return form.submit(mayStillSubmit);
    },
    look,
  );
}
