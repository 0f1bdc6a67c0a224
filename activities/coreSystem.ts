import { BusinessFault, enterResult, readFacts, type BrowserPool, type EntryRequest, type EvidenceFile, type SubmitGuard } from '../bots';
import type { FactsQuery, FactsReading } from '../bots';
import { ZHISHEN_VERSION } from './version';

type EntryOutcome =
  { ok: true; entryNumber: string; alreadyEntered: boolean } | { ok: false; code: string; message: string; evidence: EvidenceFile[] };

/** The core business system as the activities see it: read a case's facts, enter its result. */
export interface CoreSystem {
  /** Bot name and version, as the audit trail records the actor. */
  readonly actor: { name: string; version: string };
  readFacts(query: FactsQuery, label: string): Promise<FactsReading>;
  /** `mayStillSubmit` is asked right before the click that sends the entry; it throws to stop it. */
  enterResult(request: EntryRequest, label: string, mayStillSubmit?: SubmitGuard): Promise<EntryOutcome>;
}

/** The bots, working the core system's screens in a pool of logged-in browser contexts. */
export function browserCoreSystem(pool: BrowserPool): CoreSystem {
  return {
    actor: { name: 'legacy-bot', version: ZHISHEN_VERSION },
    readFacts: (query, label) => pool.withSession((session) => readFacts(session, query), label),
    async enterResult(request, label, mayStillSubmit) {
      try {
        return { ok: true, ...(await pool.withSession((session) => enterResult(session, request, mayStillSubmit), label)) };
      } catch (err) {
        // A refusal about the case (e.g. a conflicting earlier entry) goes to a clerk; anything else is retried.
        if (err instanceof BusinessFault && err.concernsCase)
          return { ok: false, code: err.code, message: err.message, evidence: err.evidence };
        throw err;
      }
    },
  };
}
