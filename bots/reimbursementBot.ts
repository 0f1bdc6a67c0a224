import type { FactsQuery } from './facts';
import { formatFen, sumFen, toFen } from '../rules/money';
import { BusinessFault } from './errors';
import { enterWithLookBeforeSubmit, type EntryLook, type EntryResult, type ReimbursementEntryRequest } from './lookBeforeSubmit';
import { HospitalLookupPage } from './pages/HospitalLookupPage';
import { InvoiceLookupPage } from './pages/InvoiceLookupPage';
import { ReimbursementEntryPage } from './pages/ReimbursementEntryPage';
import { identityOf, openPersonRecord } from './readPerson';
import type { SubmitGuard } from './pages/EntryFormPage';
import type { BotSession } from './session';

/**
 * 零星报销: reads coverage, waiting period and this year's fund payments of the visit's kind from the
 * person's record, the hospital from the registry, and the invoices already reimbursed.
 */
export async function readReimbursementFacts(session: BotSession, query: FactsQuery): Promise<Record<string, unknown>> {
  const { detail, basic } = await openPersonRecord(session, query);
  const { coverage, waitingUntil } = await detail.readCoverage();
  const payments = await detail.readFundPayments();

  const unknownHospital = () =>
    new BusinessFault('SYS-HOSPITAL-UNKNOWN', `医疗机构编码 ${query.hospitalCode ?? '（空）'} 不在医疗机构库中`);
  if (!query.hospitalCode) throw unknownHospital();
  const hospitals = new HospitalLookupPage(session);
  const hospital = await hospitals.lookUpByCode(query.hospitalCode);
  if (!hospital) throw unknownHospital();

  const year = Number((query.admissionDate ?? '').slice(0, 4));
  const paid = payments.filter((p) => p.year === year && p.kind === query.visitKind).map((p) => toFen(p.amount));

  // The unfiltered list: every invoice the bureau has reimbursed, oldest first, as the screen opens.
  const claimedInvoices = await new InvoiceLookupPage(session).readAllAt();

  return {
    person: { ...identityOf(basic), scheme: basic.scheme, retired: basic.retired },
    coverage,
    waitingUntil,
    hospital,
    yearToDate: { fundPaid: formatFen(sumFen(paid)) },
    claimedInvoices,
  };
}

/** 零星报销登记: enters the decided payment, unless the case has been entered already. */
export function enterReimbursementResult(
  session: BotSession,
  request: ReimbursementEntryRequest,
  mayStillSubmit?: SubmitGuard,
  look?: EntryLook,
): Promise<EntryResult> {
  return enterWithLookBeforeSubmit(
    session,
    request,
    async () => {
      const form = new ReimbursementEntryPage(session);
      await form.open();
      await form.fillIn(request);
      return form.submit(mayStillSubmit);
    },
    look,
  );
}
