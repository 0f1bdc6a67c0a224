import type { CaseType } from '../rules/caseTypes';

/**
 * What the bots read from the core system: the query they start from and the reading they return.
 * The bots own these shapes; the activities pass them on and the stand-in (fixtures/legacy-system)
 * answers in them, so neither defines them for the bots.
 */

/** The application fields a reading starts from (what the clerk types into 人员查询). */
export interface FactsQuery {
  type: CaseType;
  idNumber: string;
  name: string;
  hospitalCode?: string;
  admissionDate?: string;
  visitKind?: 'inpatient' | 'outpatient';
}

/** What the core system said about a case: its facts, or a business fault a clerk must resolve. */
export type FactsReading = { ok: true; facts: Record<string, unknown>; source: string } | { ok: false; code: string; message: string };
