import type { FactsQuery } from './facts';
import { BusinessFault } from './errors';
import { enterWithLookBeforeSubmit, type EntryLook, type EntryResult, type LumpSumEntryRequest } from './lookBeforeSubmit';
import { LumpSumEntryPage } from './pages/LumpSumEntryPage';
import { identityOf, openPersonRecord } from './readPerson';
import type { SubmitGuard } from './pages/EntryFormPage';
import type { BotSession } from './session';

/** 趸缴: reads retirement category, retirement and contribution months from the person's record. */
export async function readLumpSumFacts(session: BotSession, query: FactsQuery): Promise<Record<string, unknown>> {
  const { detail, basic } = await openPersonRecord(session, query);
  const contributions = await detail.readContributions();
  if (!contributions) throw new BusinessFault('SYS-NO-CONTRIBUTIONS', '核心系统中无缴费年限记录');
  if (basic.originalRetirementAge === null) {
    throw new BusinessFault('SYS-NO-CATEGORY', '核心系统中无退休类别（原法定退休年龄）记录');
  }
  return {
    person: identityOf(basic),
    scheme: basic.scheme,
    originalRetirementAge: basic.originalRetirementAge,
    retirement: basic.retirement,
    contributions,
  };
}

/** 趸缴核定: enters the decided lump sum, unless the case has been entered already. */
export function enterLumpSumResult(
  session: BotSession,
  request: LumpSumEntryRequest,
  mayStillSubmit?: SubmitGuard,
  look?: EntryLook,
): Promise<EntryResult> {
  return enterWithLookBeforeSubmit(
    session,
    request,
    async () => {
      const form = new LumpSumEntryPage(session);
      await form.open();
      await form.fillIn(request);
      return form.submit(mayStillSubmit);
    },
    look,
  );
}
