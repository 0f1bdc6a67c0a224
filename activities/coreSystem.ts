import { BusinessFault, enterResult, readFacts, type BrowserPool, type EntryRequest, type EvidenceFile, type SubmitGuard } from '../bots';
import type { BotStepStats, EntryLook, FactsQuery, FactsReading } from '../bots';
import { ZHISHEN_VERSION } from './version';

type EntryOutcome =
  { ok: true; entryNumber: string; alreadyEntered: boolean } | { ok: false; code: string; message: string; evidence: EvidenceFile[] };

/** The core business system as the activities see it: read a case's facts, enter its result. */
export interface CoreSystem {
  /** Bot name and version, as the audit trail records the actor. */
  readonly actor: { name: string; version: string };
  /** `attempt`: the activity's (1 for the first), for the bots' trace policy. */
  readFacts(query: FactsQuery, label: string, attempt?: number): Promise<FactsReading>;
  /**
   * `mayStillSubmit` is asked right before the click that sends the entry; it throws to stop it.
   * `look: false` skips the search for an earlier entry (nothing before this attempt can have sent one).
   */
  enterResult(
    request: EntryRequest,
    label: string,
    mayStillSubmit?: SubmitGuard,
    look?: EntryLook,
    attempt?: number,
  ): Promise<EntryOutcome>;
  /** Steps, page loads and time by business and step (`lump-sum/read`, `transfer/enter`…), when the bots count them. */
  stats?(): Record<string, BotStepStats>;
}

/** The bots, working the core system's screens in a pool of logged-in browser contexts. */
export function browserCoreSystem(pool: BrowserPool): CoreSystem {
  return {
    actor: { name: 'legacy-bot', version: ZHISHEN_VERSION },
    readFacts: (query, label, attempt) =>
      pool.withSession((session) => readFacts(session, query), { label, kind: `${query.type}/read`, attempt }),
    async enterResult(request, label, mayStillSubmit, look, attempt) {
      try {
        const entered = await pool.withSession((session) => enterResult(session, request, mayStillSubmit, look), {
          label,
          kind: `${request.type}/enter`,
          attempt,
        });
        return { ok: true, ...entered };
      } catch (err) {
        // A refusal about the case (e.g. a conflicting earlier entry) goes to a clerk; anything else is retried.
        if (err instanceof BusinessFault && err.concernsCase)
          return { ok: false, code: err.code, message: err.message, evidence: err.evidence };
        throw err;
      }
    },
    stats: () => pool.stats(),
  };
}
