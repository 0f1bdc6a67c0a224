import { BusinessFault } from './errors';
import type { FactsQuery, FactsReading } from './facts';
import { readLumpSumFacts } from './lumpSumBot';
import { readReimbursementFacts } from './reimbursementBot';
import type { BotSession } from './session';
import { readTransferFacts } from './transferBot';

/** Where the facts came from, as the audit trail records it. */
const FACTS_SOURCE = 'core-system';

/**
 * Reads the system-of-record facts a case file of the query's business needs (POLICY.md) through
 * the core system's screens. A business fault (no such person, no record) is a reading too, for a
 * clerk to resolve; technical faults are thrown (TechnicalFault), for the caller to retry.
 */
export async function readFacts(session: BotSession, query: FactsQuery): Promise<FactsReading> {
  try {
    const facts = await session.run(() => {
      switch (query.type) {
        case 'lump-sum':
          return readLumpSumFacts(session, query);
        case 'transfer':
          return readTransferFacts(session, query);
        case 'reimbursement':
          return readReimbursementFacts(session, query);
      }
    });
    return { ok: true, source: FACTS_SOURCE, facts };
  } catch (err) {
    if (err instanceof BusinessFault && err.concernsCase) return { ok: false, code: err.code, message: err.message };
    throw err;
  }
}
